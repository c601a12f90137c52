"""The demo batch: photos with their plate where the box says, queued once."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from twinflash.web import jobstore
from twinflash.web.demo import DEMO_CASES, demo_photo, load_demo
from twinflash.web.queue import Queue
from twinflash.web.store import Store


def test_a_demo_photo_shows_a_white_plate_in_its_box() -> None:
    data, (x0, y0, x1, y1) = demo_photo("AB-123-CD", 1)
    img = np.asarray(Image.open(io.BytesIO(data)))
    assert data[:3] == b"\xff\xd8\xff" and 0 <= x0 < x1 <= img.shape[1] and y1 <= img.shape[0]
    plate = img[int(y0) + 2 : int(y1) - 2, int(x0) + 2 : int(x1) - 2]
    # a French plate: mostly white ground with dark characters
    assert (plate.mean(axis=-1) > 180).mean() > 0.4 and (plate.mean(axis=-1) < 80).any()


def test_the_demo_batch_is_queued_with_its_expectations(queue: Queue, sqlite_store: Store) -> None:
    job_id = load_demo(queue)
    assert job_id is not None
    job = jobstore.get_job(sqlite_store.engine, job_id)
    assert job is not None and job.owner == "demo" and job.total == len(DEMO_CASES)
    items = job.params["items"]
    assert [(i["plate"], i["expected"], i["score"]) for i in items] == DEMO_CASES
    assert all((queue.settings.uploads_dir / i["upload"]).is_file() for i in items)
