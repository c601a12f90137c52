"""Shared pytest configuration."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "scenes"
PG_URL = os.environ.get(
    "TWINFLASH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A recogniser trained in seconds on synthetic 2-D vehicles (Twingo, 3008, Master),
    its thresholds calibrated on 60 other honest photos at a 5 % false-alarm target, which 60
    photos with none flagged certify (bound 4.87 %): what verdict tests judge with. The tiny
    model's root keeps ``cal.csv`` for tests that calibrate it otherwise."""
    torch = pytest.importorskip("torch")
    pytest.importorskip("efficientnet_lite_pytorch")
    from tests.flash.synthetic_vehicles import write_manifest

    from twinflash.flash.recogniser.fit import FitConfig
    from twinflash.flash.recogniser.train import train
    from twinflash.flash.thresholds import calibrate_model

    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("tiny_model")
    write_manifest(root, {"twingo": 16, "3008": 16, "master": 16}, seed=10)
    write_manifest(root, {"twingo": 20, "3008": 20, "master": 20}, seed=11, manifest="cal.csv")
    cfg = FitConfig(input_size=64, epochs=6, batch_size=12, lr=3e-3, patience=3,
                    train_backbone=False)  # fmt: skip
    train(root / "manifest.csv", root / "model", cfg)
    calibrate_model(root / "model", root / "cal.csv", split=None, target=0.05)
    return root / "model"


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The test PostgreSQL server's URL; the test skips, saying why, if none answers."""
    import sqlalchemy as sa

    engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as exc:
        reason = " ".join(str(exc.orig).split())[:160]
        pytest.skip(f"no PostgreSQL server answers at {PG_URL} ({reason})")
    finally:
        engine.dispose()
    return PG_URL


@pytest.fixture
def pg_schema(postgres_url: str) -> Iterator[str]:
    """A fresh schema, dropped afterwards: reruns start clean and nothing else is touched."""
    import sqlalchemy as sa

    schema = f"tf_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def astronaut():  # -> np.ndarray; numpy and skimage load only for the tests that ask
    """skimage's astronaut photo (512x512): a known face for privacy and its commands."""
    from skimage import data

    return data.astronaut()


@pytest.fixture(scope="session")
def astronaut_with_plate(astronaut):
    """The astronaut photo with a 26 px high SIV plate on the suit (bottom right)."""
    from twinflash.privacy.synthetic import paste_plate

    img, _ = paste_plate(astronaut, "AB-123-CD", 26, (360, 440))
    return img
