"""A check job: per photo a case, a blurred copy and a plate crop; bad photos fail alone."""

from __future__ import annotations

import numpy as np
from PIL import Image
from tests.web.conftest import png_bytes

from twinflash.web import casestore, jobstore
from twinflash.web.checks import plate_crop, run_check
from twinflash.web.settings import Settings
from twinflash.web.store import Store


def test_plate_crop_adds_a_margin_and_stays_in_the_image() -> None:
    rgb = np.arange(100 * 200 * 3, dtype=np.uint32).reshape(100, 200, 3).astype(np.uint8)
    crop = plate_crop(rgb, (100.0, 50.0, 140.0, 60.0))  # 40 x 10 px
    assert crop is not None and crop.shape == (10 + 2 * 3 + 1, 40 + 2 * 6 + 1, 3)
    edge = plate_crop(rgb, (190.0, 90.0, 230.0, 120.0))  # cut by the right and bottom edges
    assert edge is not None and edge.shape[:2] == (100 - (90 - 9), 200 - (190 - 6))
    assert plate_crop(rgb, None) is None
    assert plate_crop(rgb, (300.0, 300.0, 310.0, 305.0)) is None  # outside the photo


def test_each_photo_becomes_a_case_and_a_bad_one_fails_alone(
    settings: Settings, sqlite_store: Store
) -> None:
    (settings.uploads_dir / "good").write_bytes(png_bytes(160, 120))
    (settings.uploads_dir / "bad").write_bytes(b"not an image")
    items = [
        {"filename": "a.png", "upload": "good", "plate": "AB-123-CD",
         "expected": "suspected_clone", "score": 0.9, "plate_xyxy": [60, 80, 100, 90]},
        {"filename": "b.png", "upload": "bad", "plate": "EF-456-GH"},
        {"filename": "c.png", "upload": "gone", "plate": None},
    ]  # fmt: skip
    job_id = jobstore.create_job(sqlite_store.engine, "check", {"items": items}, "ann", 3)
    assert jobstore.claim(sqlite_store.engine, job_id)
    run_check(settings, sqlite_store, job_id)
    good, bad, gone = casestore.cases_of_job(sqlite_store.engine, job_id)
    assert (good.status, good.score) == ("suspected_clone", 0.9)
    assert good.photo and (settings.photos_dir / good.photo).is_file()
    assert good.crop and Image.open(settings.photos_dir / good.crop).size == (40 + 13, 10 + 7)
    assert bad.status is None and bad.error and "b.png: not a JPEG or PNG image" in bad.error
    assert gone.error == "c.png: upload is gone (deleted before checking)"
    assert list(settings.uploads_dir.iterdir()) == []  # originals are not kept
    job = jobstore.get_job(sqlite_store.engine, job_id)
    assert job is not None and job.message == "3 photo(s) checked, 2 failed"
