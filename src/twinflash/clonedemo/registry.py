"""The demo's registry (SIV): every photographed plate registered, some to another model.

A planted clone is a fresh photo whose plate the registry gives to another vehicle: the
situation of an owner whose plate was copied onto someone else's car. Clones are planted
on a share of the batch (far above the ~0.05 % of real traffic, so that a small demo has
some to catch), their registered vehicle chosen so that the three kinds of clone appear
in turn. Around them, a synthetic fleet (`registry.synth`) makes the registry look like
one: lookups happen among thousands of unrelated plates, as in service.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from twinflash.clonedemo.photos import Photo
from twinflash.files import atomic_path

KINDS = ("other_body", "same_body_other_make", "same_make_other_model")


@dataclass(frozen=True)
class Registered:
    """What the registry says of a photo's plate, and whether that is the truth."""

    plate: str
    make: str  # as registered (catalogue spelling; the import normalises it)
    model: str
    kind: str  # "honest" or one of KINDS


def body(make: str, model: str) -> str:
    from twinflash.flash.normalise import normalise_vehicle
    from twinflash.flash.recogniser.labels import body_of

    n = normalise_vehicle(make, model)
    return body_of(n.make, n.model) if n.make and n.model else "unknown"


def kind_of(photo: tuple[str, str], registered: tuple[str, str]) -> str:
    """Kind of clone when the photo shows `photo` and the registry says `registered`."""
    if photo == registered:
        return "honest"
    if body(*photo) != body(*registered):
        return "other_body"
    return "same_body_other_make" if photo[0] != registered[0] else "same_make_other_model"


def plant(photos: Sequence[Photo], share: float, seed: int = 0) -> dict[str, Registered]:
    """Photo name -> registry record: a `share` of the photos (at least one, when there are
    two vehicles to swap) registered to another vehicle, the kinds of clone in turn (each
    on a photo that admits it: a Master has no same-body look-alike among the others)."""
    vehicles = sorted({(p.make, p.model) for p in photos})
    rng = random.Random(f"plant:{seed}")
    free = sorted(photos, key=lambda p: p.name)
    rng.shuffle(free)
    n_clones = max(1, round(share * len(free))) if len(vehicles) > 1 and share > 0 else 0
    out: dict[str, Registered] = {}
    for i in range(n_clones):
        for kind in KINDS[i % len(KINDS) :] + KINDS[: i % len(KINDS)]:
            options = [(p, v) for p in free for v in vehicles
                       if kind_of((p.make, p.model), v) == kind]  # fmt: skip
            if options:
                break
        p = options[0][0]
        other = rng.choice([v for q, v in options if q is p])
        free.remove(p)
        out[p.name] = Registered(p.plate, *other, kind)
    for p in free:
        out[p.name] = Registered(p.plate, p.make, p.model, "honest")
    return out


def build_registry(
    path: Path, records: Sequence[Registered], fleet: int = 2000, seed: int = 0
) -> str:
    """A SQLite registry at `path` with `records` among `fleet` synthetic vehicles;
    written to a temporary file and renamed, so it exists whole or not at all. Returns
    its URL."""
    import datetime as dt

    from twinflash.flash.registry import Registry
    from twinflash.flash.registry.importer import import_csv
    from twinflash.flash.registry.synth import SynthVehicle, generate, write_registry_csv

    ours = {r.plate for r in records}
    vehicles = [v for v in generate(fleet, seed=seed) if v.plate not in ours]
    vehicles += [
        SynthVehicle(r.plate, r.make, r.model, r.make.upper(), r.model.upper(), "VP", "CI",
                     dt.date(2024, 1, 1))
        for r in records
    ]  # fmt: skip
    csv_path = path.with_suffix(".csv")
    write_registry_csv(csv_path, vehicles)
    with atomic_path(path, keep_suffix=True) as tmp:
        try:
            with Registry.open(f"sqlite:///{tmp}") as reg:
                import_csv(reg, csv_path, rejects_path=tmp.with_suffix(".rejects.csv"))
        finally:
            tmp.with_suffix(".rejects.csv").unlink(missing_ok=True)
    return f"sqlite:///{path}"
