"""The shared engine door: bounded waits, WAL mode, extra pragmas, passwords never shown."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from twinflash.dbengine import make_engine, shown_url
from twinflash.errors import InputError


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://user:s3cret@db.example:5432/x",  # parsable
        "postgresql+psycopg://user:s3cret@host:port/x",  # port is not a number
        "postgresql+psycopg://user:s3/cret@host:port/x",  # a slash in the password
        "postgresql+psycopg://user:s3cret@x@host:port/x",  # an @ in the password
    ],
)
def test_shown_url_never_prints_the_password(url: str) -> None:
    shown = shown_url(url)
    assert "s3" not in shown and "cret" not in shown
    assert "user" in shown and "***" in shown


def test_sqlite_engine_runs_wal_and_the_callers_pragmas(tmp_path: Path) -> None:
    engine = make_engine(
        f"sqlite:///{tmp_path / 'x.db'}",
        label="the store",
        sqlite_busy_s=7,
        sqlite_pragmas=("foreign_keys=ON",),
    )
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 7000
    finally:
        engine.dispose()


def _connect_params(engine: sa.Engine) -> dict[str, object]:
    """The keyword arguments the driver would be called with (no connection is made)."""
    seen: dict[str, object] = {}

    @sa.event.listens_for(engine, "do_connect")
    def _capture(_dialect: object, _rec: object, _cargs: object, cparams: dict) -> None:
        seen.update(cparams)
        raise ConnectionAbortedError("captured")

    with pytest.raises(Exception, match="captured"):
        engine.connect()
    engine.dispose()
    return seen


def test_postgresql_connect_waits_are_bounded_and_callers_win() -> None:
    url = "postgresql+psycopg://u@127.0.0.1/x"
    bounded = make_engine(url, label="L", sqlite_busy_s=1)
    given = make_engine(url, label="L", sqlite_busy_s=1, connect_args={"connect_timeout": 3})
    assert _connect_params(bounded)["connect_timeout"] == 10
    assert _connect_params(given)["connect_timeout"] == 3


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u:s3cret@h/x", "'mysql' databases are not supported"),
        ("not a url", "the setting 'not a url'"),
    ],
)
def test_bad_urls_are_one_line_naming_the_setting(url: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as err:
        make_engine(url, label="the setting", sqlite_busy_s=1)
    assert "\n" not in str(err.value) and "s3cret" not in str(err.value)
