"""Demo data for `twinflash serve --demo`: a batch of photos with planted plates, checked
like any upload, so the review queue has cases to open on a fresh install.

The photos are scikit-image's astronaut portrait (a real face for the blurring to find;
public domain, NASA) when scikit-image is installed, else a plain gradient, with an SIV
plate drawn by `twinflash.privacy.synthetic`. The stand-in verdict is told what to answer.
"""

from __future__ import annotations

import io

import numpy as np

from twinflash.web import jobstore
from twinflash.web.queue import Queue
from twinflash.web.schema import cases
from twinflash.web.settings import new_token

DEMO_CASES = [  # plate, expected status, clone score
    ("GH-417-KT", "suspected_clone", 0.94),
    ("AB-123-CD", "suspected_clone", 0.81),
    ("EF-562-ZR", "suspected_clone", 0.67),
    ("KL-908-PM", "consistent", 0.05),
    ("BX-311-QA", "inconclusive", 0.42),
]


def _background(k: int) -> np.ndarray:
    try:
        from skimage import data

        img = data.astronaut()
    except ImportError:
        y, x = np.mgrid[0:384, 0:512]
        img = np.stack([x / 2, y / 2, np.full_like(x, 90)], axis=-1).astype(np.uint8)
    img = img[:, ::-1] if k % 2 else img
    tint = np.array([1.0 + 0.05 * k, 1.0, 1.0 - 0.04 * k])
    return np.clip(img * tint, 0, 255).astype(np.uint8)


def demo_photo(plate: str, k: int) -> tuple[bytes, tuple[float, float, float, float]]:
    """A JPEG with `plate` pasted low in the frame, and the plate's box."""
    from PIL import Image

    from twinflash.privacy.synthetic import paste_plate

    bg = _background(k)
    h, w = bg.shape[:2]
    img, pasted = paste_plate(bg, plate, 30, (w // 2 + 60 * (k % 3 - 1), int(h * 0.86)))
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="JPEG", quality=90)
    return buf.getvalue(), tuple(float(v) for v in pasted.xyxy)  # type: ignore[return-value]


def load_demo(queue: Queue) -> str | None:
    """Queue the demo batch unless the database already holds cases; return its job id."""
    import sqlalchemy as sa

    from twinflash.files import atomic_write_bytes

    engine = queue.store.engine
    with engine.connect() as conn:
        if conn.execute(sa.select(sa.func.count()).select_from(cases)).scalar_one():
            return None
    items = []
    for k, (plate, status, score) in enumerate(DEMO_CASES):
        data, box = demo_photo(plate, k)
        stored = f"{new_token(12)}.jpg"
        atomic_write_bytes(queue.settings.uploads_dir / stored, data)
        items.append(
            {
                "filename": f"radar-{k + 1:03d}.jpg",
                "upload": stored,
                "plate": plate,
                "expected": status,
                "score": score,
                "plate_xyxy": list(box),
            }
        )
    job_id = jobstore.create_job(engine, "check", {"items": items}, "demo", len(items))
    queue.send(job_id)
    return job_id
