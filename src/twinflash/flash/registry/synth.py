"""A synthetic vehicle registry for demos, tests and benchmarks.

- SIV plates are allocated in national order by registration date: the sequence
  AA-001-AA, AA-002-AA, ... advances about :data:`SIV_PLATES_PER_DAY` plates a day from
  2009-04-15 (the real series reached the G. left pairs around 2021, which this pace
  reproduces); each synthetic vehicle takes a sampled position of that sequence.
- A share of older vehicles keep FNI plates (registered before 2009, never re-registered).
- The fleet mix follows the taxonomy's popularity weights (approximate French sales
  shares, see docs/registry.md); D.1/D.3 are written as registry text (upper case, aliases,
  engine and trim words) so the import's normaliser has work to do.
- Optionally, planted clones: a registered plate also carried by a vehicle of another
  model, written to a ground-truth file (CSV or JSON by extension).

Every choice comes from ``random.Random(seed)``: the same arguments give the same files.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import itertools
import json
import os
import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TextIO

from twinflash.flash.plates import DEPARTEMENTS, FNI_LETTERS, siv_from_index
from twinflash.flash.taxonomy import ModelEntry, Taxonomy, clean, load_taxonomy

SIV_START = dt.date(2009, 4, 15)
SIV_PLATES_PER_DAY = 16_500
FNI_SHARE = 0.08
HEADER = ("plate", "make", "model", "type", "cnit", "genre", "body", "first_registration")

GENRE = {"van": "CTTE", "large_van": "CTTE", "pickup": "CTTE", "microcar": "QM"}
BODY = {
    "estate": "BREAK",
    "coupe": "COUPE",
    "convertible": "CABRIOLET",
    "van": "FOURGONNETTE",
    "large_van": "FOURGON",
    "pickup": "PICK UP",
    "microcar": "CI",
}
SUFFIXES = {
    "van": ["", "L1H1", "FOURGON", "2.0 BLUEHDI 120", "DCI 95 GRAND CONFORT"],
    "large_van": ["", "L2H2", "L3H2 2.3 DCI 135", "35 MAXI", "FOURGON TOLE"],
    "microcar": ["", "DCI", "PREMIUM", "EVOLUTION"],
}
SUFFIX_DEFAULT = ["", "", "", "1.2 PURETECH 110", "1.5 DCI 90", "2.0 TDI 150", "HYBRIDE",
                  "BUSINESS", "GT LINE", "1.0 TCE 100 ZEN", "BVA", "4X4", "ELECTRIQUE"]  # fmt: skip


@dataclass(frozen=True, slots=True)
class SynthVehicle:
    plate: str
    make: str  # canonical, for the ground truth
    model: str
    d1: str  # as written in the registry
    d3: str
    genre: str
    body: str
    first_registration: dt.date


@dataclass(frozen=True, slots=True)
class PlantedClone:
    plate: str
    registered_make: str
    registered_model: str
    clone_make: str
    clone_model: str
    clone_body_type: str


def _ascii_upper(text: str) -> str:
    return clean(text) if any(ord(c) > 127 for c in text) else text.upper()


class _Fleet:
    def __init__(self, taxonomy: Taxonomy) -> None:
        self.entries: list[ModelEntry] = list(taxonomy.models)
        self.cum = list(itertools.accumulate(e.weight for e in self.entries))
        self.makes = taxonomy.makes

    def draw(self, rng: random.Random) -> ModelEntry:
        return self.entries[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]

    def registry_text(self, entry: ModelEntry, rng: random.Random) -> tuple[str, str, str]:
        d1 = _ascii_upper(entry.make)
        if rng.random() < 0.05 and self.makes[entry.make]:
            d1 = rng.choice(self.makes[entry.make]).upper()
        own = [a for a in entry.aliases if ":" not in a and not a.startswith("~")]
        name = entry.model if not own or rng.random() < 0.7 else rng.choice(own)
        body_type = rng.choice(entry.body_types)
        suffix = rng.choice(SUFFIXES.get(body_type, SUFFIX_DEFAULT))
        d3 = f"{_ascii_upper(name)} {suffix}".strip()
        return d1, d3, body_type


def generate(
    count: int, *, seed: int = 0, end: dt.date = dt.date(2025, 12, 31)
) -> Iterator[SynthVehicle]:
    """``count`` vehicles in registration order (FNI ones first, then SIV by plate)."""
    if count < 0:
        raise ValueError(f"count must be >= 0 (got {count})")
    rng = random.Random(seed)
    fleet = _Fleet(load_taxonomy())
    n_fni = round(count * FNI_SHARE)
    fni_seen: set[str] = set()
    fni_start = dt.date(1995, 1, 1)
    fni_days = (SIV_START - fni_start).days
    for _ in range(n_fni):
        while True:
            number = rng.randint(1, 9999)
            letters = "".join(rng.choice(FNI_LETTERS) for _ in range(rng.choice((2, 2, 3))))
            if "SS" in letters or letters.startswith("W"):
                continue
            plate = f"{number} {letters} {rng.choice(sorted(DEPARTEMENTS))}"
            if plate not in fni_seen:
                fni_seen.add(plate)
                break
        date = fni_start + dt.timedelta(days=rng.randrange(fni_days))
        yield _vehicle(fleet, rng, plate, date)
    days = (end - SIV_START).days + 1
    span = days * SIV_PLATES_PER_DAY
    for index in sorted(rng.sample(range(span), count - n_fni)):
        date = SIV_START + dt.timedelta(days=index // SIV_PLATES_PER_DAY)
        yield _vehicle(fleet, rng, siv_from_index(index), date)


def _vehicle(fleet: _Fleet, rng: random.Random, plate: str, date: dt.date) -> SynthVehicle:
    entry = fleet.draw(rng)
    d1, d3, body_type = fleet.registry_text(entry, rng)
    return SynthVehicle(
        plate=plate,
        make=entry.make,
        model=entry.model,
        d1=d1,
        d3=d3,
        genre=GENRE.get(body_type, "VP"),
        body=BODY.get(body_type, "CI"),
        first_registration=date,
    )


def plant_clones(vehicles: list[SynthVehicle], count: int, *, seed: int = 0) -> list[PlantedClone]:
    """Pick ``count`` registered plates and give each a second vehicle of another model,
    of the same body type when the fleet has one (cloners pick look-alikes)."""
    if count > len(vehicles):
        raise ValueError(f"cannot plant {count} clones in {len(vehicles)} vehicles")
    rng = random.Random(f"clones-{seed}")
    fleet = _Fleet(load_taxonomy())
    by_body: dict[str, list[ModelEntry]] = {}
    for entry in fleet.entries:
        for body in entry.body_types:
            by_body.setdefault(body, []).append(entry)
    tax = load_taxonomy()
    clones = []
    for v in rng.sample(vehicles, count):
        registered = tax.model(v.make, v.model)
        body = rng.choice(registered.body_types)
        pool = [e for e in by_body[body] if (e.make, e.model) != (v.make, v.model)]
        other = rng.choices(pool, weights=[e.weight for e in pool])[0] if pool else None
        while other is None or (other.make, other.model) == (v.make, v.model):
            other = fleet.draw(rng)
            body = other.body_types[0]
        clones.append(PlantedClone(v.plate, v.make, v.model, other.make, other.model, body))
    return clones


@contextmanager
def _atomic_text(path: Path) -> Iterator[TextIO]:
    """A text file that appears at ``path`` only once fully written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_registry_csv(path: str | Path, vehicles: list[SynthVehicle]) -> None:
    """Write vehicles in the import format (atomic: temp file + rename)."""
    with _atomic_text(Path(path)) as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(
            (v.plate, v.d1, v.d3, "", "", v.genre, v.body, v.first_registration.isoformat())
            for v in vehicles
        )


def write_ground_truth(path: str | Path, clones: list[PlantedClone], *, seed: int) -> None:
    """Planted clones as JSON (``.json``, with the seed) or CSV (any other extension)."""
    path = Path(path)
    with _atomic_text(path) as fh:
        if path.suffix.lower() == ".json":
            doc = {"schema_version": 1, "seed": seed, "clones": [asdict(c) for c in clones]}
            json.dump(doc, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
        else:
            w = csv.writer(fh)
            w.writerow(PlantedClone.__slots__)
            w.writerows(tuple(getattr(c, f) for f in PlantedClone.__slots__) for c in clones)
