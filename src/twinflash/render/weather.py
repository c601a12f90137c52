"""Weather: rain, fog, snow. (First version: none.)"""

from __future__ import annotations

from twinflash.render.context import BuildContext


def setup_weather(ctx: BuildContext) -> None:
    return None
