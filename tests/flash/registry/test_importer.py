"""The registry import on SQLite and PostgreSQL: idempotent, changed rows updated, every
bad row a reject with its reason and the import carrying on (a NUL byte, a 2 MB field), a
bad file or reject place refused before anything is written, honest counts when two
imports race, and a killed import's leftovers swept."""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from twinflash.errors import InputError
from twinflash.files import sweep_stale, temp_sibling
from twinflash.flash.registry import Registry, import_csv
from twinflash.flash.registry import synth as gen
from twinflash.flash.registry.importer import check_utf8

from .conftest import TODAY, hidden_files, snapshot, write_csv


def test_import_then_reimport_changes_nothing(registry: Registry, synth_csv, tmp_path) -> None:
    path, truth = synth_csv
    first = import_csv(registry, path, today=TODAY, rejects_path=tmp_path / "rej.csv")
    assert (first.rows, first.accepted, first.rejected) == (1500, 1500, 0)
    assert (first.inserted, first.updated, first.unchanged) == (1500, 0, 0)
    assert first.rejects_path is None and not (tmp_path / "rej.csv").exists()
    assert first.distinct_pairs < first.rows  # the normalisation cache did its job
    before = snapshot(registry)
    again = import_csv(registry, path, today=TODAY, rejects_path=tmp_path / "rej.csv")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1500)
    assert snapshot(registry) == before
    # the normalised make/model is the generator's truth
    for v in truth[::50]:
        rec = registry.lookup(v.plate)
        assert rec is not None
        assert (rec.make, rec.model, rec.make_raw, rec.model_raw) == (v.make, v.model, v.d1, v.d3)
        assert rec.first_registration == v.first_registration


def test_changed_rows_are_updated(registry: Registry, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [["AB-123-CD", "RENAULT", "CLIO", "", "", "VP", "CI",
                                        "2015-03-02"]])  # fmt: skip
    import_csv(registry, path, today=TODAY)
    write_csv(path, [["ab123cd", "PEUGEOT", "208", "", "", "VP", "CI", "2015-03-02"]])
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
    path = write_csv(tmp_path / "in.csv", rows)
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
    path = write_csv(tmp_path / "in.csv", rows[:1])
    assert import_csv(registry, path, today=TODAY).rejects_path is None
    assert not (tmp_path / "in.rejects.csv").exists()


def test_a_plate_repeated_in_a_file_keeps_the_last_row(registry: Registry, tmp_path) -> None:
    path = write_csv(tmp_path / "d.csv", [
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
    path = write_csv(tmp_path / "min.csv", [["C4 Picasso", "Citroën", "FK-475-QS", "x"]],
                  header=["model", "make", "plate", "extra"])  # fmt: skip
    report = import_csv(registry, path, today=TODAY)
    assert report.accepted == 1
    rec = registry.lookup("FK-475-QS")
    assert rec is not None
    assert (rec.make, rec.model, rec.first_registration, rec.genre) == (
        "Citroën", "C4 SpaceTourer", None, None)  # fmt: skip


def _row(i: int, make: str = "RENAULT", model: str = "CLIO") -> list[str]:
    return [gen.siv_from_index(i), make, model, "", "", "VP", "CI", "2015-03-02"]


def _rejects(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(proc.stdout)


def test_a_nul_byte_is_a_reject_on_both_backends(registry: Registry, tmp_path: Path) -> None:
    # PostgreSQL refused the whole chunk (a traceback, good rows lost); SQLite kept the NUL
    rows = [_row(1), _row(2, make="REN\x00AULT"), _row(3, model="CL\x00IO"), _row(4)]
    report = import_csv(registry, write_csv(tmp_path / "nul.csv", rows), today=TODAY)
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
    report = import_csv(sqlite_registry, write_csv(tmp_path / "big.csv", rows), today=TODAY)
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
        write_csv(path, [_row(1)])
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


@pytest.mark.parametrize("block_size", [7, 64, 1 << 20])
def test_a_file_not_utf8_is_refused_with_its_line_before_any_row(
    sqlite_registry: Registry, tmp_path: Path, block_size: int
) -> None:
    path = write_csv(tmp_path / "enc.csv", [_row(i, model="CITROËN C3") for i in range(1, 60)])
    lines = path.read_bytes().split(b"\n")
    lines[44] = lines[44].replace(b"CLIO", b"").replace(b"C3", b"C\xff3")  # line 45
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(InputError, match=r"enc.csv: line 45: not UTF-8 .*nothing imported"):
        check_utf8(path, block_size=block_size)
    with pytest.raises(InputError, match=r"line 45: not UTF-8"):
        import_csv(sqlite_registry, path, today=TODAY, chunk_size=5)
    assert sqlite_registry.count() == 0  # was: 40,000 of 45,001 rows committed
    assert not (tmp_path / "enc.rejects.csv").exists() and hidden_files(tmp_path) == []


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
    path = write_csv(tmp_path / "in.csv", [_row(1), ["AI-123-CD", "RENAULT", "CLIO", *[""] * 5]])
    with pytest.raises(InputError, match=message) as err:
        import_csv(sqlite_registry, path, rejects_path=tmp_path / rejects, today=TODAY)
    assert ".tmp" not in str(err.value) and "twinflash-" not in str(err.value)
    assert sqlite_registry.count() == 0
    assert path.read_text(encoding="utf-8").startswith("plate,")  # the input is intact
    assert hidden_files(tmp_path) == []


def test_a_directory_is_not_a_missing_file(sqlite_registry: Registry, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory, not a CSV file"):
        import_csv(sqlite_registry, tmp_path, today=TODAY)


def test_chunk_size_must_be_positive(sqlite_registry: Registry, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [_row(1)])
    with pytest.raises(InputError, match="chunk size must be >= 1"):
        import_csv(sqlite_registry, path, chunk_size=0)
    assert sqlite_registry.count() == 0


def test_an_import_sweeps_temporaries_of_dead_writers_only(
    sqlite_registry: Registry, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "in.csv", [_row(1)])
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


def test_two_concurrent_imports_count_each_new_row_once(registry: Registry, tmp_path: Path) -> None:
    n = 3000
    path = write_csv(tmp_path / "same.csv", [_row(i) for i in range(1, n + 1)])
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


def test_dead_pid_helper_is_dead() -> None:
    pid = _dead_pid()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
