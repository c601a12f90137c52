"""The make/model reference of the French fleet, shipped as data (``flash/data/*.csv``).

``makes.csv``: canonical make and its aliases (``|``-separated).
``models.csv``: make, canonical model, body types, aliases, popularity weight. An alias
written ``OTHER MAKE:ALIAS`` is registered under that other make (e.g. the 2010-2015
``CITROEN DS3`` is the ``DS 3``); one written ``~ALIAS`` is weak: it names the model only
when no other model is named (Mini's ``COOPER`` is also a trim of the Countryman).

Facts come from general knowledge of the French car market (model ranges as sold in
France, common spellings and trade names); weights are approximate relative French sales
volumes, not official figures. See docs/registry.md.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

BODY_TYPES = (
    "city_car",
    "hatchback",
    "sedan",
    "estate",
    "suv",
    "mpv",
    "coupe",
    "convertible",
    "van",
    "large_van",
    "pickup",
    "microcar",
)

_NON_ALNUM = re.compile(r"[^A-Z0-9+]+")
_DECIMAL = re.compile(r"(?<=\d)[.,](?=\d)")


def clean(text: str) -> str:
    """Upper case, no accents, punctuation to spaces, dotted acronyms joined.

    ``"B.M.W."`` -> ``"BMW"``, ``"Mercedes-Benz"`` -> ``"MERCEDES BENZ"``,
    ``"206+"`` -> ``"206 PLUS"``.
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).upper()
    text = text.replace("&", " AND ").replace("'", "").replace("’", "")
    text = _DECIMAL.sub("", text)  # "1.5" -> "15": one number, not the models "1" and "5"
    text = _NON_ALNUM.sub(" ", text).replace("+", " PLUS ")
    tokens = text.split()
    out: list[str] = []
    run: list[str] = []
    for tok in [*tokens, ""]:
        if len(tok) == 1 and tok.isalpha():
            run.append(tok)
            continue
        if len(run) >= 2:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if tok:
            out.append(tok)
    return " ".join(out)


_PHONETIC_RULES = [
    (re.compile(r"PH"), "F"),
    (re.compile(r"GE(?=[AOU])|G(?=[EIY])"), "J"),
    (re.compile(r"AULT|EAUX?|AUX?"), "O"),
    (re.compile(r"OU"), "U"),
    (re.compile(r"CK|QU|Q"), "K"),
    (re.compile(r"C(?=[EIY])"), "S"),
    (re.compile(r"C"), "K"),
    (re.compile(r"Y"), "I"),
    (re.compile(r"W"), "V"),
    (re.compile(r"Z"), "S"),
    (re.compile(r"(?<=[A-Z])H|^H"), ""),
    (re.compile(r"([A-Z])\1+"), r"\1"),
    (re.compile(r"(?<=[A-Z]{2})[ETDS]$"), ""),  # mute final letters
]


def phonetic(text: str) -> str:
    """A rough French-reading key: ``RENEAU`` and ``RENAULT`` both give ``RENO``."""
    key = clean(text).replace(" ", "")
    for pattern, repl in _PHONETIC_RULES:
        key = pattern.sub(repl, key)
    return key


@dataclass(frozen=True, slots=True)
class ModelEntry:
    make: str
    model: str
    body_types: tuple[str, ...]
    aliases: tuple[str, ...]
    weight: float


@dataclass(frozen=True, slots=True)
class Taxonomy:
    makes: dict[str, tuple[str, ...]]  # canonical make -> aliases
    models: tuple[ModelEntry, ...]

    def model(self, make: str, model: str) -> ModelEntry:
        for entry in self.models:
            if entry.make == make and entry.model == model:
                return entry
        raise KeyError(f"no model {make!r} {model!r} in the taxonomy")


def _split(field: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in field.split("|") if a.strip())


@cache
def load_taxonomy() -> Taxonomy:
    """Read the shipped makes.csv and models.csv (validated once, cached)."""
    data = resources.files("twinflash.flash") / "data"
    with (data / "makes.csv").open(encoding="utf-8") as fh:
        makes = {row["make"]: _split(row["aliases"]) for row in csv.DictReader(fh)}
    models: list[ModelEntry] = []
    with (data / "models.csv").open(encoding="utf-8") as fh:
        for line_no, row in enumerate(csv.DictReader(fh), start=2):
            where = f"models.csv:{line_no}"
            if row["make"] not in makes:
                raise ValueError(f"{where}: make {row['make']!r} is not in makes.csv")
            bodies = _split(row["body_types"])
            bad = [b for b in bodies if b not in BODY_TYPES]
            if not bodies or bad:
                raise ValueError(f"{where}: body types {bad or bodies} not in {BODY_TYPES}")
            models.append(
                ModelEntry(
                    make=row["make"],
                    model=row["model"],
                    body_types=bodies,
                    aliases=_split(row["aliases"]),
                    weight=float(row["weight"]),
                )
            )
    return Taxonomy(makes=makes, models=tuple(models))
