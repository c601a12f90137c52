"""French licence plates: SIV format (AB-123-CD, since 2009).

Pure standard library: the scene models import this to validate plate text.
"""

from __future__ import annotations

import random
import re

# SIV letters never use I, O or U; the pair SS is never issued; 000 never issued.
SIV_LETTERS = "ABCDEFGHJKLMNPQRSTVWXYZ"
_SIV_RE = re.compile(r"^([A-Z]{2})-?(\d{3})-?([A-Z]{2})$")


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
        bad = sorted(set(block) - set(SIV_LETTERS))
        if bad:
            raise ValueError(f"plate {text!r}: SIV plates never use the letters {''.join(bad)}")
        if block == "SS":
            raise ValueError(f"plate {text!r}: the pair SS is never issued")
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
