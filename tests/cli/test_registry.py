"""`twinflash registry ...`: synth, import, lookup and stats through the command line, and
hostile input (issue #11): one line on stderr, exit code 2, no traceback, and nothing left
behind (no temporary, no database created by a mistake).

The table runs in-process through the real entry point (`run_guarded` on the full app);
the read-only folder, kill -9 and two-process cases run `python -m twinflash`.
"""

from __future__ import annotations

import csv
import ctypes
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import typer

from twinflash.cli import app, registry
from twinflash.cli._errors import run_guarded
from twinflash.flash.registry import Registry, import_csv
from twinflash.flash.registry import synth as gen

SRC = Path(__file__).resolve().parents[2] / "src"
HEADER = "plate,make,model,type,cnit,genre,body,first_registration"


# --- helpers ---------------------------------------------------------------------------


def _run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """`twinflash ARGS` in-process: (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["twinflash", *args])
    monkeypatch.delenv("TWINFLASH_REGISTRY_URL", raising=False)
    code = run_guarded(app)
    out, err = capsys.readouterr()
    return code, out, err


def _cli(*args: str, cwd: Path, **kwargs) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("TWINFLASH_REGISTRY_URL", None)
    return subprocess.run([sys.executable, "-m", "twinflash", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, **kwargs)  # fmt: skip


def _popen(*args: str, cwd: Path, **kwargs) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("TWINFLASH_REGISTRY_URL", None)
    cmd = [sys.executable, "-m", "twinflash", *args]
    return subprocess.Popen(cmd, cwd=cwd, env=env, text=True, **kwargs)


def _count_of(word: str, out: str) -> int:
    """The figure before ``word`` in the import's summary line ("1,234 new")."""
    found = re.search(rf"([\d,]+) {word}", out)
    assert found, out
    return int(found.group(1).replace(",", ""))


def _files(folder: Path) -> dict[str, int]:
    """Every file under ``folder`` with its size: what a failed command must not change."""
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*")
            if p.is_file()}  # fmt: skip


def _assert_one_line_error(code: int, err: str, expected_code: int, message: str) -> None:
    assert code == expected_code, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and message in lines[0], lines[0]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".*"))


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a clean registry CSV, a registry database, a folder and a CSV that
    is not UTF-8 (Latin-1 at line 3); the current directory during the test."""
    gen.write_files(tmp_path / "reg.csv", count=40, seed=1)
    lines = (tmp_path / "reg.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "latin1.csv").write_bytes(
        "\n".join([*lines[:2], lines[2].replace("VP", "VÉ"), *lines[3:]]).encode("latin-1")
    )
    (tmp_path / "adir").mkdir()
    with Registry.open(f"sqlite:///{tmp_path / 'reg.db'}") as reg:
        import_csv(reg, tmp_path / "reg.csv")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- the table -------------------------------------------------------------------------

LONG = "AB-123-CD " * 10_000  # 100,000 characters: was more than 10 minutes

CASES = [
    # (args, exit code, one-line message)
    (["registry", "stats", "--db", "sqlite:///reg.csv"], 2,
     "registry reg.csv: cannot open (file is not a database)"),
    (["registry", "stats", "--db", "sqlite:///adir"], 2, "adir: is a directory"),
    (["registry", "stats", "--db", "sqlite:///typo.db"], 2, "typo.db: no such database"),
    (["registry", "lookup", "AB-123-CD", "--db", "sqlite:///typo.db"], 2,
     "typo.db: no such database"),
    (["registry", "lookup", LONG, "--db", "sqlite:///reg.db"], 2,
     "plate text of 100,000 characters"),
    (["registry", "lookup", "AB-123-CD", "--db", "postgresql+psycopg://u:pw@127.0.0.1:1/x"],
     2, "Connection refused"),
    (["registry", "stats", "--db", "postgresql+psycopg://u:pw@host:port/x"], 2,
     "registry URL 'postgresql+psycopg://u:***@host:port/x'"),
    (["registry", "stats", "--db", "nosuch://x"], 2, "registry URL"),
    (["registry", "import", "adir", "--db", "sqlite:///new.db"], 2,
     "adir: is a directory, not a CSV file"),
    (["registry", "import", "missing.csv", "--db", "sqlite:///new.db"], 2,
     "missing.csv: no such file"),
    (["registry", "import", "latin1.csv", "--db", "sqlite:///new.db"], 2,
     "latin1.csv: line 3: not UTF-8 text"),
    (["registry", "import", "reg.csv", "--db", "sqlite:///new.db", "--rejects",
      "/missing/dir/r.csv"], 2, "/missing/dir/r.csv: folder /missing/dir does not exist"),
    (["registry", "import", "reg.csv", "--db", "sqlite:///new.db", "--rejects", "reg.csv"],
     2, "reg.csv: the reject file cannot be the file being imported"),
    (["registry", "import", "reg.csv", "--db", "sqlite:///new.db", "--rejects", "adir"], 2,
     "adir: is a directory"),
    (["registry", "import", "reg.csv", "--db", "sqlite:///nodir/new.db"], 2,
     "folder nodir does not exist"),
    (["registry", "import", "reg.csv", "--db", "sqlite:///new.db", "--chunk-size", "0"], 2,
     "--chunk-size"),
    (["registry", "import", "reg.csv", "--db", "sqlite:///new.db", "--chunk-size", "-5"], 2,
     "--chunk-size"),
    (["registry", "synth", "adir"], 2, "adir: is a directory"),
    (["registry", "synth", "reg.csv/x.csv"], 2, "reg.csv/x.csv: reg.csv is not a folder"),
    (["registry", "synth", "out.csv", "--count", "0"], 2, "--count"),
    (["registry", "synth", "out.csv", "--count", "-3"], 2, "--count"),
    (["registry", "synth", "out.csv", "--count", "1000000000000"], 2,
     "less than or equal to 10000000"),
    (["registry", "synth", "out.csv", "--clones", "2"], 2, "--clones needs --truth"),
    (["registry", "synth", "out.csv", "--count", "5", "--clones", "9", "--truth", "t.json"],
     2, "cannot plant 9 clones in 5"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "code", "message"), CASES, ids=lambda v: str(v)[:60])
def test_bad_input_is_one_line_and_leaves_nothing(
    work: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    code: int,
    message: str,
) -> None:
    before = _files(work)
    start = time.perf_counter()
    got, _out, err = _run(monkeypatch, capsys, *args)
    _assert_one_line_error(got, err, code, message)
    assert time.perf_counter() - start < 15  # refused at once, not after the work
    assert _files(work) == before  # no database, temporary or output created


def test_the_cli_cap_is_the_library_cap() -> None:
    from twinflash.cli import registry as cli_registry

    assert cli_registry.MAX_SYNTH_COUNT == gen.MAX_COUNT


# --- rows that were crashes are rejects ------------------------------------------------


@pytest.fixture
def pg_url(postgres_url: str, pg_schema: str) -> str:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    return f"{postgres_url}?options=-csearch_path%3D{pg_schema}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'r.db'}"
    return request.getfixturevalue("pg_url")


def test_nul_and_huge_fields_are_rejects_on_both_backends(
    work: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    (work / "db").mkdir()
    rows = (work / "reg.csv").read_text(encoding="utf-8").splitlines()
    rows[5] = rows[5].replace(",", ",NUL\x00", 1)  # the make
    rows[9] = rows[9].replace(",", "," + "M" * 2_000_000, 1)  # a 2 MB make
    (work / "bad.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, out, err = _run(monkeypatch, capsys, "registry", "import", "bad.csv", "--db", db_url)
    assert code == 0, err
    assert "40 rows" in out and "38 new" in out and "2 rejected" in out
    with (work / "bad.rejects.csv").open(encoding="utf-8", newline="") as fh:
        reasons = [(r["row"], r["reason"]) for r in csv.DictReader(fh)]
    assert reasons == [
        ("6", "make: contains a NUL byte"),
        ("10", "make: longer than 80 characters"),
    ]
    assert _leftovers(work) == []


def test_lookup_and_stats_on_an_existing_database_still_answer(
    work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", "sqlite:///r.db"]
    assert _run(monkeypatch, capsys, "registry", "import", "reg.csv", *db)[0] == 0
    code, out, _ = _run(monkeypatch, capsys, "registry", "lookup", "ZZ-999-ZZ", *db)
    assert code == 1 and "not registered" in out  # a real "no": the database exists
    code, out, _ = _run(monkeypatch, capsys, "registry", "stats", *db)
    assert code == 0 and "vehicles: 40" in out


# --- a read-only folder ----------------------------------------------------------------


def _drop_file_privileges() -> Callable[[], None] | None:
    """For root: run the child without the capabilities that ignore file modes."""
    if os.geteuid() != 0:
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def drop() -> None:
        for cap in (1, 2, 3):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
            if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")

    return drop


@pytest.fixture
def read_only(work: Path) -> Iterator[tuple[Path, Callable[[], None] | None]]:
    ro = work / "ro"
    ro.mkdir()
    lines = (work / "reg.csv").read_text(encoding="utf-8").splitlines()
    (ro / "clean.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (ro / "bad.csv").write_text("\n".join([*lines, "AI-123-CD,RENAULT,CLIO,,,,,"]) + "\n",
                                encoding="utf-8")  # fmt: skip
    ro.chmod(0o555)
    drop = _drop_file_privileges()
    probe = subprocess.run([sys.executable, "-c", f"open({str(ro / 'x')!r}, 'w')"],
                           capture_output=True, preexec_fn=drop)  # fmt: skip
    try:
        if probe.returncode == 0:
            pytest.skip("cannot make a folder read-only for this user (capabilities?)")
        yield ro, drop
    finally:
        ro.chmod(0o755)


@pytest.mark.parametrize("name", ["clean.csv", "bad.csv"])
def test_import_from_a_read_only_folder_is_refused_before_any_work(
    work: Path, read_only: tuple[Path, Callable[[], None] | None], name: str
) -> None:
    _, drop = read_only
    before = _files(work)
    proc = _cli("registry", "import", f"ro/{name}", "--db", "sqlite:///r.db", cwd=work,
                preexec_fn=drop)  # fmt: skip
    stem = name.removesuffix(".csv")
    message = f"ro/{stem}.rejects.csv: cannot write the reject file there"
    _assert_one_line_error(proc.returncode, proc.stderr, 2, message)
    assert _files(work) == before  # no database: nothing was imported half-way
    # --rejects elsewhere: the same file imports
    proc = _cli("registry", "import", f"ro/{name}", "--db", "sqlite:///r.db", "--rejects",
                "r.csv", cwd=work, preexec_fn=drop)  # fmt: skip
    assert proc.returncode == 0 and "40 new" in proc.stdout, proc.stderr
    assert (work / "r.csv").exists() == (name == "bad.csv")


# --- kill -9 ---------------------------------------------------------------------------


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM registry_vehicles").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_a_killed_import_leaves_nothing_a_rerun_does_not_clean(tmp_path: Path) -> None:
    n = 40_000
    gen.write_files(tmp_path / "big.csv", count=n, seed=7)
    with (tmp_path / "big.csv").open("a", encoding="utf-8") as fh:
        fh.write("AI-123-CD,RENAULT,CLIO,,,,,\n")  # one reject: a reject file is written
    db = tmp_path / "r.db"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    args = ["registry", "import", "big.csv", "--db", f"sqlite:///{db}", "--chunk-size", "1000"]
    proc = _popen(*args, cwd=tmp_path, **quiet)
    try:
        deadline = time.monotonic() + 60
        while _count(db) == 0 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert proc.poll() is None, "the import ended before it could be killed"
        committed = _count(db)
        assert 0 < committed < n
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    left = _leftovers(tmp_path)
    temp = re.compile(r"\.big\.rejects\.csv\.tmp-\d+-[0-9a-f]{8}")
    assert any(temp.fullmatch(f) for f in left), left  # what kill -9 leaves
    (tmp_path / ".notes.tmp").write_text("a user's own hidden file", encoding="utf-8")

    rerun = _cli("registry", "import", "big.csv", "--db", f"sqlite:///{db}", cwd=tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    new, unchanged = _count_of("new", rerun.stdout), _count_of("unchanged", rerun.stdout)
    assert new + unchanged == n and unchanged >= committed
    assert _count(db) == n  # each row once
    assert _leftovers(tmp_path) == [".notes.tmp"]  # the temporary swept, the user's file kept
    assert (tmp_path / "big.rejects.csv").exists()


# --- two imports at once ---------------------------------------------------------------


def test_two_concurrent_imports_report_each_new_row_once(work: Path, db_url: str) -> None:
    (work / "db").mkdir()
    n = 3000
    gen.write_files(work / "same.csv", count=n, seed=3)
    assert _cli("registry", "init", "--db", db_url, cwd=work).returncode == 0
    args = ["registry", "import", "same.csv", "--db", db_url, "--chunk-size", "100"]
    piped = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    procs = [_popen(*args, "--rejects", f"r{k}.csv", cwd=work, **piped) for k in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e for _, e in outs]
    new = [_count_of("new", out) for out, _ in outs]
    assert sum(new) == n, [o for o, _ in outs]  # was n each
    for out, _ in outs:
        assert f"{n:,} rows" in out and "0 updated" in out


def _code(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    """The exit code of `twinflash registry ARGS` on an app holding the registry commands."""
    app = typer.Typer()
    app.add_typer(registry.app)
    monkeypatch.setattr(sys, "argv", ["twinflash", *args])
    return run_guarded(app)


def test_synth_import_lookup_stats(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'reg.db'}"
    csv_path, truth = tmp_path / "reg.csv", tmp_path / "truth.json"
    assert _code(monkeypatch, "registry", "synth", str(csv_path), "--count", "300",
                "--clones", "2", "--truth", str(truth), "--seed", "5") == 0  # fmt: skip
    assert "300 vehicles" in capsys.readouterr().out
    assert _code(monkeypatch, "registry", "import", str(csv_path), "--db", db) == 0
    out = capsys.readouterr().out
    assert "300 rows" in out and "300 new" in out and "0 rejected" in out
    assert _code(monkeypatch, "registry", "import", str(csv_path), "--db", db) == 0
    assert "300 unchanged" in capsys.readouterr().out

    clone = json.loads(truth.read_text(encoding="utf-8"))["clones"][0]
    typed = clone["plate"].replace("-", " ").lower()
    monkeypatch.setenv("TWINFLASH_REGISTRY_URL", db)  # the env var instead of --db
    assert _code(monkeypatch, "registry", "lookup", typed, "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["plate"] == clone["plate"]
    assert (doc["record"]["make"], doc["record"]["model"]) == (
        clone["registered_make"], clone["registered_model"])  # fmt: skip

    # a misread plate: not registered, but its registered readings are listed
    misread = clone["plate"].replace("-", "")
    misread = misread[:2] + misread[2:5].replace("1", "I").replace("0", "O") + misread[5:]
    if misread != clone["plate"].replace("-", ""):
        assert _code(monkeypatch, "registry", "lookup", misread) == 1
        assert f"registered reading {clone['plate']}" in capsys.readouterr().out

    assert _code(monkeypatch, "registry", "stats", "--json") == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["vehicles"] == 300 and sum(stats["by_status"].values()) == 300
    assert _code(monkeypatch, "registry", "stats") == 0
    assert "vehicles: 300" in capsys.readouterr().out


def test_lookup_unknown_and_malformed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'reg.db'}"
    assert _code(monkeypatch, "registry", "init", "--db", db) == 0
    assert "schema 0001" in capsys.readouterr().out
    assert _code(monkeypatch, "registry", "lookup", "AB-123-CD", "--db", db) == 1
    assert "AB-123-CD: not registered" in capsys.readouterr().out
    assert _code(monkeypatch, "registry", "lookup", "AB-I23-CD", "--db", db) == 1
    assert "not a French plate" in capsys.readouterr().out


def test_input_errors_are_one_line_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'reg.db'}"
    assert _code(monkeypatch, "registry", "import", str(tmp_path / "none.csv"), "--db", db) == 2
    assert "no such file" in capsys.readouterr().err
    assert _code(monkeypatch, "registry", "synth", str(tmp_path / "x.csv"), "--clones", "2") == 2
    assert "--truth" in capsys.readouterr().err
    assert _code(monkeypatch, "registry", "stats", "--db", "nosuch://x") == 2
    assert "registry URL" in capsys.readouterr().err
