"""What one worker process does for one sample: parse, render, annotate, write.

Runs inside a worker process (local pool or Ray task), never in the coordinator: Blender
keeps global state, so a process renders one scene at a time and is recycled after K
scenes. A failure becomes a result with its error, never an exception, so the rest of
the dataset carries on.

A local worker dies with its coordinator (`die_with_parent`, the pool initializer): on
Linux the kernel sends it SIGKILL when the coordinator exits, even by `kill -9`, and as a
second guard the worker checks that its parent is still the coordinator before rendering
and again before writing a sample, and exits at once otherwise. Without both, a killed
coordinator's workers rendered on, wrote samples no journal recorded, then blocked forever
on the result pipe nobody read.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_stdout_silenced = False
_coordinator_pid: int | None = None  # set in local pool workers: the parent to outlive not
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(coordinator_pid: int) -> None:
    """Pool initializer: this process gets SIGKILL when `coordinator_pid` (its parent) dies.

    Linux only (`prctl(PR_SET_PDEATHSIG)`); elsewhere the `os.getppid()` checks of
    `run_task` remain. A parent that died before the call is caught by the same check.
    """
    global _coordinator_pid
    _coordinator_pid = coordinator_pid
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # no libc prctl: the getppid checks remain
            pass
    exit_if_orphaned()


def exit_if_orphaned() -> None:
    """Leave now, writing nothing, if the coordinator that started this worker is gone."""
    if _coordinator_pid is not None and os.getppid() != _coordinator_pid:
        os._exit(1)  # no cleanup: nothing of ours must run or be written any more


@dataclass(frozen=True)
class Task:
    """One sample to render: its index, its scene mapping and where it goes."""

    index: int
    mapping: dict[str, Any]
    out_dir: str  # the sample directory, written atomically
    work_dir: str  # scratch space for the renderer's temporary files
    source: str = "<plan>"
    render_threads: int | None = None  # Cycles threads; None = every core


def _silence_stdout() -> None:
    """Blender prints a line per saved file on the C-level stdout: keep it off the console."""
    global _stdout_silenced
    if _stdout_silenced:
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    _stdout_silenced = True


def _rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB (Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
        current = pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        current = float("nan")
    return current, peak


def run_task(task: Task) -> dict[str, Any]:
    """Render one sample; returns {index, ok, error, timings_s, cpu_s, pid, rss_mb, peak_rss_mb}."""
    _silence_stdout()
    t0, cpu0 = time.perf_counter(), time.process_time()
    result: dict[str, Any] = {"index": task.index, "ok": False, "error": None, "pid": os.getpid()}
    try:
        from twinflash.pipeline import render_to_dir
        from twinflash.scene.io import parse_scene

        exit_if_orphaned()
        scene = parse_scene(task.mapping, source=f"{task.source}: sample {task.index}")
        t1 = time.perf_counter()
        rendered = render_to_dir(
            scene,
            Path(task.out_dir),
            work_dir=Path(task.work_dir),
            threads=task.render_threads,
            before_write=exit_if_orphaned,  # a sample only lands while a coordinator journals it
        )
        result["render_threads"] = rendered.render_threads
        result["timings_s"] = {
            "parse": t1 - t0,
            **rendered.timings_s,
            "total": time.perf_counter() - t0,
        }
        result["ok"] = True
    except Exception as exc:  # one sample's failure must not stop the dataset
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" (at {last[0].filename}:{last[0].lineno})" if last else ""
        result["error"] = f"{type(exc).__name__}: {exc}{where}"
    result["cpu_s"] = time.process_time() - cpu0  # all threads of the worker (Cycles too)
    if hasattr(os, "sched_getaffinity"):
        result["cpus"] = sorted(os.sched_getaffinity(0))  # the cores this worker may use
    result["rss_mb"], result["peak_rss_mb"] = _rss_mb()
    return result
