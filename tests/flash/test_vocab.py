"""Word classes of the normaliser: noise, families, numbers typed with letters, type codes."""

from __future__ import annotations

import pytest

from twinflash.flash.vocab import as_number, is_family, is_noise, noise_words, type_code_variant


@pytest.mark.parametrize(
    ("token", "noise"),
    [("DCI", True), ("1.5", True), ("90CH", True), ("110KW", True), ("CLIO", False),
     ("208", True)],  # a bare number is noise: the model field keeps it apart
)  # fmt: skip
def test_noise_words_and_engine_numbers(token: str, noise: bool) -> None:
    assert is_noise(token) is noise


def test_the_noise_list_is_read_without_its_comments() -> None:
    words = noise_words()
    assert "DCI" in words and not any(w.startswith("#") for w in words)


def test_families_and_letters_for_digits() -> None:
    assert is_family("CLASSE") and is_family("SERIE") and not is_family("CLIO")
    assert as_number("2OO8") == "2008" and as_number("I0") == "10"
    assert as_number("OPEL") == "OPEL"  # no digit: a word, not a number


def test_type_codes_spell_their_model() -> None:
    assert type_code_variant("BMW", ("320D",)) == ("SERIE", "3", "320D")
    assert type_code_variant("Iveco", ("35S14",)) == ("DAILY", "35S14")
    assert type_code_variant("Iveco", ("DAILY",)) is None
    assert type_code_variant("BMW", ("X5",)) == ("X5",)  # BMW tokens are always tried
