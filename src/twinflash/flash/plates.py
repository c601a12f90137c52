"""French licence plates: the SIV format (since 2009) and the older FNI format.

Pure standard library: the scene models import this to validate plate text.

Formats (canonical text in brackets):

- ``SIV`` ordinary plates ``AB-123-CD``: two letters, three digits, two letters. The letters
  I, O and U are never used, the pair SS is never issued, the number 000 is never issued, and
  the left pair WW is reserved for temporary plates.
- ``SIV_TEMPORARY`` plates ``WW-123-CD`` (imported or new vehicles awaiting registration).
- ``SIV_DEALER`` plates ``W-123-CD`` ("W garage", held by motor-trade professionals).
- ``FNI`` plates ``1234 AB 75`` (1950-2009, still on the road): a number 1-9999 without
  leading zero, one to three letters (never I or O, no SS series), then the département:
  01-95, 2A, 2B or 971-976. "1234 W 75" is an FNI dealer plate, "123 WW 75" an FNI
  temporary one; both stay ``FNI`` with :attr:`Plate.series` telling which.

:func:`normalise_plate` accepts what people and readers type (lower case, spaces, dots, no
dashes) and returns a :class:`Plate` or raises ``ValueError`` saying what is wrong.
:func:`plate_candidates` lists the valid readings of a possibly misread string; characters
that readers confuse (0/O, 1/I, 8/B, 5/S, 2/Z, ...) give alternatives, never a silent guess.
"""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import dataclass
from typing import Literal

PlateFormat = Literal["SIV", "SIV_TEMPORARY", "SIV_DEALER", "FNI"]

# SIV letters never use I, O or U; the pair SS is never issued; 000 never issued.
SIV_LETTERS = "ABCDEFGHJKLMNPQRSTVWXYZ"
# FNI series never used I or O; U was dropped in 1984 but older plates still carry it.
FNI_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
DEPARTEMENTS: frozenset[str] = frozenset(
    [f"{n:02d}" for n in range(1, 96)] + ["2A", "2B"] + [str(n) for n in range(971, 977)]
)

# The longest plate: FNI "9999 ABC 971" has 10 letters and digits. As typed, with spaces,
# dots or dashes between them, 32 characters are generous; anything longer is no plate.
MAX_PLATE_CHARS = 10
MAX_PLATE_TEXT = 32

_SIV_RE = re.compile(r"^([A-Z]{2})-?(\d{3})-?([A-Z]{2})$")
_SEPARATORS_RE = re.compile(r"[\s\-.·_–—]+")
_SIV_COMPACT = re.compile(r"^([A-Z]{2})(\d{3})([A-Z]{2})$")
_DEALER_COMPACT = re.compile(r"^(W)(\d{3})([A-Z]{2})$")
_CANONICAL_SIV = re.compile(r"^[A-HJ-NP-TV-Z]{2}-(?!000)\d{3}-[A-HJ-NP-TV-Z]{2}$")
_FNI_COMPACT = re.compile(r"^(\d{1,4})([A-Z]{1,3})(\d{2,3}|2A|2B)$")

# Characters plate readers mistake for one another (each maps to its look-alikes).
CONFUSABLE: dict[str, str] = {
    "0": "ODQ",
    "O": "0DQ",
    "D": "0O",
    "Q": "0O",
    "1": "I7",
    "I": "1",
    "7": "1",
    "8": "B",
    "B": "8",
    "5": "S",
    "S": "5",
    "2": "Z",
    "Z": "2",
    "6": "G",
    "G": "6",
    "4": "A",
    "A": "4",
    "U": "V",
    "V": "U",
}


@dataclass(frozen=True, slots=True)
class Plate:
    """A valid French plate in canonical form.

    ``text`` is canonical (``AB-123-CD``, ``WW-123-CD``, ``W-123-CD`` or ``1234 AB 75``);
    ``compact`` drops separators; ``departement`` is set for FNI plates only; ``series`` is
    "ordinary", "temporary" or "dealer".
    """

    text: str
    format: PlateFormat
    departement: str | None = None

    @property
    def compact(self) -> str:
        return self.text.replace("-", "").replace(" ", "")

    @property
    def series(self) -> Literal["ordinary", "temporary", "dealer"]:
        if self.format == "SIV_TEMPORARY":
            return "temporary"
        if self.format == "SIV_DEALER":
            return "dealer"
        if self.format == "FNI":
            letters = self.text.split(" ")[1]
            if letters == "W":
                return "dealer"
            if letters == "WW":
                return "temporary"
        return "ordinary"

    def __str__(self) -> str:
        return self.text


def _compact(text: str) -> str:
    return _SEPARATORS_RE.sub("", text).upper()


def _siv_letters_problem(block: str) -> str | None:
    bad = sorted(set(block) - set(SIV_LETTERS))
    if bad:
        return f"SIV plates never use the letters {''.join(bad)}"
    if block == "SS":
        return "the pair SS is never issued"
    return None


def _parse_compact(compact: str) -> Plate | str:
    """The plate a compact upper-case string denotes, or a message saying why it is none."""
    m = _SIV_COMPACT.match(compact)
    if m:
        left, digits, right = m.groups()
        for block in (left, right):
            problem = _siv_letters_problem(block)
            if problem:
                return problem
        if digits == "000":
            return "the number 000 is never issued"
        fmt: PlateFormat = "SIV_TEMPORARY" if left == "WW" else "SIV"
        return Plate(f"{left}-{digits}-{right}", fmt)
    m = _DEALER_COMPACT.match(compact)
    if m:
        _, digits, right = m.groups()
        problem = _siv_letters_problem(right)
        if problem:
            return problem
        if digits == "000":
            return "the number 000 is never issued"
        return Plate(f"W-{digits}-{right}", "SIV_DEALER")
    m = _FNI_COMPACT.match(compact)
    if m:
        number, letters, dept = m.groups()
        if number.startswith("0"):
            return f"FNI numbers run from 1 to 9999 without a leading zero (got {number})"
        bad = sorted(set(letters) - set(FNI_LETTERS))
        if bad:
            return f"FNI plates never use the letters {''.join(bad)}"
        if "SS" in letters:
            return "the SS series is never issued"
        if dept not in DEPARTEMENTS:
            return f"{dept} is not a département code (01-95, 2A, 2B, 971-976)"
        return Plate(f"{number} {letters} {dept}", "FNI", departement=dept)
    return (
        "not a French plate: expected SIV AB-123-CD, WW-123-CD (temporary), "
        "W-123-CD (dealer) or FNI 1234 AB 75"
    )


def normalise_plate(text: str) -> Plate:
    """Parse a plate as typed or read (any case, spaces, dots, dashes or none).

    Returns the :class:`Plate` in canonical form; raises ``ValueError`` naming the input and
    the rule it breaks. Never guesses: use :func:`plate_candidates` for misread strings.
    """
    if _CANONICAL_SIV.match(text) and text[:2] != "SS" and text[7:] != "SS":
        return Plate(text, "SIV_TEMPORARY" if text[:2] == "WW" else "SIV")  # fast path
    compact = _compact(text)
    if not compact:
        raise ValueError(f"plate {text!r} is empty")
    if not compact.isascii() or not compact.isalnum():
        bad = "".join(sorted({c for c in compact if not (c.isascii() and c.isalnum())}))
        raise ValueError(f"plate {text!r} has characters no plate carries: {bad!r}")
    parsed = _parse_compact(compact)
    if isinstance(parsed, str):
        raise ValueError(f"plate {text!r}: {parsed}")
    return parsed


def canonical_plate(text: str) -> tuple[str, PlateFormat]:
    """``(canonical text, format)`` of a plate, as :func:`normalise_plate` gives them, without
    building a :class:`Plate`: the bulk path of registry imports. Raises ``ValueError``."""
    if _CANONICAL_SIV.match(text) and text[:2] != "SS" and text[7:] != "SS":
        return text, "SIV_TEMPORARY" if text[:2] == "WW" else "SIV"
    plate = normalise_plate(text)
    return plate.text, plate.format


def plate_candidates(text: str, *, max_substitutions: int = 2) -> list[Plate]:
    """Valid readings of a possibly misread plate string, most likely first.

    The literal reading comes first when it is valid; then readings obtained by swapping
    characters that readers confuse (see :data:`CONFUSABLE`), ordered by the number of
    swaps, then SIV before FNI, then alphabetically. An empty list means no valid reading
    within ``max_substitutions`` swaps. Never raises on junk input.

    Swaps keep the length, so a string of more than :data:`MAX_PLATE_CHARS` letters and
    digits has no valid reading: it is answered at once, not after trying the
    combinations of every position (minutes for a few thousand characters).
    """
    compact = _compact(text)
    if not compact or len(compact) > MAX_PLATE_CHARS:
        return []
    if not compact.isascii() or not compact.isalnum():
        return []
    options = [CONFUSABLE.get(c, "") for c in compact]
    swappable = [i for i, alts in enumerate(options) if alts]
    seen: set[str] = set()
    out: list[Plate] = []
    for n in range(0, max_substitutions + 1):
        level: list[Plate] = []
        for positions in itertools.combinations(swappable, n):
            for letters in itertools.product(*(options[i] for i in positions)):
                chars = list(compact)
                for i, c in zip(positions, letters, strict=True):
                    chars[i] = c
                parsed = _parse_compact("".join(chars))
                if isinstance(parsed, Plate) and parsed.text not in seen:
                    seen.add(parsed.text)
                    level.append(parsed)
        level.sort(key=lambda p: (p.format == "FNI", p.text))
        out.extend(level)
    return out


def canonical_siv(text: str) -> str:
    """Return the canonical `AB-123-CD` form of an SIV plate, or raise ValueError.

    Accepts lower case, spaces and missing dashes, as people and readers type them.
    """
    compact = re.sub(r"[\s\-]", "", text.upper())
    m = _SIV_RE.match(compact)
    if not m:
        raise ValueError(f"plate {text!r} is not in the SIV format AB-123-CD")
    left, digits, right = m.groups()
    for block in (left, right):
        problem = _siv_letters_problem(block)
        if problem:
            raise ValueError(f"plate {text!r}: {problem}")
    if digits == "000":
        raise ValueError(f"plate {text!r}: the number 000 is never issued")
    return f"{left}-{digits}-{right}"


def random_siv(rng: random.Random) -> str:
    """Draw a valid ordinary SIV plate (no WW temporary, no W dealer plates)."""
    while True:
        left = rng.choice(SIV_LETTERS) + rng.choice(SIV_LETTERS)
        right = rng.choice(SIV_LETTERS) + rng.choice(SIV_LETTERS)
        if "SS" in (left, right) or left.startswith("W"):
            continue
        return f"{left}-{rng.randint(1, 999):03d}-{right}"


# --- SIV allocation order -------------------------------------------------------------
# Plates are issued nationally in one sequence: AA-001-AA, AA-002-AA, ... AA-999-AA,
# AA-001-AB, ... AA-999-ZZ, AB-001-AA, ... The number runs fastest, then the right pair,
# then the left pair; SS pairs are skipped, and the left pair WW is reserved.

_PAIRS = [a + b for a in SIV_LETTERS for b in SIV_LETTERS if a + b != "SS"]
_PAIR_INDEX = {p: i for i, p in enumerate(_PAIRS)}
SIV_SEQUENCE_LENGTH = len([p for p in _PAIRS if p != "WW"]) * len(_PAIRS) * 999


def siv_from_index(index: int) -> str:
    """The ``index``-th ordinary SIV plate in allocation order (0 is AA-001-AA)."""
    if not 0 <= index < SIV_SEQUENCE_LENGTH:
        raise ValueError(f"SIV sequence index must be in [0, {SIV_SEQUENCE_LENGTH}) (got {index})")
    number = index % 999 + 1
    index //= 999
    right = _PAIRS[index % len(_PAIRS)]
    left_i = index // len(_PAIRS)
    if left_i >= _PAIR_INDEX["WW"]:
        left_i += 1
    return f"{_PAIRS[left_i]}-{number:03d}-{right}"


def siv_index(plate: str) -> int:
    """Position of an ordinary SIV plate in allocation order (inverse of siv_from_index)."""
    p = normalise_plate(plate)
    if p.format != "SIV":
        raise ValueError(f"plate {plate!r} is {p.format}, not an ordinary SIV plate")
    left, number, right = p.text.split("-")
    left_i = _PAIR_INDEX[left]
    if left_i > _PAIR_INDEX["WW"]:
        left_i -= 1
    return (left_i * len(_PAIRS) + _PAIR_INDEX[right]) * 999 + int(number) - 1
