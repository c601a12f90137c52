"""Registry store on SQLite and PostgreSQL: migrations, import (idempotent, rejects),
lookups, statistics, and the two backends giving the same rows."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from twinflash.errors import InputError
from twinflash.flash.registry import Registry, import_csv
from twinflash.flash.registry.schema import VERSION_TABLE, vehicles
from twinflash.flash.registry.store import migrate, registry_url
from twinflash.flash.registry.synth import generate, write_registry_csv

HEADER = ["plate", "make", "model", "type", "cnit", "genre", "body", "first_registration"]
TODAY = dt.date(2026, 1, 1)


def _write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _snapshot(reg: Registry) -> list[tuple]:
    with reg.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(vehicles).order_by(vehicles.c.plate))]


@pytest.fixture(scope="module")
def synth_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:
    vehicles_ = list(generate(1500, seed=3))
    path = tmp_path_factory.mktemp("synth") / "registry.csv"
    write_registry_csv(path, vehicles_)
    return path, vehicles_


def test_migrations_create_the_schema_once(registry: Registry) -> None:
    assert migrate(registry.engine) == "0001"
    assert migrate(registry.engine) == "0001"  # again: nothing to do
    names = sa.inspect(registry.engine).get_table_names()
    assert {"registry_vehicles", VERSION_TABLE} <= set(names)
    assert registry.count() == 0


def test_import_then_reimport_changes_nothing(registry: Registry, synth_csv, tmp_path) -> None:
    path, truth = synth_csv
    first = import_csv(registry, path, today=TODAY, rejects_path=tmp_path / "rej.csv")
    assert (first.rows, first.accepted, first.rejected) == (1500, 1500, 0)
    assert (first.inserted, first.updated, first.unchanged) == (1500, 0, 0)
    assert first.rejects_path is None and not (tmp_path / "rej.csv").exists()
    assert first.distinct_pairs < first.rows  # the normalisation cache did its job
    snapshot = _snapshot(registry)
    again = import_csv(registry, path, today=TODAY, rejects_path=tmp_path / "rej.csv")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1500)
    assert _snapshot(registry) == snapshot
    # the normalised make/model is the generator's truth
    for v in truth[::50]:
        rec = registry.lookup(v.plate)
        assert rec is not None
        assert (rec.make, rec.model, rec.make_raw, rec.model_raw) == (v.make, v.model, v.d1, v.d3)
        assert rec.first_registration == v.first_registration


def test_changed_rows_are_updated(registry: Registry, tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", [["AB-123-CD", "RENAULT", "CLIO", "", "", "VP", "CI",
                                        "2015-03-02"]])  # fmt: skip
    import_csv(registry, path, today=TODAY)
    _write(path, [["ab123cd", "PEUGEOT", "208", "", "", "VP", "CI", "2015-03-02"]])
    report = import_csv(registry, path, today=TODAY)
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 0)
    rec = registry.lookup("AB-123-CD")
    assert rec is not None and (rec.make, rec.model) == ("Peugeot", "208")


def test_bad_rows_go_to_the_reject_file_and_the_import_carries_on(
    registry: Registry, tmp_path: Path
) -> None:
    rows = [
        ["AB-123-CD", "RENAULT", "CLIO", "", "", "VP", "CI", "2015-03-02"],
        ["AI-123-CD", "RENAULT", "CLIO", "", "", "VP", "CI", "2015-03-02"],
        ["AB-124-CD", "", "CLIO", "", "", "VP", "CI", "2015-03-02"],
        ["AB-125-CD", "RENAULT", "CLIO", "", "", "VP", "CI", "31/02/2015"],
        ["AB-126-CD", "RENAULT", "CLIO", "", "", "VP", "CI", "2031-01-01"],
        ["AB-127-CD", "RENAULT"],
        ["AB-128-CD", "R" * 81, "CLIO", "", "", "VP", "CI", ""],
        ["1234 AB 75", "peugeot", "205 GTI", "", "", "vp", "ci", "12/06/1990"],
        ["AB-000-CD", "RENAULT", "CLIO", "", "", "VP", "CI", ""],
    ]
    path = _write(tmp_path / "in.csv", rows)
    report = import_csv(registry, path, today=TODAY)
    assert (report.rows, report.accepted, report.rejected) == (9, 2, 7)
    assert report.rejects_path == tmp_path / "in.rejects.csv"
    with report.rejects_path.open(encoding="utf-8") as fh:
        rejected = list(csv.DictReader(fh))
    assert [r["row"] for r in rejected] == ["3", "4", "5", "6", "7", "8", "10"]
    reasons = [r["reason"] for r in rejected]
    assert "never use the letters I" in reasons[0]
    assert reasons[1] == "make (D.1) is empty"
    assert "'31/02/2015' is not a date" in reasons[2]
    assert "outside 1900-01-01..2026-01-01" in reasons[3]
    assert reasons[4] == "expected 8 fields, got 2"
    assert reasons[5] == "make: longer than 80 characters"
    assert "000 is never issued" in reasons[6]
    assert rejected[0]["plate"] == "AI-123-CD"  # the original fields follow
    fni = registry.lookup("1234ab75")
    assert fni is not None
    assert (fni.plate, fni.plate_format, fni.genre, fni.body) == ("1234 AB 75", "FNI", "VP", "CI")
    assert fni.first_registration == dt.date(1990, 6, 12)
    assert (fni.make, fni.model) == ("Peugeot", "205")
    # fixing the file and importing again removes the stale reject file
    path = _write(tmp_path / "in.csv", rows[:1])
    assert import_csv(registry, path, today=TODAY).rejects_path is None
    assert not (tmp_path / "in.rejects.csv").exists()


def test_a_plate_repeated_in_a_file_keeps_the_last_row(registry: Registry, tmp_path) -> None:
    path = _write(tmp_path / "d.csv", [
        ["AB-123-CD", "RENAULT", "CLIO", "", "", "VP", "CI", ""],
        ["ab 123 cd", "DACIA", "SANDERO", "", "", "VP", "CI", ""],
    ])  # fmt: skip
    import_csv(registry, path, today=TODAY)
    rec = registry.lookup("AB-123-CD")
    assert rec is not None and rec.model == "Sandero" and registry.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty file"),
        ("plate,make\nAB-123-CD,RENAULT\n", "lacks column(s) model"),
        (b"plate,make,model\nAB-123-CD,RENAULT,CLIO\xff\n", "not UTF-8"),
    ],
)
def test_unreadable_files_are_refused(
    sqlite_registry: Registry, tmp_path: Path, content: str | bytes, message: str
) -> None:
    path = tmp_path / "bad.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)):
        import_csv(sqlite_registry, path, today=TODAY)
    with pytest.raises(InputError, match="no such file"):
        import_csv(sqlite_registry, tmp_path / "missing.csv")


def test_optional_columns_may_be_absent(registry: Registry, tmp_path: Path) -> None:
    # columns are found by name, in any order; unknown ones are ignored
    path = _write(tmp_path / "min.csv", [["C4 Picasso", "Citroën", "FK-475-QS", "x"]],
                  header=["model", "make", "plate", "extra"])  # fmt: skip
    report = import_csv(registry, path, today=TODAY)
    assert report.accepted == 1
    rec = registry.lookup("FK-475-QS")
    assert rec is not None
    assert (rec.make, rec.model, rec.first_registration, rec.genre) == (
        "Citroën", "C4 SpaceTourer", None, None)  # fmt: skip


def test_lookup(registry: Registry, tmp_path: Path) -> None:
    path = _write(tmp_path / "l.csv", [["WW-482-KC", "TESLA", "MODEL 3", "", "", "VP", "CI",
                                        "2025-05-01"]])  # fmt: skip
    import_csv(registry, path, today=TODAY)
    rec = registry.lookup("ww 482 kc")
    assert rec is not None and rec.plate_format == "SIV_TEMPORARY" and rec.model == "Model 3"
    assert rec.as_dict()["first_registration"] == "2025-05-01"
    assert registry.lookup("AB-123-CD") is None
    with pytest.raises(ValueError, match="never use the letters O"):
        registry.lookup("WO-482-KC")
    assert set(registry.lookup_many(["WW-482-KC", "AB-123-CD"])) == {"WW-482-KC"}


def test_stats(registry: Registry, synth_csv) -> None:
    path, truth = synth_csv
    import_csv(registry, path, today=TODAY)
    s = registry.stats(top=3)
    assert s.vehicles == 1500
    assert sum(s.by_format.values()) == 1500 and set(s.by_format) <= {"SIV", "FNI"}
    assert sum(s.by_status.values()) == 1500
    assert len(s.top_models) == 3 and s.top_models[0][2] >= s.top_models[2][2]
    lo, hi = s.first_registration_range
    assert lo == min(v.first_registration for v in truth)
    assert hi == max(v.first_registration for v in truth)
    assert s.mean_score is not None and 0.8 <= s.mean_score <= 1.0


@pytest.mark.postgres
def test_sqlite_and_postgresql_store_the_same_rows(
    sqlite_registry: Registry, pg_registry: Registry, synth_csv
) -> None:
    path, _ = synth_csv
    a = import_csv(sqlite_registry, path, today=TODAY)
    b = import_csv(pg_registry, path, today=TODAY)
    assert (a.inserted, a.rejected) == (b.inserted, b.rejected) == (1500, 0)
    assert _snapshot(sqlite_registry) == _snapshot(pg_registry)
    assert sqlite_registry.stats() == pg_registry.stats()


def test_registry_url_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TWINFLASH_REGISTRY_URL", raising=False)
    assert registry_url() == "sqlite:///twinflash-registry.db"
    monkeypatch.setenv("TWINFLASH_REGISTRY_URL", "sqlite:///x.db")
    assert registry_url() == "sqlite:///x.db"
    assert registry_url("sqlite:///y.db") == "sqlite:///y.db"
    with pytest.raises(InputError, match="registry URL"):
        Registry.open("nosuchdialect://x")
