"""A batch check job: each uploaded photo -> verdict, faces-blurred copy, plate crop and the
recogniser's view of the vehicle (real verdict) -> case.

Per-item failures are recorded on the case and the batch carries on. The uploaded original
is deleted once its case is stored: the service keeps only the blurred photo and the plate
crop (and only for the retention period).
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

import numpy as np

from twinflash.web import casestore, jobstore
from twinflash.web.checking import make_checker, vehicle_view
from twinflash.web.settings import Settings
from twinflash.web.standin import Expected
from twinflash.web.store import Store
from twinflash.web.uploads import UploadError, decode_image

log = logging.getLogger(__name__)
CROP_MARGIN = 0.15


@functools.cache
def detectors():  # -> twinflash.privacy.pipeline.Detectors
    """Face (and, for the public blur page, plate) models, loaded once per process and
    shared by the check jobs and the public page."""
    from twinflash.privacy.pipeline import BlurOptions, Detectors

    return Detectors(BlurOptions())


def blur_faces(rgb: np.ndarray) -> tuple[np.ndarray, int]:
    """The photo with every face blurred (plates kept: they are the evidence)."""
    from twinflash.privacy.blur import blur_regions

    found = detectors().detect(rgb, (1.0, 2.0), plates=False)
    return blur_regions(rgb, found), len(found)


def plate_crop(
    rgb: np.ndarray, xyxy: tuple[float, float, float, float] | None
) -> np.ndarray | None:
    if xyxy is None:
        return None
    h, w = rgb.shape[:2]
    x1, y1, x2, y2 = xyxy
    mx, my = (x2 - x1) * CROP_MARGIN, (y2 - y1) * CROP_MARGIN * 2
    a, b = max(0, int(x1 - mx)), max(0, int(y1 - my))
    c, d = min(w, int(x2 + mx + 1)), min(h, int(y2 + my + 1))
    return rgb[b:d, a:c].copy() if c - a >= 2 and d - b >= 2 else None


def _save(rgb: np.ndarray, path: Path) -> None:
    from twinflash.privacy.media import save_image  # metadata-free, atomic

    save_image(rgb, path)


def run_check(settings: Settings, store: Store, job_id: str) -> None:
    """Run a claimed check job to the end (idempotent per item: reruns skip stored cases)."""
    job = jobstore.get_job(store.engine, job_id)
    if job is None:
        return
    items: list[dict] = job.params["items"]
    expected = {
        it["plate"]: Expected(
            it.get("expected"),
            it.get("score"),
            tuple(it["plate_xyxy"]) if it.get("plate_xyxy") else None,
        )
        for it in items
        if it.get("plate")
    }
    checker = make_checker(expected, settings.database_url, settings.model_dir)
    failures = 0
    for n, item in enumerate(items):
        case_id = casestore.add_case(store.engine, job_id, n, item["filename"], item.get("plate"))
        case = casestore.get_case(store.engine, case_id)
        if case is not None and (case.status is not None or case.error is not None):
            continue  # done before a restart
        upload = settings.uploads_dir / item["upload"]
        try:
            if not upload.is_file():
                raise UploadError(f"{item['filename']}: upload is gone (deleted before checking)")
            rgb = decode_image(upload.read_bytes(), item["filename"], settings.limits.upload_pixels)
            verdict = checker.check(rgb, item.get("plate"))
            blurred, faces = blur_faces(rgb)
            photo = f"{job_id}/{n}.jpg"
            _save(blurred, settings.photos_dir / photo)
            crop = plate_crop(rgb, verdict.plate_xyxy)
            crop_name = vehicle_name = None
            if crop is not None:
                crop_name = f"{job_id}/{n}-plate.png"
                _save(crop, settings.photos_dir / crop_name)
            view = vehicle_view(checker, blurred, verdict.plate_xyxy)
            if view is not None:
                vehicle_name = f"{job_id}/{n}-vehicle.png"
                _save(view, settings.photos_dir / vehicle_name)
            casestore.set_result(
                store.engine,
                case_id,
                status=verdict.status,
                score=verdict.score,
                verdict=verdict.to_json(),
                photo=photo,
                crop=crop_name,
                vehicle=vehicle_name,
                faces_blurred=faces,
            )
        except UploadError as exc:
            failures += 1
            casestore.set_result(store.engine, case_id, error=str(exc))
        except Exception as exc:  # one bad photo must not stop the batch
            log.exception("check of %s failed", item["filename"])
            failures += 1
            casestore.set_result(store.engine, case_id, error=f"{type(exc).__name__}: {exc}")
        upload.unlink(missing_ok=True)
        jobstore.set_progress(store.engine, job_id, n + 1, f"checked {n + 1} of {len(items)}")
    note = f", {failures} failed" if failures else ""
    jobstore.finish(store.engine, job_id, True, f"{len(items)} photo(s) checked{note}")
