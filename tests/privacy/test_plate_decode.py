"""Grammar-constrained CTC decoding: valid plates only, look-alikes settled by the frames."""

from __future__ import annotations

import numpy as np
import pytest

from twinflash.privacy.plate_decode import (
    ALPHABET,
    complete,
    decode,
    reduce_columns,
    reduce_probs,
    viable,
)


def frames(*slots: dict[str, float]) -> np.ndarray:
    """CTC frames: each slot one character frame (its distribution) then a blank frame."""
    out = []
    for slot in slots:
        f = np.zeros(len(ALPHABET) + 1)
        for c, p in slot.items():
            f[1 + ALPHABET.index(c)] = p
        f[0] = 1 - f.sum()
        out += [f, np.eye(len(ALPHABET) + 1)[0]]
    return np.array(out)


def sure(text: str) -> list[dict[str, float]]:
    return [{c: 0.98} for c in text]


def test_a_letter_slot_takes_the_letter_even_when_the_digit_looks_likelier() -> None:
    """Best path reads AB-123-C8 (8 at 0.55); the grammar wants a letter there: B."""
    slots = [*sure("AB123C"), {"8": 0.55, "B": 0.4}]
    plates, _ = decode(frames(*slots))
    best = max(plates, key=plates.__getitem__)
    assert best == "AB-123-CB"
    assert "AB-123-C8" not in plates  # never an invalid plate


def test_a_digit_slot_takes_the_digit() -> None:
    slots = [*sure("AB"), {"I": 0.6, "1": 0.35}, *sure("23CD")]
    plates, _ = decode(frames(*slots))
    assert max(plates, key=plates.__getitem__) == "AB-123-CD"


def test_the_two_likely_readings_are_both_kept_with_their_weights() -> None:
    slots = [*sure("AB12"), {"3": 0.5, "8": 0.45}, *sure("CD")]
    plates, _ = decode(frames(*slots))
    p3, p8 = plates["AB-123-CD"], plates["AB-128-CD"]
    assert p3 > p8 > 0.5 * p3


def test_the_bands_f_and_departement_are_skipped() -> None:
    plates, _ = decode(frames(*sure("FAB123CD75")))
    assert max(plates, key=plates.__getitem__) == "AB-123-CD"


def test_fni_plates_decode_with_their_departement() -> None:
    plates, _ = decode(frames(*sure("1234AB2A")))
    assert max(plates, key=plates.__getitem__) == "1234 AB 2A"


def test_junk_gives_no_plate() -> None:
    plates, _ = decode(frames(*sure("ABC")))
    assert plates == {}


def test_repeated_letters_need_a_blank_between_them() -> None:
    """AA-123-AA: a run of one A frame after another is one A, a blank splits two."""
    slots = sure("AA123AA")
    plates, _ = decode(frames(*slots))
    assert max(plates, key=plates.__getitem__) == "AA-123-AA"


@pytest.mark.parametrize(
    ("prefix", "ok"),
    [
        ("AB1", True),
        ("AB12C", False),
        ("W12", True),
        ("1234AB9", True),
        ("0", False),
        ("SS", False),
        ("AB000", False),
        ("12AB97", True),
        ("AI", False),
    ],
)
def test_viable_prefixes(prefix: str, ok: bool) -> None:
    assert viable(prefix) is ok


def test_complete_gives_canonical_text() -> None:
    assert complete("AB123CD") == "AB-123-CD"
    assert complete("AB123C") is None


def test_reduce_folds_case_and_separators_and_drops_the_rest() -> None:
    chars = ["blank", "a", "A", "-", "中", "7"]
    cols = reduce_columns(chars)
    probs = np.array([[0.1, 0.2, 0.3, 0.1, 0.2, 0.1]])
    red = reduce_probs(probs, cols)
    assert red[0, 0] == pytest.approx(0.2)  # blank + '-'
    assert red[0, 1 + ALPHABET.index("A")] == pytest.approx(0.5)
    assert red[0, 1 + ALPHABET.index("7")] == pytest.approx(0.1)
    assert red.sum() == pytest.approx(0.8)  # the Chinese character explains no plate
