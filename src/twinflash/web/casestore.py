"""Cases (one checked photo each), the reviewers' decisions and the append-only audit log.

A decision and its audit entry are written in one transaction: there is no decision the
log does not know. The log table itself refuses UPDATE and DELETE (database triggers).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from twinflash.errors import InputError
from twinflash.web.schema import DECISIONS, audit, cases

CSV_COLUMNS = (
    "case_id",
    "filename",
    "plate",
    "verdict",
    "score",
    "decision",
    "decided_by",
    "decided_at_utc",
    "comment",
)


@dataclass(frozen=True)
class Case:
    id: int
    job_id: str
    item: int
    filename: str
    plate: str | None
    status: str | None
    score: float | None
    verdict: dict[str, Any] | None
    error: str | None
    photo: str | None
    crop: str | None
    faces_blurred: int
    created_at: float
    photo_deleted_at: float | None
    decision: str | None
    decided_by: str | None
    decided_at: float | None
    comment: str | None
    vehicle: str | None = None  # the recogniser's crop (real verdict only)


def _case(row: Any) -> Case:
    values = dict(row._mapping)
    values["verdict"] = json.loads(values["verdict"]) if values["verdict"] else None
    return Case(**values)


def iso(ts: float | None) -> str:
    """UTC ISO-8601 to the second, as pages and exports show times."""
    if ts is None:
        return ""
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def add_case(engine: Engine, job_id: str, item: int, filename: str, plate: str | None) -> int:
    """Insert the case of batch item `item` (or return the existing one: reruns are no-ops)."""
    with engine.begin() as conn:
        found = conn.execute(
            sa.select(cases.c.id).where(cases.c.job_id == job_id, cases.c.item == item)
        ).first()
        if found:
            return int(found.id)
        return int(
            conn.execute(
                cases.insert()
                .values(
                    job_id=job_id,
                    item=item,
                    filename=filename[:255],
                    plate=plate,
                    faces_blurred=0,
                    created_at=time.time(),
                )
                .returning(cases.c.id)
            ).scalar_one()
        )


def set_result(engine: Engine, case_id: int, **values: Any) -> None:
    """Store a check's outcome: status, score, verdict (dict), photo, crop, vehicle,
    faces_blurred, error."""
    if isinstance(values.get("verdict"), dict):
        values["verdict"] = json.dumps(values["verdict"])
    with engine.begin() as conn:
        conn.execute(cases.update().where(cases.c.id == case_id).values(**values))


def get_case(engine: Engine, case_id: int) -> Case | None:
    with engine.connect() as conn:
        row = conn.execute(sa.select(cases).where(cases.c.id == case_id)).first()
    return _case(row) if row else None


def cases_of_job(engine: Engine, job_id: str) -> list[Case]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(cases).where(cases.c.job_id == job_id).order_by(cases.c.item))
        return [_case(r) for r in rows]


def review_queue(engine: Engine, limit: int = 200) -> list[Case]:
    """Undecided suspected clones, most confident first (ties: oldest first)."""
    q = (
        sa.select(cases)
        .where(cases.c.status == "suspected_clone", cases.c.decision.is_(None))
        .order_by(cases.c.score.desc(), cases.c.id)
        .limit(limit)
    )
    with engine.connect() as conn:
        return [_case(r) for r in conn.execute(q)]


def log(
    conn_or_engine: Connection | Engine,
    username: str,
    action: str,
    case_id: int | None = None,
    detail: str = "",
) -> None:
    """Append one entry (who, when, what)."""
    stmt = audit.insert().values(
        at=time.time(), username=username, action=action, case_id=case_id, detail=detail
    )
    if isinstance(conn_or_engine, Engine):
        with conn_or_engine.begin() as conn:
            conn.execute(stmt)
    else:
        conn_or_engine.execute(stmt)


def decide(engine: Engine, case_id: int, username: str, decision: str, comment: str) -> Case:
    """Record a reviewer's decision and its audit entry together. A case is decided once:
    a second decision is refused (the first stands in the log and the export)."""
    if decision not in DECISIONS:
        raise InputError(f"decision: {decision!r} unknown; choose {', '.join(DECISIONS)}")
    with engine.begin() as conn:
        res = conn.execute(
            cases.update()
            .where(cases.c.id == case_id, cases.c.decision.is_(None), cases.c.status.is_not(None))
            .values(decision=decision, decided_by=username, decided_at=time.time(), comment=comment)
        )
        if res.rowcount != 1:
            raise InputError(f"case {case_id}: already decided or not checked yet")
        log(conn, username, f"decision:{decision}", case_id, comment)
    found = get_case(engine, case_id)
    assert found is not None  # just updated in the same database
    return found


def audit_entries(engine: Engine, limit: int = 500, case_id: int | None = None) -> list[Any]:
    q = sa.select(audit).order_by(audit.c.id.desc()).limit(limit)
    if case_id is not None:
        q = q.where(audit.c.case_id == case_id)
    with engine.connect() as conn:
        return list(conn.execute(q))


def entry_json(entry: Any) -> dict[str, Any]:
    return {
        "at": iso(entry.at),
        "username": entry.username,
        "action": entry.action,
        "case_id": entry.case_id,
        "detail": entry.detail,
    }


def decisions_csv(engine: Engine) -> str:
    """Every decided case, oldest decision first, as CSV (UTF-8, RFC 4180 quoting)."""
    q = sa.select(cases).where(cases.c.decision.is_not(None)).order_by(cases.c.decided_at)
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(CSV_COLUMNS)
    with engine.connect() as conn:
        for r in conn.execute(q):
            out.writerow(
                [
                    r.id,
                    _csv_safe(r.filename),
                    r.plate or "",
                    r.status or "",
                    f"{r.score:.4f}" if r.score is not None else "",
                    r.decision,
                    r.decided_by,
                    iso(r.decided_at),
                    _csv_safe(r.comment or ""),
                ]
            )
    return buf.getvalue()


def _csv_safe(text: str) -> str:
    """Defuse spreadsheet formulas in user text (CSV injection): prefix with a quote."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def expired_photos(engine: Engine, cutoff: float) -> list[Case]:
    """Cases created before `cutoff` whose photo files are still kept."""
    q = sa.select(cases).where(cases.c.created_at < cutoff, cases.c.photo_deleted_at.is_(None))
    with engine.connect() as conn:
        return [_case(r) for r in conn.execute(q)]


def mark_photo_deleted(engine: Engine, case_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            cases.update()
            .where(cases.c.id == case_id)
            .values(photo_deleted_at=time.time(), photo=None, crop=None, vehicle=None)
        )
        log(conn, "system", "retention_delete", case_id, "photo and crops deleted")
