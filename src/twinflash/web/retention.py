"""What the service deletes, and when: agents' case photos after `retention_days`; public
renders after `public_retention_hours` (and beyond the newest `public_renders_kept`);
blurred videos `video_keep_minutes` after their job ended (or at their first download).

`purge_all` runs when the service starts, every 15 minutes in the worker (a Huey periodic
task), and on demand (`twinflash serve purge`). Files go first, then the rows, so a crash
in between leaves a retry, never a row pointing at nothing.
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass

from twinflash.web import casestore, jobstore
from twinflash.web.settings import Settings
from twinflash.web.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Purged:
    cases: int  # cases whose photo and crop were deleted
    renders: int
    videos: int


def purge_expired(settings: Settings, store: Store, now: float | None = None) -> int:
    """Delete the photo and plate crop of every case older than the retention; return how many."""
    cutoff = (now if now is not None else time.time()) - settings.retention_days * 86400
    done = 0
    for case in casestore.expired_photos(store.engine, cutoff):
        for name in (case.photo, case.crop, case.vehicle):
            if name:
                (settings.photos_dir / name).unlink(missing_ok=True)
        casestore.mark_photo_deleted(store.engine, case.id)
        done += 1
    if done:
        log.info("retention: deleted the photos of %d case(s)", done)
    return done


def purge_public(settings: Settings, store: Store, now: float | None = None) -> tuple[int, int]:
    """Delete expired public renders and blurred videos, files and rows; (renders, videos)."""
    now = now if now is not None else time.time()
    renders = jobstore.expired_public(
        store.engine,
        "render",
        now - settings.public_retention_hours * 3600,
        settings.public_renders_kept,
    )
    videos = jobstore.expired_public(store.engine, "video", now - settings.video_keep_minutes * 60)
    for folder, ids in ((settings.renders_dir, renders), (settings.videos_dir, videos)):
        for job_id in ids:
            shutil.rmtree(folder / job_id, ignore_errors=True)
    jobstore.delete_jobs(store.engine, renders + videos)
    if renders or videos:
        log.info("retention: deleted %d render(s) and %d video(s)", len(renders), len(videos))
    return len(renders), len(videos)


def purge_all(settings: Settings, store: Store, now: float | None = None) -> Purged:
    from twinflash.web.ratelimit import SqlStorage

    SqlStorage(store.engine).sweep()  # ended rate-limit windows
    cases = purge_expired(settings, store, now)
    return Purged(cases, *purge_public(settings, store, now))
