"""The demo report's rates: exact binomial intervals."""

from __future__ import annotations

import pytest

from twinflash.clonedemo.report import Rate


def test_exact_binomial_interval() -> None:
    lo, hi = Rate(0, 10).interval()
    assert lo == 0.0 and hi == pytest.approx(1 - 0.025 ** (1 / 10))
    lo, hi = Rate(10, 10).interval()
    assert hi == 1.0 and lo == pytest.approx(0.025 ** (1 / 10))
    lo, hi = Rate(3, 10).interval()
    assert lo == pytest.approx(0.0667, abs=1e-4) and hi == pytest.approx(0.6525, abs=1e-4)
    assert Rate(0, 0).interval() == (None, None)


def _case(name: str, distance_m: float, kind: str, status: str, plate_read: str | None):
    from twinflash.clonedemo.photos import Photo
    from twinflash.clonedemo.registry import Registered
    from twinflash.clonedemo.report import Case

    photo = Photo(name, f"photos/{name}/image.png", "renault_clio_5", "Renault", "Clio",
                  "night_ir", "test", "AB-153-CE", ((0, 0), (1, 0), (1, 1), (0, 1)),
                  (0, 0, 1, 1), 3.0, 1.0, distance_m)  # fmt: skip
    registered = Registered("AB-153-CE", "Renault", "Clio" if kind == "honest" else "Master",
                            kind)  # fmt: skip
    return Case(photo, registered, {"status": status, "plate": plate_read, "score": 0.0})


def test_tally_by_distance_and_plates_read_right_side_by_side(tmp_path) -> None:
    import json

    from twinflash.clonedemo.report import tally, write_report

    given = [_case("a", 8.5, "honest", "consistent", "AB-153-CE"),
             _case("b", 11.0, "other_body", "suspected_clone", "AB-153-CE"),
             _case("c", 11.5, "honest", "inconclusive", "AB-153-CE")]  # fmt: skip
    read = [_case("a", 8.5, "honest", "consistent", "AB-153-CE"),
            _case("b", 11.0, "other_body", "inconclusive", "AS-153-CE"),  # misread
            _case("c", 11.5, "honest", "inconclusive", None)]  # fmt: skip
    t = tally(read)
    near, far = t["by"]["distance"]["near (< 10 m)"], t["by"]["distance"]["far (>= 10 m)"]
    assert (near["plate_right"].k, near["plate_right"].n) == (1, 1)
    assert (far["plate_right"].k, far["plate_right"].n) == (0, 2)
    assert (far["clones_flagged"].k, far["clones_flagged"].n) == (0, 1)
    assert tally(given)["by"]["distance"]["far (>= 10 m)"]["clones_flagged"].k == 1
    html = write_report(tmp_path, given, tmp_path, {"summary": "s"}, cases_read=read)
    text = html.read_text()
    assert "plate read: plate right" in text and "far (&gt;= 10 m)" in text
    doc = json.loads((tmp_path / "report.json").read_text())
    assert doc["tally_plate_read"]["all"]["plate_right"]["k"] == 1
    assert [c["distance"] for c in doc["cases_plate_read"]] == [
        "near (< 10 m)", "far (>= 10 m)", "far (>= 10 m)"]  # fmt: skip
