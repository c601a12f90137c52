"""What several commands share: option types, their parsers, and the flag of each
library parameter.

The library names its parameters in its errors, in backticks (`` `workers`: must be >= 1 ``);
the command line speaks in flags. `in_cli_terms` turns the first into the second, so each
layer uses its own words and a message is written once.
"""

from __future__ import annotations

import re
from typing import Annotated

import typer

from twinflash.errors import InputError

# library parameter -> flag, where the flag is not simply `--` + the name with dashes
FLAG_OF_PARAMETER: dict[str, str] = {
    "out_dir": "--out",
    "model_spec": "--model",
    "n_boot": "--bootstrap",
    "columns": "--slice",
    "face_threshold": "--threshold",
    "resolution_wh": "--resolution",
    "render_samples": "--samples",
    "db_url": "--db",
    "queue_url": "--queue",
    "data_dir": "--data",
    "pretrained=False": "--no-pretrained",
    "split=None": "--split all",
}
_PARAMETER = re.compile(r"`([a-z][a-z0-9_]*(?:=[A-Za-z0-9_]+)?)`")


def flag_of(parameter: str) -> str:
    """`threads_per_worker` -> `--threads-per-worker`; renamed flags from the table."""
    return FLAG_OF_PARAMETER.get(parameter) or "--" + parameter.replace("_", "-")


def in_cli_terms(message: str) -> str:
    """A library message with every backticked parameter named by its flag."""
    return _PARAMETER.sub(lambda m: flag_of(m.group(1)), message)


def parse_resolution(text: str | None) -> tuple[int, int] | None:
    """`640x480` -> (640, 480); None stays None (no override)."""
    if text is None:
        return None
    m = re.fullmatch(r"(\d+)[xX](\d+)", text.strip())
    if not m:
        raise InputError(f"--resolution: expected WIDTHxHEIGHT such as 640x480 (got {text!r})")
    return int(m.group(1)), int(m.group(2))


Resolution = Annotated[
    str | None, typer.Option(help="override the camera resolution, e.g. 640x480")
]
Quality = Annotated[str | None, typer.Option(help="override the quality preset: draft or final")]
Samples = Annotated[int | None, typer.Option(help="override the render samples")]
