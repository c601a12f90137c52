"""Plate formats: table-driven rules, property tests, read-error alternatives."""

from __future__ import annotations

import random
import re
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twinflash.flash.plates import (
    DEPARTEMENTS,
    FNI_LETTERS,
    MAX_PLATE_CHARS,
    SIV_LETTERS,
    SIV_SEQUENCE_LENGTH,
    Plate,
    canonical_plate,
    canonical_siv,
    normalise_plate,
    plate_candidates,
    random_siv,
    siv_from_index,
    siv_index,
)

# --- table-driven rules ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "text", "fmt"),
    [
        ("AB-123-CD", "AB-123-CD", "SIV"),
        ("ab123cd", "AB-123-CD", "SIV"),
        ("ab 123 cd", "AB-123-CD", "SIV"),
        ("  Ab.123.cD ", "AB-123-CD", "SIV"),
        ("AA-001-AA", "AA-001-AA", "SIV"),
        ("ZZ-999-ZZ", "ZZ-999-ZZ", "SIV"),
        ("WW-123-AB", "WW-123-AB", "SIV_TEMPORARY"),
        ("ww 482 kc", "WW-482-KC", "SIV_TEMPORARY"),
        ("W-123-AB", "W-123-AB", "SIV_DEALER"),
        ("w123ab", "W-123-AB", "SIV_DEALER"),
        ("1234 AB 75", "1234 AB 75", "FNI"),
        ("1234ab75", "1234 AB 75", "FNI"),
        ("1 A 01", "1 A 01", "FNI"),
        ("999 ZZZ 95", "999 ZZZ 95", "FNI"),
        ("56 TU 33", "56 TU 33", "FNI"),  # U before 1984
        ("123 AB 2A", "123 AB 2A", "FNI"),
        ("123ab2b", "123 AB 2B", "FNI"),
        ("4521 BC 971", "4521 BC 971", "FNI"),
        ("12 AX 976", "12 AX 976", "FNI"),
        ("1234 W 75", "1234 W 75", "FNI"),
        ("123 WW 13", "123 WW 13", "FNI"),
    ],
)
def test_valid_plates_normalise(raw: str, text: str, fmt: str) -> None:
    plate = normalise_plate(raw)
    assert plate == normalise_plate(text)
    assert (plate.text, plate.format) == (text, fmt)
    assert str(plate) == text


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty"),
        ("  - ", "empty"),
        ("AI-123-CD", "never use the letters I"),
        ("AB-123-CO", "never use the letters O"),
        ("UB-123-CD", "never use the letters U"),
        ("SS-123-AB", "SS is never issued"),
        ("AB-123-SS", "SS is never issued"),
        ("AB-000-CD", "000 is never issued"),
        ("WW-000-AB", "000 is never issued"),
        ("W-000-AB", "000 is never issued"),
        ("W-123-SS", "SS is never issued"),
        ("W-123-AO", "never use the letters O"),
        ("AB-12-CD", "not a French plate"),
        ("AB-1234-CD", "not a French plate"),
        ("A-123-CD", "not a French plate"),
        ("ABC-123-DE", "not a French plate"),
        ("AB/123/CD", "characters no plate carries"),
        ("AB-123-CÉ", "characters no plate carries"),
        ("0123 AB 75", "without a leading zero"),
        ("12345 AB 75", "not a French plate"),
        ("123 ABCD 75", "not a French plate"),
        ("123 AIB 75", "never use the letters I"),
        ("123 OA 75", "never use the letters O"),
        ("123 SS 75", "SS series"),
        ("123 AB 00", "not a département"),
        ("123 AB 96", "not a département"),
        ("123 AB 2C", "not a French plate"),
        ("123 AB 970", "not a département"),
        ("123 AB 977", "not a département"),
        ("123 AB", "not a French plate"),
        ("AB 123", "not a French plate"),
    ],
)
def test_malformed_plates_get_a_clear_error(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        normalise_plate(raw)
    assert repr(raw) in str(info.value)


def test_plate_is_frozen_and_hashable() -> None:
    plate = normalise_plate("ab-123-cd")
    with pytest.raises(AttributeError):
        plate.text = "x"  # type: ignore[misc]
    assert {plate, normalise_plate("AB123CD")} == {plate}
    assert plate.compact == "AB123CD"
    assert normalise_plate("1234 AB 2A").departement == "2A"
    assert plate.departement is None


@pytest.mark.parametrize(
    ("raw", "series"),
    [("AB-123-CD", "ordinary"), ("WW-123-CD", "temporary"), ("W-123-CD", "dealer"),
     ("12 W 75", "dealer"), ("12 WW 75", "temporary"), ("12 WX 75", "ordinary")],
)  # fmt: skip
def test_series(raw: str, series: str) -> None:
    assert normalise_plate(raw).series == series


# --- canonical_siv / random_siv keep their contract ---------------------------------------


def test_canonical_siv_contract() -> None:
    assert canonical_siv("ab 123 cd") == "AB-123-CD"
    assert canonical_siv("WW-123-AB") == "WW-123-AB"
    for bad in ("W-123-AB", "1234 AB 75", "AB-000-CD", "SS-123-AB", "AI-123-CD"):
        with pytest.raises(ValueError):
            canonical_siv(bad)


def test_random_siv_is_ordinary_and_seeded() -> None:
    a = [random_siv(random.Random(7)) for _ in range(3)]
    assert a == [random_siv(random.Random(7)) for _ in range(3)]
    rng = random.Random(0)
    for _ in range(500):
        assert normalise_plate(random_siv(rng)).format == "SIV"


# --- SIV allocation order ------------------------------------------------------------------


def test_siv_sequence_order() -> None:
    assert siv_from_index(0) == "AA-001-AA"
    assert siv_from_index(998) == "AA-999-AA"
    assert siv_from_index(999) == "AA-001-AB"
    assert siv_from_index(999 * 528) == "AB-001-AA"  # 23*23 - 1 (SS) right pairs
    last = siv_from_index(SIV_SEQUENCE_LENGTH - 1)
    assert last == "ZZ-999-ZZ"
    assert siv_index("AB-001-AA") == 999 * 528
    with pytest.raises(ValueError, match="ordinary"):
        siv_index("WW-123-AB")
    with pytest.raises(ValueError):
        siv_from_index(SIV_SEQUENCE_LENGTH)


@given(st.integers(0, SIV_SEQUENCE_LENGTH - 1))
def test_siv_index_round_trip(i: int) -> None:
    plate = siv_from_index(i)
    assert normalise_plate(plate).format == "SIV"
    assert siv_index(plate) == i


# --- property tests --------------------------------------------------------------------------

siv_pair = (
    st.tuples(st.sampled_from(SIV_LETTERS), st.sampled_from(SIV_LETTERS))
    .map("".join)
    .filter(lambda p: p != "SS")
)
number3 = st.integers(1, 999).map(lambda n: f"{n:03d}")
siv_plate = st.builds(lambda a, n, b: f"{a}-{n}-{b}", siv_pair, number3, siv_pair)
dealer_plate = st.builds(lambda n, b: f"W-{n}-{b}", number3, siv_pair)
fni_letters = st.text(FNI_LETTERS, min_size=1, max_size=3).filter(lambda s: "SS" not in s)
fni_plate = st.builds(
    lambda n, letters, d: f"{n} {letters} {d}",
    st.integers(1, 9999),
    fni_letters,
    st.sampled_from(sorted(DEPARTEMENTS)),
)
valid_plate = st.one_of(siv_plate, dealer_plate, fni_plate)


def _messy(draw: st.DrawFn, canonical: str) -> str:
    chars = [c.lower() if draw(st.booleans()) else c for c in canonical.replace("-", " ")]
    sep = draw(st.sampled_from(["", " ", "-", ".", "  "]))
    return "".join(chars).replace(" ", sep)


@st.composite
def typed_plate(draw: st.DrawFn) -> tuple[str, str]:
    canonical = draw(valid_plate)
    return canonical, _messy(draw, canonical)


@given(valid_plate)
def test_every_generated_plate_parses_to_itself(canonical: str) -> None:
    plate = normalise_plate(canonical)
    assert plate.text == canonical


@given(typed_plate())
def test_canonical_round_trip(pair: tuple[str, str]) -> None:
    canonical, typed = pair
    plate = normalise_plate(typed)
    assert plate.text == canonical
    assert normalise_plate(plate.text) == plate
    assert normalise_plate(plate.compact) == plate


@st.composite
def invalid_plate(draw: st.DrawFn) -> str:
    """A plate breaking exactly one rule."""
    kind = draw(st.sampled_from(["siv_letter", "ss", "zero", "fni_dept", "fni_zero", "length"]))
    pair, num, pair2 = draw(siv_pair), draw(number3), draw(siv_pair)
    if kind == "siv_letter":
        bad = draw(st.sampled_from("IOU"))
        pos = draw(st.integers(0, 3))
        letters = list(pair + pair2)
        letters[pos] = bad
        return f"{''.join(letters[:2])}-{num}-{''.join(letters[2:])}"
    if kind == "ss":
        return draw(st.sampled_from([f"SS-{num}-{pair2}", f"{pair}-{num}-SS", f"W-{num}-SS"]))
    if kind == "zero":
        return draw(st.sampled_from([f"{pair}-000-{pair2}", f"W-000-{pair2}"]))
    letters = draw(fni_letters)
    if kind == "fni_dept":
        dept = draw(
            st.sampled_from(["00", "96", "97", "98", "99", "970", "977", "2C", "0A", "100"])
        )
        return f"{draw(st.integers(1, 9999))} {letters} {dept}"
    if kind == "fni_zero":
        return f"0{draw(st.integers(0, 999))} {letters} 75"
    wrong_lengths = [
        f"{pair}-{num}{draw(st.integers(0, 9))}-{pair2}",
        f"{pair}-{num[:2]}-{pair2}",
        f"{pair}{pair2[0]}-{num}-{pair2}",
        f"{pair}-{num}-{pair2}{pair[0]}",
    ]
    return draw(st.sampled_from(wrong_lengths))


@given(invalid_plate())
def test_no_invalid_plate_parses(text: str) -> None:
    with pytest.raises(ValueError):
        normalise_plate(text)


@given(st.text(max_size=12))
def test_arbitrary_text_parses_or_raises_value_error(text: str) -> None:
    try:
        plate = normalise_plate(text)
    except ValueError:
        return
    assert normalise_plate(plate.text) == plate


# --- read-error alternatives -----------------------------------------------------------------


def test_candidates_literal_first_then_by_substitutions() -> None:
    cands = plate_candidates("AB-123-CD")
    assert cands[0] == Plate("AB-123-CD", "SIV")
    texts = [c.text for c in cands]
    assert "A8-123-CD" not in texts  # a digit never stands where a letter must
    assert "AB-I23-CD" not in texts
    assert len(texts) == len(set(texts))
    assert not {"AB-123-C0", "4B-123-CD"} & set(texts)  # invalid readings are never offered
    # one swap (1 -> 7) comes before two swaps (1 -> 7 and 2 -> Z is invalid, so none)
    assert texts == ["AB-123-CD", "AB-723-CD"]


@pytest.mark.parametrize(
    ("read", "expected_first"),
    [
        ("AB-I23-CD", "AB-123-CD"),  # I is never an SIV letter: 1
        ("A8-123-CD", "AB-123-CD"),  # digit in a letter slot: B
        ("AB-1Z3-CD", "AB-123-CD"),
        ("AB-123-C0", "AB-123-CD"),  # 0 -> D (also Q)
        ("5B-123-CD", "SB-123-CD"),
        ("AB-12S-CD", "AB-125-CD"),
        ("1234 A8 75", "1234 AB 75"),
        ("I234 AB 75", "1234 AB 75"),
        ("1234 AB 7S", "1234 AB 75"),
    ],
)
def test_candidates_repair_misreads(read: str, expected_first: str) -> None:
    with pytest.raises(ValueError):
        normalise_plate(read)
    cands = plate_candidates(read)
    assert cands, read
    assert cands[0].text == expected_first


def test_ambiguous_reading_offers_every_alternative() -> None:
    cands = [c.text for c in plate_candidates("AB-123-C0")]
    assert cands[:2] == ["AB-123-CD", "AB-123-CQ"]


def test_valid_reading_still_lists_confusable_alternatives() -> None:
    texts = [c.text for c in plate_candidates("AB-128-CD")]
    assert texts[0] == "AB-128-CD"
    assert "AB-12B-CD" not in texts
    assert "A8-128-CD" not in texts
    assert "AB-128-C0" not in texts
    assert texts == ["AB-128-CD", "AB-728-CD"]


def test_candidates_ordered_by_number_of_swaps() -> None:
    read = "A8-I23-C0"  # three misreads
    assert plate_candidates(read, max_substitutions=2) == []
    cands = plate_candidates(read, max_substitutions=3)
    assert [c.text for c in cands[:2]] == ["AB-123-CD", "AB-123-CQ"]
    swaps = [sum(a != b for a, b in zip("A8I23C0", c.compact, strict=True)) for c in cands]
    assert swaps == sorted(swaps)


def test_candidates_never_raise_on_junk() -> None:
    assert plate_candidates("") == []
    assert plate_candidates("???") == []
    assert plate_candidates("HELLO WORLD") == []
    assert plate_candidates("AB-123-CD", max_substitutions=0) == [normalise_plate("AB-123-CD")]


def test_candidates_of_text_longer_than_any_plate_are_none_at_once() -> None:
    # the search tried the combinations of every position: 1,000 characters took 10 s
    start = time.perf_counter()
    assert plate_candidates("8" * 100_000) == []
    assert plate_candidates("AB-123-CD" * 1000, max_substitutions=3) == []
    assert time.perf_counter() - start < 1.0
    longest = "9999 ABC 971"  # the cap is a plate's length: the longest plate still reads
    assert len(longest.replace(" ", "")) == MAX_PLATE_CHARS
    assert plate_candidates(longest)[0].text == longest
    assert plate_candidates("9999 ABC 9710") == []  # one character more: no plate at all


@given(valid_plate)
def test_candidates_of_a_valid_plate_start_with_it(canonical: str) -> None:
    assert plate_candidates(canonical)[0].text == canonical


@given(st.one_of(typed_plate().map(lambda pair: pair[1]), st.text(max_size=12)))
def test_canonical_plate_agrees_with_normalise_plate(text: str) -> None:
    try:
        plate = normalise_plate(text)
    except ValueError:
        with pytest.raises(ValueError):
            canonical_plate(text)
        return
    assert canonical_plate(text) == (plate.text, plate.format)
