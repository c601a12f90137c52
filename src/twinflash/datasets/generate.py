"""Plan -> dataset directory: render what is missing, record failures, rebuild the exports.

Resumable and idempotent: rerunning the same command after a kill renders only the
samples whose directory is not complete (see `store`), and the dataset-level exports are
rebuilt from the sample directories at the end. A directory belongs to one plan: the
manifest keeps the plan's digest, and another plan (or other overrides) is refused.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from twinflash.datasets.executors import Executor, make_executor
from twinflash.datasets.plan import Plan, check_plan
from twinflash.datasets.sampler import sample_mapping
from twinflash.datasets.store import (
    MANIFEST_SCHEMA_VERSION,
    DatasetDir,
    check_output_location,
)
from twinflash.datasets.worker import Task
from twinflash.errors import InputError
from twinflash.files import atomic_write_text

log = logging.getLogger(__name__)


@dataclass
class Progress:
    """What a progress display needs after each finished sample."""

    total: int  # samples to render in this run
    done: int = 0
    failed: int = 0
    skipped: int = 0  # already complete before this run
    started_s: float = field(default_factory=time.perf_counter)
    last: dict[str, Any] | None = None


@dataclass
class GenerationReport:
    out_dir: Path
    count: int
    rendered: int
    skipped: int
    failures: list[dict[str, Any]]
    elapsed_s: float
    exports: dict[str, Any] = field(default_factory=dict)


def _check_manifest(store: DatasetDir, plan: Plan, source: str) -> None:
    manifest = store.read_manifest()
    if manifest is None:
        if store.samples.exists() and any(store.samples.iterdir()):
            raise InputError(
                f"{store.root}: holds samples but no manifest.json; use a new `out_dir`"
            )
        store.write_manifest(
            {
                "schema_version": MANIFEST_SCHEMA_VERSION,
                "plan_digest": plan.digest(),
                "plan_source": source,
                "created_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "plan": plan.model_dump(mode="json"),
            }
        )
        plan_yaml = yaml.safe_dump(plan.model_dump(mode="json"), sort_keys=False)
        atomic_write_text(store.root / "plan.yaml", plan_yaml)
        return
    if manifest.get("plan_digest") != plan.digest():
        raise InputError(
            f"{store.root}: was generated from another plan (or other `resolution_wh`/"
            f"`render_samples`/`count`); rerun with the same ones or use a new `out_dir`"
        )


def _tasks(
    plan: Plan,
    store: DatasetDir,
    pending: list[int],
    source: str,
    on_fail: Callable[[dict], None],
    render_threads: int | None = None,
) -> Iterator[Task]:
    """Sample lazily in the coordinator (cheap); a sampling error is a sample failure."""
    for i in pending:
        try:
            mapping = sample_mapping(plan, i, source)
        except (InputError, ValueError) as exc:
            on_fail({"index": i, "ok": False, "error": f"sampling: {exc}"})
            continue
        yield Task(
            index=i,
            mapping=mapping,
            out_dir=str(store.sample_dir(i, plan.count)),
            work_dir=str(store.scratch),
            source=source,
            render_threads=render_threads,
        )


def generate(
    plan: Plan,
    out_dir: str | Path,
    *,
    executor: str | Executor = "local",
    workers: int = 1,
    recycle_every: int = 20,
    address: str | None = None,
    threads_per_worker: int | None = None,
    source: str = "<plan>",
    on_progress: Callable[[Progress], None] | None = None,
    build_exports: bool = True,
) -> GenerationReport:
    """Render every missing sample of `plan` into `out_dir`, then rebuild the exports.

    `executor` is a name of `EXECUTORS` (built with workers/recycle_every/address/
    threads_per_worker) or an executor instance.
    """
    from twinflash.datasets.exports import build_all

    store = DatasetDir(out_dir)
    # everything that can be known wrong is refused before the directory is created
    check_plan(plan, source)
    check_output_location(store.root, "out_dir")
    runner = (
        make_executor(executor, workers, recycle_every, address, threads_per_worker)
        if isinstance(executor, str)
        else executor
    )
    t0 = time.perf_counter()
    with store.lock():
        _check_manifest(store, plan, source)
        store.sweep_temporaries()
        store.samples.mkdir(parents=True, exist_ok=True)
        pending = [i for i in range(plan.count) if not store.is_done(i, plan.count)]
        progress = Progress(total=len(pending), skipped=plan.count - len(pending))
        if on_progress:
            on_progress(progress)

        def record(result: dict[str, Any]) -> None:
            store.append_jsonl(store.journal, result)
            if result["ok"]:
                progress.done += 1
            else:
                progress.failed += 1
                store.append_jsonl(
                    store.failures, {"index": result["index"], "error": result["error"]}
                )
                log.warning("sample %s failed: %s", result["index"], result["error"])
            progress.last = result
            if on_progress:
                on_progress(progress)

        try:
            threads = getattr(runner, "threads_per_worker", None)
            for result in runner.run(_tasks(plan, store, pending, source, record, threads)):
                record(result)
        finally:
            shutil.rmtree(store.scratch, ignore_errors=True)
        exports = build_all(store, plan) if build_exports else {}
        failures = store.current_failures(plan.count)
    return GenerationReport(
        out_dir=store.root,
        count=plan.count,
        rendered=progress.done,
        skipped=progress.skipped,
        failures=failures,
        elapsed_s=time.perf_counter() - t0,
        exports=exports,
    )
