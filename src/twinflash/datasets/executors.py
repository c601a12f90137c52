"""Executors: run sample tasks in worker processes and yield their results as they finish.

    EXECUTORS = {"local": LocalExecutor, "ray": RayExecutor}

Both run `worker.run_task` in separate processes, each rendering one scene at a time and
replaced after `recycle_every` scenes (Blender's memory grows across scenes). Tasks are
consumed lazily with a bounded number in flight, so a million-sample plan never sits in
memory. `ray` is imported only inside `RayExecutor.run`.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from twinflash.datasets.worker import Task, run_task

log = logging.getLogger(__name__)

IN_FLIGHT_PER_WORKER = 2


class Executor(Protocol):
    def run(self, tasks: Iterable[Task]) -> Iterator[dict[str, Any]]: ...


class LocalExecutor:
    """N spawned worker processes on this machine (`ProcessPoolExecutor`, spawn context)."""

    def __init__(self, workers: int = 1, recycle_every: int = 20, address: str | None = None):
        if workers < 1:
            raise ValueError(f"workers must be >= 1 (got {workers})")
        if recycle_every < 1:
            raise ValueError(f"recycle_every must be >= 1 (got {recycle_every})")
        if address is not None:
            raise ValueError("the local executor takes no cluster address (use --executor ray)")
        self.workers, self.recycle_every = workers, recycle_every

    def _pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            max_tasks_per_child=self.recycle_every,
        )

    def run(self, tasks: Iterable[Task]) -> Iterator[dict[str, Any]]:
        todo = iter(tasks)
        pool = self._pool()
        running: dict[Future[dict[str, Any]], Task] = {}
        try:
            while True:
                while len(running) < self.workers * IN_FLIGHT_PER_WORKER:
                    task = next(todo, None)
                    if task is None:
                        break
                    running[pool.submit(run_task, task)] = task
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
                    for task in running:
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

    Each task asks for one CPU; `max_calls=recycle_every` makes Ray replace a worker
    process after that many scenes. Output paths must be on storage every node mounts at
    the same path (see docs/datasets.md).
    """

    def __init__(self, workers: int = 1, recycle_every: int = 20, address: str | None = None):
        if workers < 1:
            raise ValueError(f"workers must be >= 1 (got {workers})")
        self.workers, self.recycle_every, self.address = workers, recycle_every, address

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
                ray.init(num_cpus=self.workers, **kwargs)
        remote = ray.remote(num_cpus=1, max_calls=self.recycle_every, max_retries=0)(run_task)
        window = max(self.workers, int(ray.cluster_resources().get("CPU", 1))) * 2
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
    name: str, workers: int = 1, recycle_every: int = 20, address: str | None = None
) -> Executor:
    """The executor called `name`; the error for an unknown name lists the known ones."""
    if name not in EXECUTORS:
        from twinflash.errors import InputError

        raise InputError(f"--executor: unknown executor {name!r}; known: {', '.join(EXECUTORS)}")
    return EXECUTORS[name](workers=workers, recycle_every=recycle_every, address=address)
