"""What the service is configured with: one frozen value built from flags or environment.

Every knob has an embedded default (a SQLite file and a SQLite job queue under the data
folder), so `twinflash serve` runs with nothing installed; PostgreSQL and Redis are a URL
away. The same values drive the web process and the worker, so both read this one place.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

from twinflash.errors import InputError

ENV_DB = "TWINFLASH_DB_URL"
ENV_MODEL = "TWINFLASH_MODEL_DIR"
ENV_REGISTRY = "TWINFLASH_REGISTRY_URL"  # the registry's own variable: one database for both
ENV_QUEUE = "TWINFLASH_QUEUE_URL"
ENV_DATA = "TWINFLASH_DATA_DIR"
DEFAULT_DATA_DIR = Path("twinflash-serve")


@dataclass(frozen=True)
class Limits:
    """Request limits: anything beyond them is refused with one clear 4xx, before decoding."""

    upload_bytes: int = 15_000_000
    upload_pixels: int = 40_000_000
    files_per_batch: int = 50
    manifest_bytes: int = 1_000_000
    comment_chars: int = 2_000
    login_failures: int = 5  # per user name and per client within `login_window_s`
    login_window_s: int = 900
    public_renders_per_min: int = 3
    public_blurs_per_min: int = 10
    public_requests_per_min: int = 240
    render_queue_max: int = 50  # queued public renders beyond this are refused (503)
    video_bytes: int = 50_000_000
    video_seconds: float = 30.0
    video_frames: int = 900  # also enforced while decoding: a header may lie or be silent
    video_pixels: int = 1920 * 1080  # per frame
    public_videos_per_min: int = 2
    video_queue_max: int = 10


@dataclass(frozen=True)
class Settings:
    """Everything `create_app` and the worker need; tests build it with plain arguments."""

    data_dir: Path = DEFAULT_DATA_DIR
    db_url: str = ""  # empty: sqlite file in data_dir
    queue_url: str = ""  # empty: Huey on a SQLite file in data_dir; redis://... for Redis
    retention_days: float = 30.0  # agents' case photos and plate crops
    public_retention_hours: float = 24.0  # public renders (the gallery shows what is left)
    public_renders_kept: int = 500  # and never more than this many on disk
    video_keep_minutes: float = 60.0  # a blurred video not downloaded by then is deleted
    secure_cookies: bool = True
    session_hours: float = 12.0
    demo_resolution_wh: tuple[int, int] = (320, 180)
    demo_samples: int = 8
    demo_max_people: int = 12
    demo_max_vehicles: int = 6
    gallery_size: int = 12
    inline_worker: bool = True  # run the Huey consumer inside the web process
    worker_threads: int = 1
    limits: Limits = field(default_factory=Limits)
    model_dir: Path | None = None  # a recogniser model: the real clone verdict; None: stand-in

    @property
    def database_url(self) -> str:
        return self.db_url or f"sqlite:///{self.data_dir.resolve() / 'twinflash-serve.db'}"

    @property
    def photos_dir(self) -> Path:
        return self.data_dir / "photos"

    @property
    def renders_dir(self) -> Path:
        return self.data_dir / "renders"

    @property
    def uploads_dir(self) -> Path:
        """Uploaded originals wait here for their job, then are deleted."""
        return self.data_dir / "uploads"

    @property
    def videos_dir(self) -> Path:
        """Public blurred videos, each until its download or `video_keep_minutes`."""
        return self.data_dir / "videos"

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    def prepare(self) -> Settings:
        """Create the folders; refuse a data folder that is a file (one line, exit 2)."""
        if self.data_dir.exists() and not self.data_dir.is_dir():
            raise InputError(f"`data_dir`: {self.data_dir} is a file, not a folder")
        folders = (self.photos_dir, self.renders_dir, self.uploads_dir, self.videos_dir)
        for folder in (self.data_dir, *folders):
            folder.mkdir(parents=True, exist_ok=True)
        for name, value in (
            ("retention_days", self.retention_days),
            ("public_retention_hours", self.public_retention_hours),
            ("video_keep_minutes", self.video_keep_minutes),
        ):
            if value <= 0:
                raise InputError(f"`{name}`: must be > 0 (got {value})")
        if self.model_dir is not None:  # refuse a wrong --model now, not at the first check
            from twinflash.flash.recogniser.card import read_card

            read_card(self.model_dir)
        return self


def from_env(**overrides: object) -> Settings:
    """Settings from flags (`overrides`, None meaning not given) over environment variables.

    The database URL follows the registry's convention: `--db`, else $TWINFLASH_DB_URL,
    else $TWINFLASH_REGISTRY_URL, so that cases and the vehicle registry share one database.
    """
    given = {k: v for k, v in overrides.items() if v is not None}
    data_dir = Path(str(given.pop("data_dir", os.environ.get(ENV_DATA) or DEFAULT_DATA_DIR)))
    db = str(given.pop("db_url", "") or os.environ.get(ENV_DB) or os.environ.get(ENV_REGISTRY, ""))
    queue = str(given.pop("queue_url", "") or os.environ.get(ENV_QUEUE, ""))
    model = given.pop("model_dir", None) or os.environ.get(ENV_MODEL) or None
    given["model_dir"] = Path(str(model)) if model else None
    return Settings(data_dir=data_dir, db_url=db, queue_url=queue, **given)  # type: ignore[arg-type]


def new_token(nbytes: int = 32) -> str:
    """An unguessable token for sessions, CSRF and job ids."""
    return secrets.token_urlsafe(nbytes)
