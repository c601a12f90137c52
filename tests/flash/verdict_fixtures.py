"""Helpers for verdict and batch tests: photos of synthetic vehicles with registry rows."""

from __future__ import annotations

import csv
import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tests.flash.synthetic_vehicles import CLASSES, draw_vehicle

from twinflash.flash.registry import Registry, import_csv

# Look-alike readings (1 <-> 7 is the only swap valid in an SIV number) would make plates
# "doubtful": numbers without 1 or 7.
_DIGITS = [f"{a}{b}{c}" for a, b, c in itertools.product("234", "0234568", "234569")]


def plate(i: int, letters: str = "CE") -> str:
    return f"AB-{_DIGITS[i]}-{letters}"


@dataclass(frozen=True)
class Photo:
    image: np.ndarray
    corners: np.ndarray
    plate: str
    drawn: str  # kind drawn on the photo
    registered: str  # kind (or "make|model" text) the registry holds for the plate


def photos(kinds: list[tuple[str, str]], seed: int, start: int = 0) -> list[Photo]:
    """One photo per (drawn kind, registered kind), plates numbered from `start`."""
    rng = np.random.default_rng(seed)
    out = []
    for i, (drawn, registered) in enumerate(kinds):
        image, corners = draw_vehicle(drawn, rng)
        out.append(Photo(image, corners, plate(start + i), drawn, registered))
    return out


def registry_rows(items: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(plate, make, model) rows; a registered kind is a synthetic class or 'MAKE|MODEL'."""
    rows = []
    for p, kind in items:
        make, model = CLASSES[kind] if kind in CLASSES else kind.split("|")
        rows.append((p, make.upper(), model.upper()))
    return rows


def open_registry(path: Path, rows: list[tuple[str, str, str]]) -> Registry:
    """A SQLite registry holding `rows`, imported as a user would (normalised)."""
    src = path.with_suffix(".csv")
    with src.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["plate", "make", "model"])
        w.writerows(rows)
    reg = Registry.open(f"sqlite:///{path}")
    import_csv(reg, src)
    return reg
