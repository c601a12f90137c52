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
import random
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TextIO

from twinflash.errors import InputError
from twinflash.files import atomic_text
from twinflash.flash.plates import DEPARTEMENTS, FNI_LETTERS, siv_from_index
from twinflash.flash.taxonomy import ModelEntry, Taxonomy, clean, load_taxonomy

# The most vehicles one call generates. 1 million measured: 54 MB of CSV, 31 s, 170 MB of
# memory; 10 million is thus ~540 MB, minutes and ~1 GB (the sampled plate positions).
# More is refused rather than left to grow with no output.
MAX_COUNT = 10_000_000
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
    if not 0 <= count <= MAX_COUNT:
        raise ValueError(f"count must be in 0..{MAX_COUNT:,} (got {count:,})")
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
    positions = rng.sample(range(span), count - n_fni)
    positions.sort()  # in place: one list of up to MAX_COUNT ints, not two
    for index in positions:
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


def _write_registry_rows(fh: TextIO, vehicles: Iterable[SynthVehicle]) -> int:
    w = csv.writer(fh)
    w.writerow(HEADER)
    n = 0
    for v in vehicles:
        w.writerow((v.plate, v.d1, v.d3, "", "", v.genre, v.body, v.first_registration.isoformat()))
        n += 1
    return n


def _write_truth_rows(fh: TextIO, clones: list[PlantedClone], *, seed: int, as_json: bool) -> None:
    if as_json:
        doc = {"schema_version": 1, "seed": seed, "clones": [asdict(c) for c in clones]}
        json.dump(doc, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    else:
        w = csv.writer(fh)
        w.writerow(PlantedClone.__slots__)
        w.writerows(tuple(getattr(c, f) for f in PlantedClone.__slots__) for c in clones)


def _is_json(path: Path) -> bool:
    return path.suffix.lower() == ".json"


def write_registry_csv(path: str | Path, vehicles: Iterable[SynthVehicle]) -> int:
    """Write vehicles in the import format (atomic: temp file + rename); an iterator is
    written as it comes, never held in memory. Returns the rows written."""
    with atomic_text(Path(path), "registry CSV", make_parents=True) as fh:
        return _write_registry_rows(fh, vehicles)


def write_ground_truth(path: str | Path, clones: list[PlantedClone], *, seed: int) -> None:
    """Planted clones as JSON (``.json``, with the seed) or CSV (any other extension)."""
    path = Path(path)
    with atomic_text(path, "ground truth", make_parents=True) as fh:
        _write_truth_rows(fh, clones, seed=seed, as_json=_is_json(path))


def write_files(
    out: Path, *, count: int, seed: int = 0, clones: int = 0, truth: Path | None = None
) -> tuple[int, int]:
    """Generate a registry CSV at ``out`` (and the planted clones at ``truth``).

    Every argument and both destinations are checked first (the temporaries are created
    before the first vehicle is drawn), so a bad place fails at once, not after minutes of
    generation. Without clones the rows are streamed to the file. Returns (vehicles,
    planted clones)."""
    if not 1 <= count <= MAX_COUNT:
        raise InputError(f"`count` must be in 1..{MAX_COUNT:,} (got {count:,})")
    if clones and truth is None:
        raise InputError("`clones` needs `truth`, the file that records the planted clones")
    if clones > count:
        raise InputError(f"cannot plant {clones:,} clones in {count:,} vehicles")
    if truth is not None and truth.resolve() == out.resolve():
        raise InputError(f"{truth}: the ground truth cannot be the registry CSV")
    with ExitStack() as stack:
        out_fh = stack.enter_context(atomic_text(out, "registry CSV", make_parents=True))
        truth_fh = (
            stack.enter_context(atomic_text(truth, "ground truth", make_parents=True))
            if truth is not None
            else None
        )
        vehicles: Iterable[SynthVehicle] = generate(count, seed=seed)
        planted: list[PlantedClone] = []
        if clones:
            vehicles = list(vehicles)
            planted = plant_clones(vehicles, clones, seed=seed)
        written = _write_registry_rows(out_fh, vehicles)
        if truth_fh is not None and truth is not None:
            _write_truth_rows(truth_fh, planted, seed=seed, as_json=_is_json(truth))
    return written, len(planted)
