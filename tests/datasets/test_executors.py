"""Executors: cores split between local workers, core slots claimed and taken over, the
CPUs a Ray task reserves, the tasks in flight when a worker crashes."""

from __future__ import annotations

import os
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

import pytest

from twinflash.datasets.worker import Task


def test_workers_split_the_cores_and_ray_tasks_reserve_their_threads(monkeypatch) -> None:
    """One Cycles render uses every core it is given: local workers share the machine's
    cores; a Ray task reserves as many CPUs as it renders with (4 on a cluster)."""
    from twinflash.datasets import executors
    from twinflash.datasets.executors import make_executor

    monkeypatch.setattr(executors, "usable_cores", lambda: 16)
    assert make_executor("local", workers=1).threads_per_worker == 16
    assert make_executor("local", workers=4).threads_per_worker == 4
    assert make_executor("local", workers=32).threads_per_worker == 1
    assert make_executor("local", workers=2, threads_per_worker=3).threads_per_worker == 3
    assert make_executor("ray", workers=2).threads_per_worker == 8
    assert make_executor("ray", workers=2, address="auto").threads_per_worker == 4


def test_local_workers_claim_free_core_slots_and_take_over_dead_ones(monkeypatch) -> None:
    """Each local worker keeps to its own cores; a recycled worker's successor takes its
    slot, waiting for it to exit; with no slot freed in time a worker keeps every core."""
    import multiprocessing
    import subprocess
    import threading

    from twinflash.datasets import executors

    dead = subprocess.Popen(["true"])
    dead.wait()  # a reaped child: its pid is free
    pinned: list[list[int]] = []
    monkeypatch.setattr(executors.os, "sched_getaffinity", lambda _: {4, 5, 6, 7, 8, 9})
    monkeypatch.setattr(executors.os, "sched_setaffinity", lambda _, cores: pinned.append(cores))
    owners = multiprocessing.get_context("spawn").Array("i", [os.getpid(), dead.pid, 0])
    executors._pin_worker(owners, 2)
    assert pinned == [[6, 7]] and owners[1] == os.getpid()  # the dead worker's slot
    executors._pin_worker(owners, 2)
    assert pinned[-1] == [8, 9] and owners[2] == os.getpid()
    monkeypatch.setattr(executors, "SLOT_WAIT_S", 0.2)
    executors._pin_worker(owners, 2)  # every slot held by a live process, for too long
    assert len(pinned) == 2
    monkeypatch.setattr(executors, "SLOT_WAIT_S", 5.0)
    exiting = threading.Timer(0.3, owners.__setitem__, (0, dead.pid))
    exiting.start()  # a predecessor exits while its successor waits: the successor's cores
    executors._pin_worker(owners, 2)
    assert pinned[-1] == [4, 5]
    monkeypatch.setattr(executors, "usable_cores", lambda: 6)
    assert executors.LocalExecutor(workers=3, threads_per_worker=2).pinned
    assert not executors.LocalExecutor(workers=4, threads_per_worker=2).pinned  # oversubscribed


def test_ray_refuses_more_threads_per_task_than_any_node_has() -> None:
    """Ray would otherwise queue the tasks forever, waiting for a node big enough."""
    ray = pytest.importorskip("ray")
    from twinflash.datasets.executors import RayExecutor
    from twinflash.errors import InputError

    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        with pytest.raises(InputError, match="2, but the largest Ray node has 1 CPUs"):
            list(RayExecutor(workers=1, threads_per_worker=2).run(iter([])))
    finally:
        ray.shutdown()


class _Pool:
    """A process pool whose first task breaks it (a worker segfaults), the others pending."""

    def __init__(self, breaks: bool) -> None:
        self.breaks = breaks

    def submit(self, fn: object, task: Task) -> Future:
        done: Future = Future()
        if not self.breaks:
            done.set_result({"index": task.index, "ok": True, "error": None})
        elif task.index == 0:
            done.set_exception(BrokenProcessPool("a worker died"))
        return done  # else pending, as a render still running when the pool broke

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


def test_a_crashed_worker_fails_the_tasks_in_flight_and_the_rest_carry_on(monkeypatch) -> None:
    from twinflash.datasets.executors import LocalExecutor

    pools = iter([_Pool(breaks=True), _Pool(breaks=False)])
    executor = LocalExecutor(workers=1)
    monkeypatch.setattr(executor, "_pool", lambda: next(pools))
    tasks = [Task(index=i, mapping={}, out_dir=f"s{i}", work_dir="w") for i in range(4)]
    results = {r["index"]: r for r in executor.run(tasks)}
    assert sorted(results) == [0, 1, 2, 3]
    assert [results[i]["ok"] for i in range(4)] == [False, False, True, True]  # 0 and 1 in flight
    assert "worker process died" in results[1]["error"]
