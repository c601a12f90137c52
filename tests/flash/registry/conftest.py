"""Helpers of the registry tests: rows written as a registry CSV, the rows a store holds,
a synthetic registry file."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from twinflash.flash.registry import Registry
from twinflash.flash.registry.schema import vehicles
from twinflash.flash.registry.synth import generate, write_registry_csv

# the registry CSV columns, and the date imports take as today
HEADER = ["plate", "make", "model", "type", "cnit", "genre", "body", "first_registration"]


TODAY = dt.date(2026, 1, 1)


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture(scope="module")
def synth_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    vehicles_ = list(generate(1500, seed=3))
    path = tmp_path_factory.mktemp("synth") / "registry.csv"
    write_registry_csv(path, vehicles_)
    return path, vehicles_


def hidden_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def snapshot(reg: Registry) -> list[tuple]:
    with reg.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(vehicles).order_by(vehicles.c.plate))]
