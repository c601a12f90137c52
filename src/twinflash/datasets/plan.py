"""A dataset plan: its fields (`planspec`) checked against a sampled scene.

A plan is YAML validated field by field (`PlanSpec`, unknown fields are errors), then
`check_plan` draws sample 0 through the sampler, so that what only a scene shows is
refused before anything renders. See docs/datasets.md for the full field list.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from twinflash.datasets.planspec import PlanSpec
from twinflash.datasets.sampler import sample_scene
from twinflash.errors import InputError
from twinflash.scene.io import anchor_extract, format_validation_error, read_yaml_mapping
from twinflash.scene.models import Scene


class Plan(PlanSpec):
    def with_overrides(
        self,
        resolution_wh: tuple[int, int] | None = None,
        render_samples: int | None = None,
        count: int | None = None,
        source: str = "<plan>",
    ) -> Plan:
        """The plan with command-line overrides folded in (they then count in its hash),
        checked as `parse_plan` checks a plan; InputError names the file, field and option."""
        overridden = self._overridden(resolution_wh, render_samples, count, source)
        if overridden is None:
            return self
        plan, where = overridden
        check_plan(plan, where)
        return plan


def image_columns(scene: Scene, sequence: bool = False) -> list[str]:
    """The image-row columns a sample of `scene` will have, known before rendering it
    (what `splits.hold_out.key` may name); clips add `clip` and `frame`."""
    from twinflash.formats.metadata import DERIVED_COLUMNS, image_row  # pyarrow: lazily

    w, h = scene.camera.resolution_wh
    image = {
        "width": w,
        "height": h,
        "scene": scene.model_dump(mode="json"),
        "derived": dict.fromkeys(DERIVED_COLUMNS),
    }
    row = image_row(0, "", "", {"images": [image], "annotations": []})
    return [*row, *(("clip", "frame") if sequence else ())]


def check_plan(plan: Plan, source: str = "<plan>") -> None:
    """What only a sampled scene shows, checked before anything renders: sample 0 is drawn
    and goes through the scene validator (so `base`, the constant values and the overrides
    are valid scene values), and `splits.hold_out.key` must name a column of the metadata
    that scene will have. Later samples' draws fail one by one, as sample failures."""
    scene = sample_scene(plan, 0, source=source)
    hold = plan.splits.hold_out
    if hold is not None:
        columns = image_columns(scene, plan.sequence is not None)
        key = hold.key.replace(".", "_")
        if key not in columns:
            close = difflib.get_close_matches(key, columns, n=3)
            hint = (
                f"did you mean {' or '.join(close)}?"
                if close
                else f"known: {', '.join(sorted(columns))}"
            )
            raise InputError(
                f"{source}: splits.hold_out.key: no metadata column {hold.key!r}; {hint}"
            )


def parse_plan(data: dict[str, Any], source: str = "<plan>") -> Plan:
    """Validate a plan mapping, then `check_plan` it (sample 0, hold-out key)."""
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        raise InputError(format_validation_error(source, exc)) from None
    check_plan(plan, source)
    return plan


def load_plan(path: str | Path) -> Plan:
    path = Path(path)
    data = read_yaml_mapping(path)
    if isinstance(data.get("base"), dict):
        data = {**data, "base": anchor_extract(data["base"], path.parent)}
    return parse_plan(data, source=str(path))
