"""The registry store: one SQLAlchemy engine, Alembic migrations run on first use.

SQLite file by default; PostgreSQL (``postgresql+psycopg://...``) by URL, same code.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from twinflash.errors import InputError
from twinflash.flash.plates import normalise_plate
from twinflash.flash.registry.schema import COLUMNS, DATA_COLUMNS, VERSION_TABLE, vehicles

log = logging.getLogger(__name__)

ENV_URL = "TWINFLASH_REGISTRY_URL"
DEFAULT_URL = "sqlite:///twinflash-registry.db"


def registry_url(url: str | None = None) -> str:
    """The URL to use: the argument, else $TWINFLASH_REGISTRY_URL, else a local SQLite file."""
    return url or os.environ.get(ENV_URL) or DEFAULT_URL


def make_engine(url: str, **kwargs: Any) -> Engine:
    try:
        engine = sa.create_engine(url, **kwargs)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ValueError) as exc:
        raise InputError(f"registry URL {url!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA cache_size=-65536")  # 64 MiB: imports touch two indexes
            cur.close()

    return engine


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
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        elif dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            raise InputError(f"registry: dialect {dialect!r} not supported (sqlite, postgresql)")
        stmt = insert(vehicles)
        changed = sa.or_(*(vehicles.c[c].is_distinct_from(stmt.excluded[c]) for c in DATA_COLUMNS))
        # Upsert that touches a row only when something differs: re-importing is a no-op.
        upsert = stmt.on_conflict_do_update(
            index_elements=[vehicles.c.plate],
            set_={c: stmt.excluded[c] for c in DATA_COLUMNS},
            where=changed,
        )
        # Compiled once and run with the driver's executemany: no per-row SQLAlchemy work.
        compiled = upsert.compile(dialect=engine.dialect)
        self._upsert_sql = str(compiled)
        self._positional = compiled.positiontup is not None
        if self._positional and tuple(compiled.positiontup) != COLUMNS:
            raise RuntimeError(f"upsert parameter order {compiled.positiontup} != {COLUMNS}")

    @classmethod
    def open(cls, url: str | None = None, **engine_kwargs: Any) -> Registry:
        engine = make_engine(registry_url(url), **engine_kwargs)
        try:
            migrate(engine)
        except sa.exc.OperationalError as exc:
            raise InputError(f"registry {engine.url!r}: cannot open ({exc.orig})") from exc
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writes ---------------------------------------------------------------------------

    def upsert(self, rows: Iterable[Sequence[Any]], conn: Connection | None = None) -> int:
        """Insert or update rows: tuples in :data:`~schema.COLUMNS` order, dates as ISO
        text. Returns the rows written (new or changed). Plates must be canonical and unique
        within one call."""
        batch = (
            list(rows) if self._positional else [dict(zip(COLUMNS, r, strict=True)) for r in rows]
        )
        if not batch:
            return 0
        if conn is not None:
            return max(conn.exec_driver_sql(self._upsert_sql, batch).rowcount, 0)
        with self.engine.begin() as c:
            return max(c.exec_driver_sql(self._upsert_sql, batch).rowcount, 0)

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
