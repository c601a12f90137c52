"""Read and write scene files, with errors that name the file and the field."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from twinflash.errors import InputError
from twinflash.scene.models import Scene

PLACE_TAGS = ("street", "osm")  # the union's tags pydantic puts in an error's path


def format_validation_error(source: str, exc: ValidationError) -> str:
    """One line: `source: field.path: message (got value)` for each problem, joined by '; '."""
    parts = []
    for err in exc.errors():
        path = [
            p
            for i, p in enumerate(err["loc"])
            if not (i and err["loc"][i - 1] == "place" and p in PLACE_TAGS)
        ]
        loc = ".".join(
            f"[{p}]" if isinstance(p, int) else str(p) if str(p).isprintable() else repr(p)
            for p in path
        ).replace(".[", "[")
        got = err.get("input")
        msg = err["msg"].removeprefix("Value error, ")
        plain = isinstance(got, dict | list) or got is None or f"{got!r}" in msg
        got_txt = "" if plain else f" (got {got!r})"
        parts.append(f"{loc or '<root>'}: {msg}{got_txt}")
    return f"{source}: " + "; ".join(parts)


def read_yaml_mapping(path: Path) -> dict:
    """Load a YAML file that must hold a mapping; InputError otherwise."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder, expected a YAML file")
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"{path}: {where}broken YAML: {problem}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a UTF-8 text file") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping of scene fields, got {type(data).__name__}")
    return data


def parse_scene(data: dict, source: str = "<scene>") -> Scene:
    """Validate a mapping into a resolved Scene (presets applied, plates drawn)."""
    from twinflash.scene.resolve import resolve_scene

    try:
        scene = Scene.model_validate(data)
    except ValidationError as exc:
        raise InputError(format_validation_error(source, exc)) from None
    return resolve_scene(scene, source=source)


def anchor_extract(data: dict, base_dir: Path) -> dict:
    """A relative `place.extract` is relative to the file that names it (scene or plan):
    made absolute here, so the resolved scene works from any folder."""
    place = data.get("place")
    if isinstance(place, dict) and isinstance(place.get("extract"), str):
        extract = Path(place["extract"]).expanduser()
        if not extract.is_absolute():
            data = {**data, "place": {**place, "extract": str((base_dir / extract).resolve())}}
    return data


def load_scene(path: str | Path) -> Scene:
    path = Path(path)
    data = anchor_extract(read_yaml_mapping(path), path.parent)
    return parse_scene(data, source=str(path))


def dump_scene(scene: Scene) -> str:
    """The resolved scene as YAML: every value explicit, re-loadable as is."""
    return yaml.safe_dump(scene.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
