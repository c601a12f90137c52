"""The normaliser's scorer: right, confidently wrong, or honestly unknown, by kind."""

from __future__ import annotations

from pathlib import Path

from twinflash.flash.evaluation import LabelledRow, evaluate, load_labelled
from twinflash.flash.normalise import default_normaliser

DATA = Path(__file__).parent / "data"


def test_labelled_rows_are_read_with_their_expectations() -> None:
    rows = load_labelled(DATA / "normalise_labelled.csv")
    assert rows[0] == LabelledRow("RENAULT", "CLIO", ("Renault", "Clio"), "clean")
    assert len(rows) > 50


def test_right_wrong_and_unknown_are_told_apart() -> None:
    rows = [
        LabelledRow("RENAULT", "CLIO", ("Renault", "Clio"), "clean"),  # right
        LabelledRow("RENAULT", "CLIO", ("Peugeot", "208"), "planted wrong"),  # confidently wrong
        LabelledRow("XQZW", "QQQQ", ("Renault", "Clio"), "garbage"),  # the normaliser abstains
    ]
    ev = evaluate(default_normaliser(), rows)
    assert (ev.total, ev.correct, ev.confidently_wrong, ev.missed) == (3, 1, 1, 1)
    assert ev.accuracy == 1 / 3 and ev.wrong_rate == 1 / 3
    assert ev.by_kind == {"clean": (1, 1), "planted": (0, 1), "garbage": (0, 1)}
    assert ev.misses[0].startswith("WRONG: 'RENAULT' / 'CLIO' -> ('Renault', 'Clio')")
    assert ev.misses[1].startswith("unknown: 'XQZW'")
