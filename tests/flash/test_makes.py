"""The make half of the normaliser, against the real taxonomy: aliases, typos, sounds."""

from __future__ import annotations

import pytest

from twinflash.flash.makes import MakeMatcher
from twinflash.flash.taxonomy import load_taxonomy

MAKES = MakeMatcher(load_taxonomy())


@pytest.mark.parametrize(
    ("tokens", "make", "rest"),
    [
        (("RENAULT", "CLIO"), "Renault", ("CLIO",)),
        (("MERCEDES", "BENZ", "C", "220"), "Mercedes-Benz", ("C", "220")),
        (("MERCEDESBENZ", "A"), "Mercedes-Benz", ("A",)),
        (("VW", "GOLF"), "Volkswagen", ("GOLF",)),
    ],
)
def test_a_make_alias_spelled_by_the_leading_tokens(tokens: tuple, make: str, rest: tuple) -> None:
    hit = MAKES.leading(tokens)
    assert hit is not None and (hit.value, hit.score, hit.rest) == (make, 1.0, rest)


def test_no_alias_no_make() -> None:
    assert MAKES.leading(("CLIO",)) is None


@pytest.mark.parametrize(
    ("tokens", "make"),
    [(("RENAUT", "CLIO"), "Renault"), (("RENEAU",), "Renault"), (("PEUGOT", "208"), "Peugeot")],
)
def test_typos_and_sounds_find_the_make(tokens: tuple, make: str) -> None:
    hit = MAKES.fuzzy(tokens)
    assert hit is not None and hit.value == make and hit.method == "make fuzzy"
    assert 0.85 <= hit.score <= 1.0


def test_too_short_or_too_far_is_no_answer() -> None:
    assert MAKES.fuzzy(("REN",)) is None  # three letters: one edit is too much to trust
    assert MAKES.fuzzy(("XYZWQ",)) is None


def test_near_lists_makes_for_the_model_field_to_confirm() -> None:
    assert "Renault" in MAKES.near("RENO", 50)  # 2 x 3 letters in common / 11 = 55
    assert MAKES.near("RENO", 99) == set()
