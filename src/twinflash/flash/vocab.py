"""Word classes the make/model normaliser reads tokens with (see :mod:`.normalise`).

Noise words name an engine, gearbox, trim, body or edition, never a model; family words
("CLASSE", "SERIE", "REIHE") name a range of models, never one alone; per-make type codes
(BMW ``320D``, Iveco ``35S14``) name the model they belong to.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib import resources


@cache
def noise_words() -> frozenset[str]:
    """Words that name an engine, a gearbox, a trim, a body or an edition, never a model
    (``data/noise_words.txt``)."""
    text = (resources.files("twinflash.flash") / "data" / "noise_words.txt").read_text("utf-8")
    return frozenset(
        w for line in text.splitlines() if not line.startswith("#") for w in line.split()
    )


# a family of models, naming none alone: "MERCEDES / CLASSE", "BMW / SERIE"
FAMILY_WORDS = frozenset(
    {"CLASSE", "CLASS", "KLASSE", "SERIE", "SERIES", "REIHE", "ER", "MODEL", "MODELE", "GAMME"}
)

# size words that open some names ("GRAND SCENIC") and qualify others ("GRAND CONFORT",
# "INSIGNIA GRAND SPORT"): never the word that tells two models apart
MODIFIER_WORDS = frozenset({"GRAND", "GRANDE", "GD"})

_NUMERIC_NOISE = re.compile(r"^\d+(?:[.,]\d+)?(?:V|CH|CV|KW|CC|HP|PS|D|I|E|L|T|DS|TS|KWH)?$")
LETTER_DIGIT = re.compile(r"(?<=[A-Z])(?=\d)|(?<=\d)(?=[A-Z])")
_BMW_CODE = re.compile(r"^M?([1-8])(\d{2})(?:[A-Z]{1,2})?$")
# Iveco Daily type codes: gross weight (35, 50, 65, 70 hundred kg), S/C (single or twin
# rear wheels), power (14 = 140 hp, 180): "35S14", "35C15", "50C18", "65C17"
_DAILY_CODE = re.compile(r"^(?:29|33|35|40|45|50|60|65|70)[LSC]\d{2,3}[A-Z]{0,4}$")


@lru_cache(maxsize=65536)
def is_noise(token: str) -> bool:
    return token in noise_words() or bool(_NUMERIC_NOISE.match(token))


def is_family(token: str) -> bool:
    return token in FAMILY_WORDS


def as_number(token: str) -> str:
    """Letters read for digits in a number ("2OO8"): O -> 0, I -> 1."""
    fixed = token.replace("O", "0").replace("I", "1")
    return fixed if fixed.isdigit() and any(c.isdigit() for c in token) else token


def type_code_variant(make: str, tokens: tuple[str, ...]) -> tuple[str, ...] | None:
    """Tokens with a per-make type code spelled as its model's name, or ``None``.

    BMW ``320D`` -> ``SERIE 3 320D``; Iveco ``35S14`` -> ``DAILY 35S14``.
    """
    out: list[str] = []
    changed = False
    for tok in tokens:
        if make == "BMW" and (m := _BMW_CODE.match(tok)):
            out.extend(["SERIE", m.group(1), tok])
            changed = True
        elif make == "Iveco" and _DAILY_CODE.match(tok):
            out.extend(["DAILY", tok])
            changed = True
        else:
            out.append(tok)
    return tuple(out) if changed or make == "BMW" else None
