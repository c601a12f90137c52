"""The registry store: one SQLAlchemy engine, Alembic migrations run on first use.

SQLite file by default; PostgreSQL (``postgresql+psycopg://...``) by URL, same code.
"""

from __future__ import annotations

import datetime as dt
import logging
import operator
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from twinflash.dbengine import make_engine as _engine
from twinflash.errors import InputError
from twinflash.flash.plates import normalise_plate
from twinflash.flash.registry.schema import COLUMNS, DATA_COLUMNS, VERSION_TABLE, vehicles

log = logging.getLogger(__name__)

ENV_URL = "TWINFLASH_REGISTRY_URL"
DEFAULT_URL = "sqlite:///twinflash-registry.db"
SQLITE_BUSY_TIMEOUT_S = 60


def registry_url(url: str | None = None) -> str:
    """The URL to use: the argument, else $TWINFLASH_REGISTRY_URL, else a local SQLite file."""
    return url or os.environ.get(ENV_URL) or DEFAULT_URL


def _one_line(exc: BaseException) -> str:
    """A driver's message on one line (libpq's run over several, SQLAlchemy adds a link)."""
    orig = getattr(exc, "orig", None) or exc
    return " ".join(str(orig).split())


def make_engine(url: str, **kwargs: Any) -> Engine:
    """The registry's engine: a SQLite writer waits 60 s for another (concurrent imports
    take turns per chunk) and gets a 64 MiB page cache (imports touch two indexes)."""
    return _engine(
        url,
        label="registry URL",
        sqlite_busy_s=SQLITE_BUSY_TIMEOUT_S,
        sqlite_pragmas=("cache_size=-65536",),
        **kwargs,
    )


def _sqlite_file(engine: Engine) -> Path | None:
    """The file of a SQLite store, or None (in memory, or not SQLite)."""
    if engine.dialect.name != "sqlite":
        return None
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def _check_sqlite_file(path: Path, *, create: bool) -> None:
    """Refuse what SQLite would answer with a traceback or, worse, an empty new database:
    a read-only command on a mistyped path would otherwise report "not registered"."""
    if path.is_dir():
        raise InputError(f"registry {path}: is a directory, not a SQLite database file")
    if path.exists():
        return
    if not create:
        raise InputError(
            f"registry {path}: no such database "
            f"(import a file first, or check the URL / ${ENV_URL})"
        )
    if not path.parent.is_dir():
        raise InputError(f"registry {path}: folder {path.parent} does not exist")


def migrate(engine: Engine, revision: str = "head") -> str | None:
    """Bring the schema to ``revision`` with the migrations shipped in the package."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext

    script_location = str(resources.files("twinflash.flash.registry") / "migrations")
    cfg = Config()
    cfg.set_main_option("script_location", script_location)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        return ctx.get_current_revision()


@dataclass(frozen=True, slots=True)
class VehicleRecord:
    plate: str
    plate_format: str
    make_raw: str
    model_raw: str
    type_code: str | None
    cnit: str | None
    genre: str | None
    body: str | None
    first_registration: dt.date | None
    make: str | None
    model: str | None
    norm_status: str
    norm_score: float

    def as_dict(self) -> dict[str, Any]:
        out = {name: getattr(self, name) for name in self.__slots__}
        if self.first_registration is not None:
            out["first_registration"] = self.first_registration.isoformat()
        return out


class UpsertCounts(NamedTuple):
    inserted: int
    updated: int


@dataclass(frozen=True, slots=True)
class RegistryStats:
    vehicles: int
    by_format: dict[str, int]
    by_status: dict[str, int]
    top_models: list[tuple[str, str, int]]
    first_registration_range: tuple[dt.date | None, dt.date | None]
    mean_score: float | None


class Registry:
    """The vehicle registry. ``Registry.open(url)`` migrates the schema on first use."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        dialect = engine.dialect.name
        from sqlalchemy.dialects import postgresql, sqlite

        stmt: sqlite.Insert | postgresql.Insert
        if dialect == "sqlite":
            stmt = sqlite.insert(vehicles)
        elif dialect == "postgresql":
            stmt = postgresql.insert(vehicles)
        else:
            raise InputError(f"registry: dialect {dialect!r} not supported (sqlite, postgresql)")
        changed = sa.or_(*(vehicles.c[c].is_distinct_from(stmt.excluded[c]) for c in DATA_COLUMNS))
        # Two statements per chunk, so that counts are what this import did even when
        # another one runs at the same time: a new plate is counted by the insert that won
        # it (ON CONFLICT DO NOTHING), a change by the update that made it (touching a row
        # only when something differs: re-importing is a no-op).
        insert_new = stmt.on_conflict_do_nothing(index_elements=[vehicles.c.plate])
        update_changed = stmt.on_conflict_do_update(
            index_elements=[vehicles.c.plate],
            set_={c: stmt.excluded[c] for c in DATA_COLUMNS},
            where=changed,
        )
        # Compiled once and run with the driver's executemany: no per-row SQLAlchemy work.
        self._insert_sql, self._positional = self._compile(insert_new)
        self._update_sql, _ = self._compile(update_changed)

    def _compile(self, statement: sa.Insert) -> tuple[str, bool]:
        compiled = statement.compile(dialect=self.engine.dialect)
        order = compiled.positiontup
        if order is not None and tuple(order) != COLUMNS:
            raise RuntimeError(f"upsert parameter order {order} != {COLUMNS}")
        return str(compiled), order is not None

    @classmethod
    def open(cls, url: str | None = None, *, create: bool = True, **engine_kwargs: Any) -> Registry:
        """Open (and migrate) the store at ``url``. With ``create=False`` (read-only
        commands) a missing SQLite file or a database without the registry's tables is an
        error instead of an empty registry that would answer "not registered"."""
        engine = make_engine(registry_url(url), **engine_kwargs)
        where = _sqlite_file(engine)
        shown = where or engine.url.render_as_string(hide_password=True)
        try:
            if where is not None:
                _check_sqlite_file(where, create=create)
            if not create and not sa.inspect(engine).has_table(vehicles.name):
                raise InputError(
                    f"registry {shown}: holds no registry (run 'twinflash registry init' or "
                    "import a file first)"
                )
            migrate(engine)
        except sa.exc.DBAPIError as exc:
            engine.dispose()
            raise InputError(f"registry {shown}: cannot open ({_one_line(exc)})") from exc
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writes ---------------------------------------------------------------------------

    def upsert(self, rows: Iterable[Sequence[Any]], conn: Connection | None = None) -> UpsertCounts:
        """Insert or update rows: tuples in :data:`~schema.COLUMNS` order, dates as ISO
        text. Returns the rows this call inserted and updated (a row another writer inserted
        first counts as an update or as unchanged, never as new). Plates must be canonical
        and unique within one call."""
        # Sorted by plate: concurrent imports then lock rows in one order and cannot
        # deadlock (PostgreSQL would abort one of them).
        ordered = sorted(rows, key=operator.itemgetter(0))
        batch = (
            ordered if self._positional else [dict(zip(COLUMNS, r, strict=True)) for r in ordered]
        )
        if not batch:
            return UpsertCounts(0, 0)
        if conn is not None:
            return self._upsert(conn, batch)
        with self.engine.begin() as c:
            return self._upsert(c, batch)

    def _upsert(self, conn: Connection, batch: list[Any]) -> UpsertCounts:
        inserted = max(conn.exec_driver_sql(self._insert_sql, batch).rowcount, 0)
        updated = max(conn.exec_driver_sql(self._update_sql, batch).rowcount, 0)
        return UpsertCounts(inserted, updated)

    # --- reads ----------------------------------------------------------------------------

    def lookup(self, plate: str) -> VehicleRecord | None:
        """The record of a plate as typed (normalised first); ``None`` if not registered.
        Raises ``ValueError`` for a malformed plate."""
        canonical = normalise_plate(plate).text
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(vehicles).where(vehicles.c.plate == canonical)).first()
        return VehicleRecord(**row._mapping) if row else None

    def lookup_many(self, plates: Iterable[str]) -> dict[str, VehicleRecord]:
        """Records of canonical plates that are registered (unknown ones are absent)."""
        wanted = list(plates)
        if not wanted:
            return {}
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(vehicles).where(vehicles.c.plate.in_(wanted)))
            return {r.plate: VehicleRecord(**r._mapping) for r in rows}

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(vehicles)).scalar_one()

    def stats(self, top: int = 10) -> RegistryStats:
        v = vehicles.c
        with self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(vehicles)).scalar_one()

            def grouped(col: sa.ColumnElement[Any]) -> dict[str, int]:
                q = sa.select(col, sa.func.count()).group_by(col).order_by(col)
                return {str(k): n for k, n in conn.execute(q)}

            n = sa.func.count().label("n")
            top_q = (
                sa.select(v.make, v.model, n)
                .where(v.model.is_not(None))
                .group_by(v.make, v.model)
                .order_by(n.desc(), v.make, v.model)
                .limit(top)
            )
            lo, hi, mean = conn.execute(
                sa.select(
                    sa.func.min(v.first_registration),
                    sa.func.max(v.first_registration),
                    sa.func.avg(v.norm_score),
                )
            ).one()
            return RegistryStats(
                vehicles=total,
                by_format=grouped(v.plate_format),
                by_status=grouped(v.norm_status),
                top_models=[(m, mo, c) for m, mo, c in conn.execute(top_q)],
                first_registration_range=(_as_date(lo), _as_date(hi)),
                mean_score=float(mean) if mean is not None else None,
            )


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
