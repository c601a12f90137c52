"""The stand-in verdict: deterministic, driven by the manifest, shaped like the real one."""

from __future__ import annotations

import numpy as np

from twinflash.web.standin import STATUSES, Expected, StandinChecker

RGB = np.zeros((100, 200, 3), np.uint8)


def test_same_plate_same_verdict_and_no_plate_is_inconclusive() -> None:
    checker = StandinChecker()
    assert checker.check(RGB, "AB-123-CD") == checker.check(RGB, "AB-123-CD")
    none = checker.check(RGB, None)
    assert none.status == "inconclusive" and none.score == 0.0 and none.plate is None


def test_the_manifest_decides_status_score_and_box() -> None:
    expected = {"AB-123-CD": Expected("suspected_clone", 0.91, (1.0, 2.0, 3.0, 4.0))}
    v = StandinChecker(expected).check(RGB, "AB-123-CD")
    assert (v.status, v.score, v.plate_xyxy) == ("suspected_clone", 0.91, (1.0, 2.0, 3.0, 4.0))
    # a clone is recognised as something other than what the registry says
    registered = f"{v.registry['make']} {v.registry['model']}" if v.registry else ""
    assert v.recognised[0][0] != registered


def test_a_consistent_verdict_recognises_the_registered_vehicle() -> None:
    record = {"make": "PEUGEOT", "model": "208", "body": "CI"}
    checker = StandinChecker({"EF-456-GH": Expected("consistent")}, lookup=lambda p: record)
    v = checker.check(RGB, "EF-456-GH")
    assert v.registry == record and v.recognised[0][0] == "PEUGEOT 208"
    assert v.plate_xyxy == (80.0, 72.0, 120.0, 80.0)  # the default box: lower middle
    data = v.to_json()
    assert data["recognised"][0] == ["PEUGEOT 208", v.recognised[0][1]]
    assert data["plate_xyxy"] == [80.0, 72.0, 120.0, 80.0]


def test_unstated_plates_spread_over_every_status() -> None:
    checker = StandinChecker()
    seen = {checker.check(RGB, f"AA-{k:03d}-AA").status for k in range(60)}
    assert seen == set(STATUSES)
    scores = [checker.check(RGB, f"AA-{k:03d}-AA").score for k in range(60)]
    assert all(0.0 <= s <= 1.0 for s in scores)
