"""Model matching without a whole-token alias: glued aliases and fuzzy leading words."""

from __future__ import annotations

from twinflash.flash.model_fuzzy import fuzzy_model, glued_model

KEYS = [("CLIO", "Clio"), ("CAPTUR", "Captur"), ("208", "208"), ("2008", "2008"),
        ("CX5", "CX-5"), ("GOLF", "Golf"), ("CLA", "CLA")]  # fmt: skip


def test_an_alias_glued_to_trim_words() -> None:
    hit = glued_model(KEYS, ("CLIORT",))
    assert hit is not None and (hit.value, hit.method) == ("Clio", "alias glued")
    assert glued_model(KEYS, ("GOLFGTI",)).value == "Golf"  # type: ignore[union-attr]


def test_glued_never_splits_a_number_or_a_short_word() -> None:
    assert glued_model([("20", "20")], ("208",)) is None  # "20" is no prefix of "208"
    assert glued_model(KEYS, ("CLASEA",)) is None  # "CLA" is not the start of "CLASEA"
    assert glued_model(KEYS, ("CLIO",)) is None  # the whole text is an alias, not glued
    assert glued_model(KEYS, ("CLASSE",)) is None  # a family word alone names no model


def test_fuzzy_model_forgives_a_typo_but_not_a_number() -> None:
    hit = fuzzy_model(KEYS, {}, ("CLIIO", "1.5", "DCI"))
    assert hit is not None and hit.value == "Clio" and hit.score >= 0.8
    assert fuzzy_model(KEYS, {}, ("CX50",)) is None  # "CX 50" is no CX-5


def test_fuzzy_model_uses_the_sound_of_the_words() -> None:
    from twinflash.flash.taxonomy import phonetic

    hit = fuzzy_model(KEYS, {phonetic("KAPTURE"): {"Captur"}}, ("KAPTURE",))
    assert hit is not None and hit.value == "Captur"
