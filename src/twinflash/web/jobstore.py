"""Jobs as database rows: the source of truth for progress, restarts and queue positions.

The queue (Huey) only carries job ids. A job is claimed by one worker with an atomic
`queued -> running` update, so a message delivered twice (re-sent after a restart) runs the
job once; a job left `running` by a worker that died is put back to `queued` and re-sent.
"""

from __future__ import annotations

import json
import socket
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from twinflash.files import pid_alive
from twinflash.web.schema import PUBLIC_KINDS, jobs
from twinflash.web.settings import new_token


@dataclass(frozen=True)
class Job:
    id: str
    kind: str
    status: str
    progress: int
    total: int
    message: str
    params: dict[str, Any]
    owner: str | None
    attempts: int
    created_at: float
    finished_at: float | None

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "progress": self.progress,
            "total": self.total,
            "message": self.message,
        }


def _job(row: Any) -> Job:
    return Job(
        id=row.id,
        kind=row.kind,
        status=row.status,
        progress=row.progress,
        total=row.total,
        message=row.message,
        params=json.loads(row.params),
        owner=row.owner,
        attempts=row.attempts,
        created_at=row.created_at,
        finished_at=row.finished_at,
    )


def worker_name() -> str:
    import os

    return f"{socket.gethostname()}:{os.getpid()}"


def create_job(
    engine: Engine, kind: str, params: dict[str, Any], owner: str | None, total: int = 1
) -> str:
    job_id = new_token(18)
    with engine.begin() as conn:
        conn.execute(
            jobs.insert().values(
                id=job_id,
                kind=kind,
                status="queued",
                progress=0,
                total=total,
                message="waiting in the queue",
                params=json.dumps(params),
                owner=owner,
                attempts=0,
                created_at=time.time(),
            )
        )
    return job_id


def get_job(engine: Engine, job_id: str) -> Job | None:
    with engine.connect() as conn:
        row = conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).first()
    return _job(row) if row else None


def claim(engine: Engine, job_id: str) -> bool:
    """Atomically take a queued job; False if someone else has it or it is finished."""
    with engine.begin() as conn:
        res = conn.execute(
            jobs.update()
            .where(jobs.c.id == job_id, jobs.c.status == "queued")
            .values(
                status="running",
                claimed_by=worker_name(),
                attempts=jobs.c.attempts + 1,
                message="started",
            )
        )
    return res.rowcount == 1


def set_progress(engine: Engine, job_id: str, progress: int, message: str = "") -> None:
    with engine.begin() as conn:
        conn.execute(
            jobs.update().where(jobs.c.id == job_id).values(progress=progress, message=message)
        )


def finish(engine: Engine, job_id: str, ok: bool, message: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            jobs.update()
            .where(jobs.c.id == job_id)
            .values(
                status="done" if ok else "failed", message=message[:2000], finished_at=time.time()
            )
        )


def orphaned(engine: Engine) -> list[str]:
    """Jobs to (re)send after a restart: every queued one, and running ones whose worker
    process on this host is gone (put back to queued). Duplicates are harmless: `claim`."""
    host = socket.gethostname()
    again: list[str] = []
    with engine.begin() as conn:
        rows = conn.execute(
            sa.select(jobs.c.id, jobs.c.status, jobs.c.claimed_by)
            .where(jobs.c.status.in_(("queued", "running")))
            .order_by(jobs.c.created_at)
        ).all()
        for r in rows:
            if r.status == "running":
                name, _, pid = (r.claimed_by or "").rpartition(":")
                if name != host or not pid.isdigit() or pid_alive(int(pid)):
                    continue  # another host's worker, or still alive here
                conn.execute(
                    jobs.update()
                    .where(jobs.c.id == r.id, jobs.c.status == "running")
                    .values(status="queued", message="restarted after the worker stopped")
                )
            again.append(r.id)
    return again


def queue_position(engine: Engine, job: Job) -> int:
    """How many jobs are ahead of it (0: running or next): of its kind, and for a public job
    every public job (renders and videos share the worker). Agents' batches are not
    counted for the public: their number says nothing to a visitor that is theirs."""
    if job.status != "queued":
        return 0
    kinds = PUBLIC_KINDS if job.kind in PUBLIC_KINDS else (job.kind,)
    with engine.connect() as conn:
        return conn.execute(
            sa.select(sa.func.count()).where(
                jobs.c.kind.in_(kinds),
                jobs.c.status.in_(("queued", "running")),
                jobs.c.created_at < job.created_at,
            )
        ).scalar_one()


def count_waiting(engine: Engine, kind: str) -> int:
    with engine.connect() as conn:
        return conn.execute(
            sa.select(sa.func.count()).where(jobs.c.kind == kind, jobs.c.status == "queued")
        ).scalar_one()


def recent(engine: Engine, kind: str, limit: int, owner: str | None = None) -> list[Job]:
    """Newest first; finished renders for the gallery, or a user's own batches."""
    q = sa.select(jobs).where(jobs.c.kind == kind)
    if owner is not None:
        q = q.where(jobs.c.owner == owner)
    if kind == "render":
        q = q.where(jobs.c.status == "done")
    with engine.connect() as conn:
        rows = conn.execute(q.order_by(jobs.c.created_at.desc()).limit(limit)).all()
    return [_job(r) for r in rows]


def expired_public(engine: Engine, kind: str, before: float, keep: int | None = None) -> list[str]:
    """Finished public jobs of `kind` that ended before `before`, and, with `keep`, every
    finished one beyond the newest `keep` (the disk stays bounded whatever the traffic)."""
    done = jobs.c.status.in_(("done", "failed"))
    with engine.connect() as conn:
        old = conn.execute(
            sa.select(jobs.c.id).where(jobs.c.kind == kind, done, jobs.c.finished_at < before)
        ).scalars()
        ids = set(old)
        if keep is not None:
            q = sa.select(jobs.c.id).where(jobs.c.kind == kind, done)
            q = q.order_by(jobs.c.created_at.desc()).offset(keep)
            ids |= set(conn.execute(q).scalars())
    return sorted(ids)


def delete_jobs(engine: Engine, ids: list[str]) -> None:
    """Forget public jobs (never a check job: cases point at those)."""
    with engine.begin() as conn:
        conn.execute(jobs.delete().where(jobs.c.id.in_(ids), jobs.c.kind.in_(PUBLIC_KINDS)))
