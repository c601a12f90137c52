"""`twinflash serve` from the command line: users with real argon2 hashes, one-line errors,
and an import guard (the CLI and the package root never load FastAPI or Huey)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from web.conftest import cheap_argon2  # noqa: F401  (autouse: the service tests' argon2 costs)

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def tf(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    """Run `twinflash serve ...` in this process (as `main()` does): (code, stdout, stderr)."""
    from twinflash.cli import main

    monkeypatch.delenv("TWINFLASH_DB_URL", raising=False)
    monkeypatch.delenv("TWINFLASH_REGISTRY_URL", raising=False)

    def run(*args: str, stdin: str = "", data: Path) -> subprocess.CompletedProcess:
        monkeypatch.setenv("TWINFLASH_DATA_DIR", str(data))
        monkeypatch.setattr(sys, "argv", ["twinflash", "serve", *args])
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code or 0
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)

    return run


def test_users_add_list_remove(tf, tmp_path: Path) -> None:
    data = tmp_path / "srv"
    r = tf(
        "users",
        "add",
        "ann",
        "--role",
        "admin",
        "--password-stdin",
        stdin="s3cret-pass\n",
        data=data,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "added ann (admin)"
    r = tf("users", "add", "ann", "--password-stdin", stdin="another-pass\n", data=data)
    assert (r.returncode, r.stderr.strip()) == (2, "error: user 'ann' already exists")
    r = tf("users", "add", "bob", "--role", "root", "--password-stdin", stdin="x" * 9, data=data)
    assert r.returncode == 2 and "--role" in r.stderr
    r = tf("users", "add", "bob", "--password-stdin", stdin="short\n", data=data)
    assert r.returncode == 2 and "at least 8" in r.stderr
    assert (
        tf("users", "add", "rey", "--password-stdin", stdin="reviewer-pass\n", data=data).returncode
        == 0
    )
    listed = tf("users", "list", data=data).stdout.splitlines()
    assert [line.split("\t")[:2] for line in listed] == [["ann", "admin"], ["rey", "reviewer"]]
    engine = sa.create_engine(f"sqlite:///{data / 'twinflash-serve.db'}")
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT password_hash FROM web_users")).scalars().all()
    engine.dispose()
    assert all(h.startswith("$argon2id$") and "s3cret" not in h for h in stored)
    assert tf("users", "remove", "rey", data=data).returncode == 0
    r = tf("users", "remove", "rey", data=data)
    assert (r.returncode, r.stderr.strip()) == (2, "error: user 'rey' does not exist")


def test_bad_database_url_is_one_line(tf, tmp_path: Path) -> None:
    r = tf("users", "list", "--db", "mysql://nowhere/x", data=tmp_path)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("error: --db")


def test_cli_and_root_stay_light() -> None:
    code = (
        "import sys, twinflash, twinflash.cli, twinflash.web\n"
        "print(','.join(m for m in ('fastapi', 'huey', 'uvicorn', 'argon2', 'starlette') "
        "if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == ""


def test_purge_deletes_what_is_past_its_retention(tf, tmp_path: Path) -> None:
    from twinflash.web import jobstore
    from twinflash.web.schema import jobs
    from twinflash.web.settings import Settings
    from twinflash.web.store import Store

    settings = Settings(data_dir=tmp_path / "srv").prepare()
    store = Store.open(settings.database_url)
    job_id = jobstore.create_job(store.engine, "render", {}, None)
    jobstore.finish(store.engine, job_id, True, "ok")
    with store.engine.begin() as conn:  # ended two hours ago
        conn.execute(jobs.update().values(finished_at=jobs.c.finished_at - 7200))
    (settings.renders_dir / job_id).mkdir()
    store.close()
    kept = tf("purge", data=settings.data_dir)  # 24 h by default: too young
    assert kept.stdout.strip().endswith("0 public render(s) and 0 blurred video(s)")
    r = tf("purge", "--public-retention-hours", "1", data=settings.data_dir)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == (
        "deleted the photos of 0 case(s), 1 public render(s) and 0 blurred video(s)"
    )
    assert not (settings.renders_dir / job_id).exists()
