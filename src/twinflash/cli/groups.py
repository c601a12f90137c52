"""A command group that also knows two-word commands, such as `twinflash audit compare`.

`twinflash audit DATASET` is a command, not a group (its first argument is a path), so
`audit compare` cannot be a sub-command of it. Registering a command under the name
"audit compare" and letting the root group try the first two words before the first one
gives the user the words they expect, and `--help` lists it as such.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperGroup


class TwoWordGroup(TyperGroup):
    """Resolves `A B ...` to the command named "A B" when one exists, else as usual."""

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        if len(args) >= 2:
            name = f"{args[0]} {args[1]}"
            command = self.commands.get(name)
            if command is not None:
                return name, command, args[2:]
        return super().resolve_command(ctx, args)
