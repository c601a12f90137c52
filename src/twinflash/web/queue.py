"""The job queue: Huey on a SQLite file by default, on Redis when a URL says so; same code.

Only job ids travel through the queue; the job rows (`jobstore`) hold parameters, progress
and state, so a restart of the server or the worker loses nothing: `resend_orphans` sends
again every job not finished, and `jobstore.claim` makes a duplicate delivery a no-op.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from twinflash.web import jobstore
from twinflash.web.settings import Settings
from twinflash.web.store import Store

log = logging.getLogger(__name__)
PURGE_EVERY_MIN = 15


@dataclass
class Queue:
    """The Huey instance and its one task, bound to a settings + store pair."""

    huey: Any  # huey.Huey
    task: Any  # the registered `run_job` task
    settings: Settings
    store: Store

    def send(self, job_id: str) -> None:
        self.task(job_id)

    def resend_orphans(self) -> list[str]:
        again = jobstore.orphaned(self.store.engine)
        for job_id in again:
            self.send(job_id)
        return again

    def consumer(self, threads: int = 1, inline: bool = False):  # -> huey.consumer.Consumer
        """A consumer; `inline` ones leave signals to the host process (uvicorn's)."""
        from huey.consumer import Consumer

        class InlineConsumer(Consumer):
            def _set_signal_handlers(self) -> None:
                """uvicorn owns SIGINT/SIGTERM in the web process."""

        cls = InlineConsumer if inline else Consumer
        return cls(
            self.huey,
            workers=threads,
            worker_type="thread",
            periodic=True,
            initial_delay=0.05,
            max_delay=0.5,
        )

    def drain(self, timeout_s: float = 60.0) -> int:
        """Run queued tasks in this thread until none is left (tests, `serve --once`)."""
        ran = 0
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            task = self.huey.dequeue()
            if task is None:
                return ran
            self.huey.execute(task)
            ran += 1
        return ran


def build_queue(settings: Settings, store: Store, name: str = "twinflash") -> Queue:
    """Huey from `settings.queue_url` (empty: SQLite file in the data folder)."""
    from huey import RedisHuey, SqliteHuey, crontab

    url = settings.queue_url
    if url.startswith(("redis://", "rediss://", "unix://")):
        huey = RedisHuey(name, url=url, results=False, utc=True)
    elif not url or url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///") or str(settings.data_dir / "queue.db")
        huey = SqliteHuey(name, filename=path, results=False, utc=True)
    else:
        from twinflash.errors import InputError

        raise InputError(f"`queue_url`: {url!r}: use redis://HOST:PORT/DB or sqlite:///FILE")

    def run_job(job_id: str) -> None:
        execute(settings, store, job_id)

    task = huey.task(name="run_job")(run_job)

    def purge() -> None:
        from twinflash.web.retention import purge_all

        purge_all(settings, store)

    huey.periodic_task(crontab(minute=f"*/{PURGE_EVERY_MIN}"), name="purge")(purge)
    return Queue(huey, task, settings, store)


def execute(settings: Settings, store: Store, job_id: str) -> None:
    """Claim and run one job; a failure marks the job failed with a one-line reason."""
    if not jobstore.claim(store.engine, job_id):
        return  # finished, running elsewhere, or unknown: a duplicate delivery
    job = jobstore.get_job(store.engine, job_id)
    try:
        if job is not None and job.kind == "check":
            from twinflash.web.checks import run_check

            run_check(settings, store, job_id)
        elif job is not None and job.kind == "render":
            from twinflash.web.renders import run_render

            run_render(settings, store, job_id)
        elif job is not None and job.kind == "video":
            from twinflash.web.videos import run_video

            run_video(settings, store, job_id)
    except Exception as exc:
        log.exception("job %s failed", job_id)
        jobstore.finish(store.engine, job_id, False, f"{type(exc).__name__}: {exc}")
