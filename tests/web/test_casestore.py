"""Cases on SQLite and PostgreSQL: the review order, decisions with their audit entry, an
audit log the database refuses to rewrite, the CSV export, idempotent cases."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from tests.web.conftest import checked_case

from twinflash.errors import InputError
from twinflash.web import casestore, jobstore
from twinflash.web.schema import audit
from twinflash.web.store import Store


def test_queue_order_decision_audit_and_csv(store: Store) -> None:
    low = checked_case(store, 0, 0.61)
    high = checked_case(store, 1, 0.97)
    checked_case(store, 2, 0.99, status="consistent")  # not a suspected clone: not queued
    assert [c.id for c in casestore.review_queue(store.engine)] == [high, low]
    casestore.decide(store.engine, high, "rey", "confirmed", "=HYPERLINK(evil)")
    with pytest.raises(InputError, match="already decided"):
        casestore.decide(store.engine, high, "ann", "dismissed", "")
    with pytest.raises(InputError, match="unknown"):
        casestore.decide(store.engine, low, "ann", "maybe", "")
    assert [c.id for c in casestore.review_queue(store.engine)] == [low]
    (entry,) = casestore.audit_entries(store.engine, case_id=high)
    assert (entry.username, entry.action) == ("rey", "decision:confirmed")
    rows = list(csv.DictReader(io.StringIO(casestore.decisions_csv(store.engine))))
    assert [(r["case_id"], r["decision"], r["decided_by"]) for r in rows] == [
        (str(high), "confirmed", "rey")
    ]
    assert rows[0]["comment"] == "'=HYPERLINK(evil)"  # no formula reaches a spreadsheet


def test_audit_log_is_append_only_in_the_database(store: Store) -> None:
    casestore.log(store.engine, "ann", "view_photo", 1)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(audit.update().values(username="mallory"))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(audit.delete())
    assert [e.username for e in casestore.audit_entries(store.engine)] == ["ann"]


def test_add_case_is_idempotent(store: Store) -> None:
    job_id = jobstore.create_job(store.engine, "check", {}, "ann")
    first = casestore.add_case(store.engine, job_id, 0, "a.jpg", None)
    assert casestore.add_case(store.engine, job_id, 0, "a.jpg", None) == first
