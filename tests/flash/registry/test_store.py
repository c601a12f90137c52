"""The registry store: schema migrations, look-ups, statistics, its URL, the same rows in
SQLite and PostgreSQL; a wrong or missing database is one line, and creates nothing."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from twinflash.errors import InputError
from twinflash.flash.registry import Registry, import_csv
from twinflash.flash.registry.schema import VERSION_TABLE
from twinflash.flash.registry.store import migrate, registry_url

from .conftest import TODAY, snapshot, write_csv


def test_migrations_create_the_schema_once(registry: Registry) -> None:
    assert migrate(registry.engine) == "0001"
    assert migrate(registry.engine) == "0001"  # again: nothing to do
    names = sa.inspect(registry.engine).get_table_names()
    assert {"registry_vehicles", VERSION_TABLE} <= set(names)
    assert registry.count() == 0


def test_lookup(registry: Registry, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", [["WW-482-KC", "TESLA", "MODEL 3", "", "", "VP", "CI",
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
    assert snapshot(sqlite_registry) == snapshot(pg_registry)
    assert sqlite_registry.stats() == pg_registry.stats()


def test_registry_url_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TWINFLASH_REGISTRY_URL", raising=False)
    assert registry_url() == "sqlite:///twinflash-registry.db"
    monkeypatch.setenv("TWINFLASH_REGISTRY_URL", "sqlite:///x.db")
    assert registry_url() == "sqlite:///x.db"
    assert registry_url("sqlite:///y.db") == "sqlite:///y.db"
    with pytest.raises(InputError, match="registry URL"):
        Registry.open("nosuchdialect://x")


def test_read_only_open_of_a_missing_sqlite_file_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "typo.db"
    with pytest.raises(InputError, match=r"typo.db: no such database"):
        Registry.open(f"sqlite:///{db}", create=False)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: (d / "some.csv").write_text("plate,make\n" * 100), "file is not a database"),
        (lambda d: (d / "some.csv").mkdir(), "is a directory"),
    ],
)
def test_a_file_that_is_not_a_database_is_one_line(tmp_path: Path, make, message: str) -> None:
    make(tmp_path)
    for create in (True, False):
        with pytest.raises(InputError, match=message) as err:
            Registry.open(f"sqlite:///{tmp_path / 'some.csv'}", create=create)
        assert "\n" not in str(err.value) and "some.csv" in str(err.value)


def test_a_missing_folder_for_a_new_database_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"folder .*nope does not exist"):
        Registry.open(f"sqlite:///{tmp_path / 'nope' / 'r.db'}")


@pytest.mark.postgres
def test_read_only_open_of_a_database_without_the_registry(postgres_url: str) -> None:
    schema = f"tf_registry_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        args = {"options": f"-csearch_path={schema}"}
        with pytest.raises(InputError, match="holds no registry"):
            Registry.open(postgres_url, create=False, connect_args=args)
        with admin.connect() as conn:  # nothing was created in it
            tables = conn.execute(sa.text(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = :s"),
                {"s": schema}).scalar_one()  # fmt: skip
        assert tables == 0
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql+psycopg://u:secret@127.0.0.1:1/db", "Connection refused"),
        ("postgresql+psycopg://u:secret@host:port/db", "registry URL"),
    ],
)
def test_unreachable_or_malformed_postgresql_is_one_line(url: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as err:
        Registry.open(url, create=False)
    text = str(err.value)
    assert "\n" not in text and "secret" not in text
