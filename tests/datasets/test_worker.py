"""Local workers die with their coordinator, without Blender (issue #11): the pool
initializer asks Linux for SIGKILL on the parent's death, and a worker whose parent is no
longer the coordinator exits before rendering or writing anything."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl: Linux")

POOL = """
import concurrent.futures, multiprocessing, os, sys, time
from twinflash.datasets.executors import _init_worker

if __name__ == "__main__":
    pool = concurrent.futures.ProcessPoolExecutor(
        1, mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker, initargs=(os.getpid(), None, 1))
    pid = pool.submit(os.getpid).result()
    pool.submit(time.sleep, 120)  # a long "render"
    print(pid, flush=True)
    time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie is dead, only not yet reaped


@linux_only
def test_a_pool_worker_dies_when_its_coordinator_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "pool.py"
    script.write_text(POOL)
    proc = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    worker = 0
    try:
        assert proc.stdout is not None
        worker = int(proc.stdout.readline())
        assert _alive(worker)
        os.kill(proc.pid, signal.SIGKILL)  # the coordinator only, not its group
        proc.wait()
        deadline = time.monotonic() + 20
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(worker), "the worker outlived its coordinator by 20 s"
    finally:
        if worker and _alive(worker):
            os.kill(worker, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()


def test_an_orphaned_worker_exits_before_writing_a_sample(tmp_path: Path) -> None:
    """`run_task` in a process whose parent is not the recorded coordinator: exit 1 at
    once, no sample directory, no result (the check behind the kernel's SIGKILL)."""
    out = tmp_path / "samples" / "000000"
    code = (
        "import json, sys\n"
        "from twinflash.datasets import worker\n"
        "worker._coordinator_pid = -1  # not our parent: the coordinator is gone\n"
        "task = worker.Task(0, json.loads(sys.argv[1]), sys.argv[2], sys.argv[3])\n"
        "print('RESULT', worker.run_task(task), file=sys.stderr)  # run_task silences stdout\n"
    )
    mapping = {"name": "x", "camera": {"resolution_wh": [32, 32]}}
    args = [json.dumps(mapping), str(out), str(tmp_path / "scratch")]
    res = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )
    assert res.returncode == 1 and res.stderr == "", res.stderr  # no result, no traceback
    assert not out.exists() and not (tmp_path / "scratch").exists()


def test_a_worker_started_after_its_coordinator_died_exits_at_once() -> None:
    code = (
        "from twinflash.datasets.worker import die_with_parent\ndie_with_parent(-1)\nprint('ALIVE')"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 1 and res.stderr == "" and "ALIVE" not in res.stdout, res.stderr
