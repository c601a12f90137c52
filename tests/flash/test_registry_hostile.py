"""Hostile input to the registry store and importer (issue #11): every bad row is a reject
on both backends, a bad file or place is refused before anything is written, counts stay
honest when two imports race, and a killed import's leftovers are swept."""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from twinflash.errors import InputError
from twinflash.files import sweep_stale, temp_sibling
from twinflash.flash.registry import Registry, import_csv
from twinflash.flash.registry import synth as gen
from twinflash.flash.registry.importer import check_utf8

HEADER = ["plate", "make", "model", "type", "cnit", "genre", "body", "first_registration"]
TODAY = dt.date(2026, 1, 1)


def _row(i: int, make: str = "RENAULT", model: str = "CLIO") -> list[str]:
    return [gen.siv_from_index(i), make, model, "", "", "VP", "CI", "2015-03-02"]


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([HEADER, *rows])
    return path


def _rejects(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(proc.stdout)


# --- bad rows are rejects, the import carries on --------------------------------------


def test_a_nul_byte_is_a_reject_on_both_backends(registry: Registry, tmp_path: Path) -> None:
    # PostgreSQL refused the whole chunk (a traceback, good rows lost); SQLite kept the NUL
    rows = [_row(1), _row(2, make="REN\x00AULT"), _row(3, model="CL\x00IO"), _row(4)]
    report = import_csv(registry, _write(tmp_path / "nul.csv", rows), today=TODAY)
    assert (report.accepted, report.rejected, report.inserted) == (2, 2, 2)
    assert registry.count() == 2
    rejected = _rejects(report.rejects_path)
    assert [(r["row"], r["reason"]) for r in rejected] == [
        ("3", "make: contains a NUL byte"), ("4", "model: contains a NUL byte")]  # fmt: skip
    assert registry.lookup(_row(4)[0]) is not None


def test_a_2_mb_field_is_a_reject_not_the_end_of_the_file(
    sqlite_registry: Registry, tmp_path: Path
) -> None:
    rows = [_row(1), _row(2, model="X" * 2_000_000), _row(3), ["A" * 50, "RENAULT", "CLIO",
            "", "", "", "", ""]]  # fmt: skip
    report = import_csv(sqlite_registry, _write(tmp_path / "big.csv", rows), today=TODAY)
    assert (report.rows, report.accepted, report.rejected) == (4, 2, 2)
    reasons = [r["reason"] for r in _rejects(report.rejects_path)]
    assert reasons == ["model: longer than 120 characters", "plate: longer than 32 characters"]


def test_a_field_beyond_the_csv_limit_is_a_reject_naming_its_lines(
    sqlite_registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a limit of 1,000 characters instead of 16 Mi keeps the test small
    monkeypatch.setattr("twinflash.flash.registry.importer.FIELD_LIMIT", 1000)
    old = csv.field_size_limit(1000)
    try:
        path = tmp_path / "q.csv"
        _write(path, [_row(1)])
        with path.open("a", encoding="utf-8", newline="") as fh:
            fh.write(f'{_row(2)[0]},RENAULT,"{"Y" * 2000}\n')  # over the limit
            fh.write(",".join(_row(3)) + "\n")
        report = import_csv(sqlite_registry, path, today=TODAY)
    finally:
        csv.field_size_limit(old)
    assert (report.rows, report.accepted, report.rejected) == (3, 2, 1)
    [reject] = _rejects(report.rejects_path)
    assert reject["row"] == "3" and "field larger than field limit" in reject["reason"]
    assert "line 3 skipped" in reject["reason"]


# --- files refused before anything is written ------------------------------------------


@pytest.mark.parametrize("block_size", [7, 64, 1 << 20])
def test_a_file_not_utf8_is_refused_with_its_line_before_any_row(
    sqlite_registry: Registry, tmp_path: Path, block_size: int
) -> None:
    path = _write(tmp_path / "enc.csv", [_row(i, model="CITROËN C3") for i in range(1, 60)])
    lines = path.read_bytes().split(b"\n")
    lines[44] = lines[44].replace(b"CLIO", b"").replace(b"C3", b"C\xff3")  # line 45
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(InputError, match=r"enc.csv: line 45: not UTF-8 .*nothing imported"):
        check_utf8(path, block_size=block_size)
    with pytest.raises(InputError, match=r"line 45: not UTF-8"):
        import_csv(sqlite_registry, path, today=TODAY, chunk_size=5)
    assert sqlite_registry.count() == 0  # was: 40,000 of 45,001 rows committed
    assert not (tmp_path / "enc.rejects.csv").exists() and _hidden(tmp_path) == []


def test_a_truncated_utf8_sequence_at_the_end_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"plate,make,model\nAB-123-CD,CITRO\xc3")
    with pytest.raises(InputError, match="line 2: not UTF-8"):
        check_utf8(path)


@pytest.mark.parametrize(
    ("rejects", "message"),
    [
        ("missing/r.csv", "missing/r.csv: folder"),
        ("in.csv", "cannot be the file being imported"),
        (".", "is a directory"),
    ],
)
def test_a_bad_reject_place_is_refused_before_the_database_is_touched(
    sqlite_registry: Registry, tmp_path: Path, rejects: str, message: str
) -> None:
    path = _write(tmp_path / "in.csv", [_row(1), ["AI-123-CD", "RENAULT", "CLIO", *[""] * 5]])
    with pytest.raises(InputError, match=message) as err:
        import_csv(sqlite_registry, path, rejects_path=tmp_path / rejects, today=TODAY)
    assert ".tmp" not in str(err.value) and "twinflash-" not in str(err.value)
    assert sqlite_registry.count() == 0
    assert path.read_text(encoding="utf-8").startswith("plate,")  # the input is intact
    assert _hidden(tmp_path) == []


def test_a_directory_is_not_a_missing_file(sqlite_registry: Registry, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory, not a CSV file"):
        import_csv(sqlite_registry, tmp_path, today=TODAY)


def test_chunk_size_must_be_positive(sqlite_registry: Registry, tmp_path: Path) -> None:
    path = _write(tmp_path / "c.csv", [_row(1)])
    with pytest.raises(InputError, match="chunk size must be >= 1"):
        import_csv(sqlite_registry, path, chunk_size=0)
    assert sqlite_registry.count() == 0


# --- leftovers of killed runs ----------------------------------------------------------


def test_an_import_sweeps_temporaries_of_dead_writers_only(
    sqlite_registry: Registry, tmp_path: Path
) -> None:
    path = _write(tmp_path / "in.csv", [_row(1)])
    target = tmp_path / "in.rejects.csv"
    dead = temp_sibling(target, pid=_dead_pid())
    other_dead = temp_sibling(tmp_path / "old.rejects.csv", pid=_dead_pid())
    live = temp_sibling(target)  # this process: alive
    users = [tmp_path / ".rejects-notes", tmp_path / ".in.rejects.csv.tmp-x-0000aaaa",
             tmp_path / "in.rejects.csv.tmp-1-0000aaaa"]  # fmt: skip
    for p in [dead, other_dead, live, *users]:
        p.write_text("x", encoding="utf-8")
    import_csv(sqlite_registry, path, today=TODAY)
    assert not dead.exists() and not other_dead.exists()
    assert live.exists() and all(p.exists() for p in users)


def test_sweep_ignores_a_missing_folder(tmp_path: Path) -> None:
    assert sweep_stale(tmp_path / "nope") == []


# --- honest counts under concurrency ---------------------------------------------------


def test_two_concurrent_imports_count_each_new_row_once(registry: Registry, tmp_path: Path) -> None:
    n = 3000
    path = _write(tmp_path / "same.csv", [_row(i) for i in range(1, n + 1)])
    barrier = threading.Barrier(2)
    reports, errors = [], []

    def run(k: int) -> None:
        try:
            barrier.wait()
            reports.append(import_csv(registry, path, chunk_size=100, today=TODAY,
                                      rejects_path=tmp_path / f"r{k}.csv"))  # fmt: skip
        except BaseException as exc:  # pragma: no cover - shown by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert registry.count() == n
    assert sum(r.inserted for r in reports) == n  # was 2n: each counted all rows as new
    for r in reports:
        assert r.inserted + r.updated + r.unchanged == r.accepted == n
        assert r.updated == 0


# --- opening a store -------------------------------------------------------------------


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


# --- synth -----------------------------------------------------------------------------


def test_synth_refuses_counts_out_of_range_before_any_work(tmp_path: Path) -> None:
    for count in (0, -5, gen.MAX_COUNT + 1):
        with pytest.raises(InputError, match=r"`count` must be in 1\.\.10,000,000"):
            gen.write_files(tmp_path / "r.csv", count=count)
    with pytest.raises(ValueError, match="count must be in"):
        next(gen.generate(gen.MAX_COUNT + 1))
    assert list(tmp_path.iterdir()) == []


def test_synth_checks_both_destinations_before_generating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("generation started before the destinations were checked")

    monkeypatch.setattr(gen, "generate", boom)
    (tmp_path / "adir").mkdir()
    with pytest.raises(InputError, match="adir: is a directory"):
        gen.write_files(tmp_path / "adir", count=5)
    with pytest.raises(InputError, match=r"t\.json: is a directory"):
        (tmp_path / "t.json").mkdir()
        gen.write_files(tmp_path / "r.csv", count=5, clones=1, truth=tmp_path / "t.json")
    with pytest.raises(InputError, match="cannot plant 6 clones in 5"):
        gen.write_files(tmp_path / "r.csv", count=5, clones=6, truth=tmp_path / "x.json")
    with pytest.raises(InputError, match="cannot be the registry CSV"):
        gen.write_files(tmp_path / "r.csv", count=5, clones=1, truth=tmp_path / "r.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adir", "t.json"]


def test_synth_streams_the_same_file_as_before(tmp_path: Path) -> None:
    gen.write_registry_csv(tmp_path / "list.csv", list(gen.generate(500, seed=4)))
    assert gen.write_files(tmp_path / "stream.csv", count=500, seed=4) == (500, 0)
    assert (tmp_path / "stream.csv").read_bytes() == (tmp_path / "list.csv").read_bytes()
    assert gen.write_files(tmp_path / "c.csv", count=500, seed=4, clones=3,
                           truth=tmp_path / "t.csv") == (500, 3)  # fmt: skip
    assert (tmp_path / "c.csv").read_bytes() == (tmp_path / "list.csv").read_bytes()
    assert _hidden(tmp_path) == []


def test_dead_pid_helper_is_dead() -> None:
    pid = _dead_pid()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
