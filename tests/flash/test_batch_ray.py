"""check-batch with `--executor ray`: Ray actors check, the driver journals; kill -9 of the
driver mid-batch, rerun, and every row is there once, in manifest order."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from tests.flash.test_batch import calls, write_photos

from twinflash.errors import InputError
from twinflash.flash.batch import journal_path, run_batch

ROOT = Path(__file__).resolve().parents[2]


def _session(sid: int) -> list[int]:
    """Live processes of session `sid` (the driver and the Ray processes it started)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[3]) == sid and fields[0] != "Z":
                out.append(int(entry.name))
    return out


def _driver(manifest: Path, out: Path, log: Path, delay_s: float) -> subprocess.Popen:
    code = (
        "from tests.flash.batch_fakes import SlowChecker\n"
        "from twinflash.flash.batch import run_batch\n"
        f"run_batch({str(manifest)!r}, {str(out)!r}, SlowChecker({str(log)!r}, {delay_s}),"
        " workers=2, executor='ray')\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    return subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT,
                            start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_ray_batch_killed_then_rerun_loses_and_repeats_nothing(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    manifest = write_photos(tmp_path, 30)
    out, log = tmp_path / "out.parquet", tmp_path / "calls.txt"
    first = _driver(manifest, out, log, 0.2)
    try:
        deadline = time.monotonic() + 240
        while first.poll() is None and len(calls(log)) < 8 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    finally:
        time.sleep(1)
        for pid in _session(first.pid):  # Ray processes the killed driver left
            os.kill(pid, signal.SIGKILL)
    assert first.returncode == -signal.SIGKILL, "the batch ended before it could be killed"
    assert journal_path(out).exists() and not out.exists()
    workers = {int(line.split()[0]) for line in calls(log)}
    assert first.pid not in workers  # Ray's worker processes did the checks
    journaled = len(journal_path(out).read_text().splitlines()) - 1
    before = len(calls(log))

    second = _driver(manifest, out, log, 0.0)
    try:
        assert second.wait(timeout=240) == 0
    finally:
        for pid in _session(second.pid):
            os.kill(pid, signal.SIGKILL)
    table = pq.read_table(out).to_pylist()
    assert [r["row"] for r in table] == list(range(30))
    assert [r["plate_given"] for r in table] == [f"AB-{100 + i:03d}-CD" for i in range(30)]
    assert journaled >= 1 and len(calls(log)) - before == 30 - journaled  # only the rest
    assert not journal_path(out).exists()


def test_unknown_executor_and_stray_address_are_one_error(tmp_path: Path) -> None:
    from tests.flash.batch_fakes import SlowChecker

    manifest = write_photos(tmp_path, 2)
    with pytest.raises(InputError, match="unknown executor 'dask'; known: local, ray"):
        run_batch(manifest, tmp_path / "o.parquet", SlowChecker("c"), executor="dask")
    with pytest.raises(InputError, match="`address`: the local executor takes no"):
        run_batch(manifest, tmp_path / "o.parquet", SlowChecker("c"), address="1.2.3.4:6379")
