"""The dataset directory: where each file lives, which samples are done, the journals.

    DIR/manifest.json          plan digest + effective plan (a directory belongs to one plan)
    DIR/plan.yaml              the effective plan, for people
    DIR/samples/000042/        one sample, exactly as `twinflash render` writes it
    DIR/journal.jsonl          one line per finished task (timings, worker pid, memory)
    DIR/failures.jsonl         failed samples: {"index", "error"}
    DIR/.scratch/              renderer temporary files (removed at the end)
    DIR/.lock                  held while a generation runs

A sample is done iff its directory exists with every file and a readable annotations.json:
`write_scene_outputs` renames a complete temporary directory into place, so a killed job
leaves either nothing or a whole sample (plus a `.000042.tmp-*` sibling, swept on resume).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from twinflash.annotate.write import SCENE_FILES
from twinflash.errors import InputError
from twinflash.files import atomic_write_text, dumps_json
from twinflash.formats import coco as coco_format

MANIFEST_SCHEMA_VERSION = 1
SAMPLES = "samples"


def sample_name(index: int, count: int) -> str:
    return f"{index:0{max(6, len(str(count - 1)))}d}"


def check_output_location(path: str | Path, parameter: str = "out_dir") -> None:
    """Refuse an output directory that cannot be written, before any work starts.

    `path` may exist (a directory) or not (its nearest existing ancestor must be a
    directory). Writability is tried, not guessed from permission bits (root ignores
    them; a read-only mount does not): a directory is created there and removed again.
    Nothing is left behind either way. Errors name `parameter`, the caller's name for it.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise InputError(f"`{parameter}` {path}: exists and is not a directory")
    target = path.absolute()
    while not target.exists() and target != target.parent:
        target = target.parent
    if not target.is_dir():
        raise InputError(f"`{parameter}` {path}: {target} is not a directory")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".twinflash-write-test-", dir=target))
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(f"`{parameter}` {path}: cannot write in {target} ({reason})") from None


def read_sample_coco(sample_dir: Path) -> dict[str, Any]:
    """The sample's COCO dict; ValueError naming the file if missing or unreadable."""
    return coco_format.read_sample(sample_dir / "annotations.json")


class DatasetDir:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    @property
    def samples(self) -> Path:
        return self.root / SAMPLES

    @property
    def manifest(self) -> Path:
        return self.root / "manifest.json"

    @property
    def journal(self) -> Path:
        return self.root / "journal.jsonl"

    @property
    def failures(self) -> Path:
        return self.root / "failures.jsonl"

    @property
    def scratch(self) -> Path:
        return self.root / ".scratch"

    def sample_dir(self, index: int, count: int) -> Path:
        return self.samples / sample_name(index, count)

    def is_done(self, index: int, count: int) -> bool:
        d = self.sample_dir(index, count)
        if not d.is_dir() or not all((d / f).is_file() for f in SCENE_FILES):
            return False
        try:
            read_sample_coco(d)
        except ValueError:
            return False
        return True

    def read_manifest(self) -> dict[str, Any] | None:
        if not self.manifest.exists():
            return None
        try:
            return json.loads(self.manifest.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError(f"{self.manifest}: unreadable manifest ({exc})") from None

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        atomic_write_text(self.manifest, dumps_json(manifest))

    def sweep_temporaries(self) -> int:
        """Remove what a killed run left: half-written sample dirs and renderer scratch."""
        removed = 0
        for parent in (self.samples, self.root):
            if not parent.is_dir():
                continue
            for stale in parent.glob(".*.tmp-*"):
                if stale.is_dir():
                    shutil.rmtree(stale, ignore_errors=True)
                else:
                    stale.unlink(missing_ok=True)
                removed += 1
        if self.scratch.exists():
            shutil.rmtree(self.scratch, ignore_errors=True)
        return removed

    def current_failures(self, count: int) -> list[dict[str, Any]]:
        """The last recorded error of every sample (of `count`) that is still not done."""
        last: dict[int, dict[str, Any]] = {}
        for rec in self.read_jsonl(self.failures):
            last[int(rec["index"])] = rec
        return [last[i] for i in sorted(last) if i < count and not self.is_done(i, count)]

    def append_jsonl(self, path: Path, record: dict[str, Any]) -> None:
        """Append one line and flush it to disk: a kill loses at most the line being written."""
        line = json.dumps(record, sort_keys=True, default=str) + "\n"
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())

    @staticmethod
    def read_jsonl(path: Path) -> list[dict[str, Any]]:
        """Every whole line; a torn last line (killed mid-write) is skipped."""
        if not path.exists():
            return []
        out = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        return out

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """One generation per directory at a time (an advisory lock, released on exit or kill)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise InputError(f"{self.root}: another generation is running here") from None
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
