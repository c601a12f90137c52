"""Executors: run sample tasks in worker processes and yield their results as they finish.

    EXECUTORS = {"local": LocalExecutor, "ray": RayExecutor}

Both run `worker.run_task` in separate processes, each rendering one scene at a time and
replaced after `recycle_every` scenes (Blender's memory grows across scenes). Tasks are
consumed lazily with a bounded number in flight, so a million-sample plan never sits in
memory. `ray` is imported only inside `RayExecutor.run`.

Each worker renders with `threads_per_worker` Cycles threads: one Cycles render already
uses every core it is given, so workers split the cores instead of all fighting for all
of them (default: this machine's cores / workers; on a Ray cluster, `CLUSTER_THREADS`, and
each task reserves that many of Ray's CPUs so a node never runs more renders than it has
cores for). Local workers are also pinned to their own cores when they fit (CPU affinity,
set before Blender loads): Blender's other thread pools (scene evaluation, denoiser, image
I/O) size themselves from the cores they see, and unpinned they spill onto the cores of the
other workers.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.sharedctypes import SynchronizedArray
from typing import Any, Protocol

from twinflash.datasets.worker import Task, die_with_parent, run_task
from twinflash.errors import InputError

log = logging.getLogger(__name__)

IN_FLIGHT_PER_WORKER = 2
SLOT_WAIT_S = 10.0  # how long a new local worker waits for its predecessor's cores
CLUSTER_THREADS = 4  # Cycles threads (and Ray CPUs) per task on a Ray cluster, by default


class Executor(Protocol):
    @property
    def threads_per_worker(self) -> int | None:
        """Cycles threads of each render; None: every core."""

    def run(self, tasks: Iterable[Task]) -> Iterator[dict[str, Any]]: ...


def usable_cores() -> int:
    """Cores this process may run on (CPU affinity: taskset, Slurm, containers)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def split_cores(workers: int) -> int:
    """The usable cores shared between `workers` renders (at least one each)."""
    return max(1, usable_cores() // workers)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pin_worker(owners: SynchronizedArray[int], threads: int) -> None:
    """Pool initializer: claim a free slot and keep this process on that slot's cores.

    `owners[i]` is the pid holding cores `[i*threads, (i+1)*threads)` of the usable set; a
    recycled or dead worker's slot is taken over. The pool may start a replacement while
    its predecessor is still exiting: wait for the slot up to `SLOT_WAIT_S`, then keep
    every core rather than take over the cores of a worker still running.
    """
    cores = sorted(os.sched_getaffinity(0))
    deadline = time.monotonic() + SLOT_WAIT_S
    while True:
        with owners.get_lock():
            free = [i for i, pid in enumerate(owners[:]) if pid == 0 or not _alive(pid)]
            if free:
                owners[free[0]] = os.getpid()
                break
        if time.monotonic() > deadline:
            return
        time.sleep(0.05)
    os.sched_setaffinity(0, cores[free[0] * threads : (free[0] + 1) * threads])


def _init_worker(coordinator_pid: int, owners: SynchronizedArray[int] | None, threads: int) -> None:
    """Pool initializer: die with the coordinator, then take cores of its own if pinned."""
    die_with_parent(coordinator_pid)
    if owners is not None:
        _pin_worker(owners, threads)


def _check(workers: int, recycle_every: int, threads_per_worker: int | None) -> None:
    for name, value in (
        ("workers", workers),
        ("recycle_every", recycle_every),
        ("threads_per_worker", threads_per_worker),
    ):
        if value is not None and value < 1:
            raise InputError(f"`{name}`: must be >= 1 (got {value})")


class LocalExecutor:
    """N spawned worker processes on this machine (`ProcessPoolExecutor`, spawn context)."""

    def __init__(
        self,
        workers: int = 1,
        recycle_every: int = 20,
        address: str | None = None,
        threads_per_worker: int | None = None,
    ):
        _check(workers, recycle_every, threads_per_worker)
        if address is not None:
            raise InputError(
                "`address`: the local executor takes no cluster address (use the ray executor)"
            )
        self.workers, self.recycle_every = workers, recycle_every
        self.threads_per_worker = threads_per_worker or split_cores(workers)

    @property
    def pinned(self) -> bool:
        """Whether each worker gets cores of its own (they fit, and the OS can pin)."""
        return (
            hasattr(os, "sched_setaffinity")
            and self.workers * self.threads_per_worker <= usable_cores()
        )

    def _pool(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("spawn")
        owners = context.Array("i", self.workers) if self.pinned else None  # pid per slot
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            max_tasks_per_child=self.recycle_every,
            initializer=_init_worker,
            initargs=(os.getpid(), owners, self.threads_per_worker),
        )

    def run(self, tasks: Iterable[Task]) -> Iterator[dict[str, Any]]:
        todo = iter(tasks)
        pool = self._pool()
        running: dict[Future[dict[str, Any]], Task] = {}
        try:
            while True:
                while len(running) < self.workers * IN_FLIGHT_PER_WORKER:
                    new = next(todo, None)
                    if new is None:
                        break
                    running[pool.submit(run_task, new)] = new
                if not running:
                    return
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                broken = False
                for fut in done:
                    task = running.pop(fut)
                    try:
                        yield fut.result()
                    except BrokenProcessPool:
                        broken = True
                        yield _died(task)
                if broken:  # a worker crashed (e.g. Blender segfault): fail in-flight, go on
                    for task in running.values():  # the keys are futures
                        yield _died(task)
                    running.clear()
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = self._pool()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _died(task: Task) -> dict[str, Any]:
    return {
        "index": task.index,
        "ok": False,
        "error": "worker process died while rendering (retried on the next run)",
    }


class RayExecutor:
    """The same tasks as Ray tasks: a local Ray instance, or a cluster at `address`.

    Each task reserves `threads_per_worker` CPUs and renders with that many threads;
    `max_calls=recycle_every` makes Ray replace a worker process after that many scenes.
    A local instance gets `workers x threads_per_worker` CPUs. Output paths must be on
    storage every node mounts at the same path (see docs/datasets.md).
    """

    def __init__(
        self,
        workers: int = 1,
        recycle_every: int = 20,
        address: str | None = None,
        threads_per_worker: int | None = None,
    ):
        _check(workers, recycle_every, threads_per_worker)
        self.workers, self.recycle_every, self.address = workers, recycle_every, address
        default = CLUSTER_THREADS if address else split_cores(workers)
        self.threads_per_worker = threads_per_worker or default

    def run(self, tasks: Iterable[Task]) -> Iterator[dict[str, Any]]:
        import ray

        started = not ray.is_initialized()
        if started:
            kwargs: dict[str, Any] = {
                "include_dashboard": False,
                "log_to_driver": False,
                "configure_logging": False,
            }
            if self.address:
                ray.init(address=self.address, **kwargs)
            else:
                ray.init(num_cpus=self.workers * self.threads_per_worker, **kwargs)
        largest = max((n["Resources"].get("CPU", 0) for n in ray.nodes() if n["Alive"]), default=0)
        if largest < self.threads_per_worker:  # Ray would wait forever for such a node
            if started:
                ray.shutdown()
            raise InputError(
                f"`threads_per_worker`: {self.threads_per_worker}, but the largest Ray node "
                f"has {largest:g} CPUs (lower it, or start Ray nodes with more CPUs)"
            )
        remote = ray.remote(
            num_cpus=self.threads_per_worker, max_calls=self.recycle_every, max_retries=0
        )(run_task)
        slots = int(ray.cluster_resources().get("CPU", 1)) // self.threads_per_worker
        window = max(self.workers, slots) * 2
        todo = iter(tasks)
        running: dict[Any, Task] = {}
        try:
            while True:
                while len(running) < window:
                    task = next(todo, None)
                    if task is None:
                        break
                    running[remote.remote(task)] = task
                if not running:
                    return
                done, _ = ray.wait(list(running), num_returns=1)
                task = running.pop(done[0])
                try:
                    yield ray.get(done[0])
                except ray.exceptions.RayError as exc:
                    yield {"index": task.index, "ok": False, "error": f"ray: {exc}".splitlines()[0]}
        finally:
            for ref in running:
                ray.cancel(ref, force=True)
            if started:
                ray.shutdown()


EXECUTORS: dict[str, Callable[..., Executor]] = {"local": LocalExecutor, "ray": RayExecutor}


def make_executor(
    executor: str,
    workers: int = 1,
    recycle_every: int = 20,
    address: str | None = None,
    threads_per_worker: int | None = None,
) -> Executor:
    """The executor called `executor`; the error for an unknown name lists the known ones."""
    if executor not in EXECUTORS:
        raise InputError(
            f"`executor`: unknown executor {executor!r}; known: {', '.join(EXECUTORS)}"
        )
    return EXECUTORS[executor](
        workers=workers,
        recycle_every=recycle_every,
        address=address,
        threads_per_worker=threads_per_worker,
    )
