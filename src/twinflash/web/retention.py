"""Deleting photos after the retention period: files first, then the case row is marked
(and the audit log says so), so a crash in between leaves a retry, never a dangling claim."""

from __future__ import annotations

import logging
import time

from twinflash.web import casestore
from twinflash.web.settings import Settings
from twinflash.web.store import Store

log = logging.getLogger(__name__)


def purge_expired(settings: Settings, store: Store, now: float | None = None) -> int:
    """Delete the photo and plate crop of every case older than the retention; return how many."""
    cutoff = (now if now is not None else time.time()) - settings.retention_days * 86400
    done = 0
    for case in casestore.expired_photos(store.engine, cutoff):
        for name in (case.photo, case.crop):
            if name:
                (settings.photos_dir / name).unlink(missing_ok=True)
        casestore.mark_photo_deleted(store.engine, case.id)
        done += 1
    if done:
        log.info("retention: deleted the photos of %d case(s)", done)
    return done
