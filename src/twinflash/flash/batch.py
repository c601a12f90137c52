"""``twinflash flash check-batch``: verdicts for a manifest of photos, resumable after a kill.

Manifest: a CSV with a ``path`` column (relative to the CSV's folder), optionally ``plate``
(the plate text when the caller has it; empty: read on the photo) and the plate corners
``tl_x, tl_y, tr_x, tr_y, br_x, br_y, bl_x, bl_y`` (when known exactly, e.g. a twinflash
render) and the vehicle's box ``x, y, w, h`` (from a detector: the plate-as-a-ruler size
check, `flash.ruler`). Any other column is refused, so a typo is not silently ignored.

Nothing lost, nothing twice: one process (the parent) appends each finished row to a
journal beside the output (``<out>.journal``, JSON lines, flushed per row) and skips the
rows already there when run again; a row cut short by a kill is dropped and redone. The
Parquet file is written once at the end (temp file + rename), then the journal is removed.
The journal's first line names the manifest (SHA-256) and the checker, so a rerun with
other inputs is refused instead of mixing two batches.

Per-item failures are rows, never a stop: ``error`` is ``unreadable_image``,
``malformed_plate``, ``bad_corners``, ``bad_box``, ``bad_input``, ``no_plate_found``,
``plate_not_registered`` or ``failed`` (an unexpected exception, with its message), and
``status`` is ``error`` for items that got no verdict at all.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from twinflash.errors import InputError
from twinflash.files import temp_sibling
from twinflash.flash.recogniser.data import BOX_COLS, CORNER_COLS
from twinflash.flash.verdict import Checker, Verdict

COLUMNS = {"path", "plate", *CORNER_COLS, *BOX_COLS}
JOURNAL_VERSION = 1
Progress = Callable[[int, int, Counter[str]], None]


@dataclass(frozen=True)
class Item:
    row: int  # 0-based data row of the manifest
    path: str  # as written in the manifest
    photo: Path  # resolved
    plate: str | None
    corners: tuple[float, ...] | None
    corners_error: str | None = None
    box_xywh: tuple[float, ...] | None = None


def read_manifest(path: Path) -> list[Item]:
    """The manifest's items; a file that is not such a manifest is one InputError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such manifest") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected a CSV manifest") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in reader.fieldnames or []]
    if "path" not in header:
        raise InputError(
            f"{path}: no 'path' column (columns: path[,plate][,{','.join(CORNER_COLS)}])"
        )
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise InputError(f"{path}: unknown column(s) {unknown}; expected path, plate, corners, box")
    has_corners = [c for c in CORNER_COLS if c in header]
    if has_corners and len(has_corners) != len(CORNER_COLS):
        raise InputError(f"{path}: plate corners need all of {list(CORNER_COLS)}")
    has_box = [c for c in BOX_COLS if c in header]
    if has_box and len(has_box) != len(BOX_COLS):
        raise InputError(f"{path}: the vehicle box needs all of {list(BOX_COLS)}")
    reader.fieldnames = header
    items = []
    for i, row in enumerate(reader):
        photo = (row.get("path") or "").strip()
        if not photo:
            raise InputError(f"{path}:{i + 2}: empty path")
        plate = (row.get("plate") or "").strip() or None
        corners, box, error = None, None, None
        if has_corners:
            raw = [(row.get(c) or "").strip() for c in CORNER_COLS]
            if any(raw):
                try:
                    corners = tuple(float(v) for v in raw)
                except ValueError:
                    error = f"plate corners {raw}: not 8 numbers"
        if has_box:
            raw = [(row.get(c) or "").strip() for c in BOX_COLS]
            if any(raw):
                try:
                    box = tuple(float(v) for v in raw)
                except ValueError:
                    error = f"vehicle box {raw}: not 4 numbers x, y, w, h"
        items.append(Item(i, photo, path.parent / photo, plate, corners, error, box))
    return items


def result_row(item: Item, verdict: Verdict | None, error: str | None, message: str | None) -> dict:
    """One output row: flat columns to filter on, and the whole verdict as JSON."""
    row: dict[str, Any] = {
        "row": item.row, "path": item.path, "plate_given": item.plate,
        "status": "error" if verdict is None else verdict.status, "error": error,
        "message": message, "score": None, "plate": None, "registry_make": None,
        "registry_model": None, "registry_body": None, "recognised": None,
        "recognised_p": None, "reasons": None, "verdict": None,
    }  # fmt: skip
    if verdict is not None:
        reg = verdict.registry or {}
        top = verdict.recognised[0] if verdict.recognised else (None, None)
        row |= {
            "score": verdict.score, "plate": verdict.plate, "registry_make": reg.get("make"),
            "registry_model": reg.get("model"), "registry_body": reg.get("body"),
            "recognised": top[0], "recognised_p": top[1], "reasons": "; ".join(verdict.reasons),
            "verdict": json.dumps(verdict.to_json(), ensure_ascii=False),
        }  # fmt: skip
    return row


def check_item(checker: Checker, item: Item) -> dict:
    """The row of one item; failures of this item are recorded, never raised."""
    from twinflash.flash.recogniser.preprocess import read_image

    if item.corners_error:
        kind = "bad_box" if item.corners_error.startswith("vehicle box") else "bad_corners"
        return result_row(item, None, kind, item.corners_error)
    try:
        image = read_image(item.photo)
    except InputError as exc:
        return result_row(item, None, "unreadable_image", str(exc))
    try:
        kw: dict[str, Any] = {}
        if item.corners is not None:
            kw["plate_corners_xy"] = np.reshape(item.corners, (4, 2))
        if item.box_xywh is not None:
            x, y, w, h = item.box_xywh
            kw["vehicle_box_xyxy"] = (x, y, x + w, y + h)
        verdict = checker.check(image, item.plate, **kw)
    except InputError as exc:
        msg = str(exc)
        kind = (
            "malformed_plate"
            if msg.startswith("malformed plate")
            else "bad_box"
            if msg.startswith("bad vehicle box")
            else "bad_corners"
            if "corners" in msg
            else "bad_input"
        )
        return result_row(item, None, kind, msg)
    except Exception as exc:  # one bad item must not stop the batch
        return result_row(item, None, "failed", f"{type(exc).__name__}: {exc}")
    error = None
    if verdict.plate is None and not verdict.plate_readings:
        error = "no_plate_found"
    elif verdict.plate is not None and verdict.registry is None:
        error = "plate_not_registered"
    return result_row(item, verdict, error, None)


# --- the journal --------------------------------------------------------------------------


def journal_path(out: Path) -> Path:
    return out.with_name(out.name + ".journal")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_journal(path: Path, header: dict) -> dict[int, dict]:
    """Rows already done; a line cut short by a kill is dropped (the file is truncated
    after the last whole line, so appends continue cleanly)."""
    done: dict[int, dict] = {}
    with path.open("rb") as fh:
        data = fh.read()
    good = data.rfind(b"\n") + 1
    lines = data[:good].decode("utf-8").splitlines()
    if not lines or json.loads(lines[0]) != header:
        raise InputError(
            f"{path}: left by a batch with another manifest, model or registry; "
            "delete it to start over, or rerun with the same inputs"
        )
    for line in lines[1:]:
        row = json.loads(line)
        done.setdefault(int(row["row"]), row)
    if good < len(data):
        with path.open("r+b") as fh:
            fh.truncate(good)
    return done


_checker: Checker | None = None


def _init_worker(factory: Callable[[], Checker]) -> None:
    global _checker
    _checker = factory()


def _work(item: Item) -> dict:
    assert _checker is not None, "worker not initialised"
    return check_item(_checker, item)


EXECUTORS = ("local", "ray")


def _results(
    items: list[Item],
    factory: Callable[[], Checker],
    workers: int,
    executor: str = "local",
    address: str | None = None,
) -> Iterator[dict]:
    """Rows as they finish: in this process, in `workers` local processes, or in Ray."""
    if not items:
        return
    if executor == "ray":
        from twinflash.flash.batch_ray import ray_results

        yield from ray_results(items, factory, check_item, workers, address)
        return
    if workers <= 1:
        checker = factory()
        for item in items:
            yield check_item(checker, item)
        return
    import multiprocessing as mp

    ctx = mp.get_context("spawn")  # fork would copy onnxruntime/OCR threads' state
    with ProcessPoolExecutor(workers, ctx, _init_worker, (factory,)) as pool:
        pending: set[Future] = set()
        queue = iter(items)
        for item in queue:
            pending.add(pool.submit(_work, item))
            if len(pending) >= 4 * workers:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    yield fut.result()
        for fut in pending:
            yield fut.result()


def check_inputs(manifest: Path, out: Path) -> list[Item]:
    """The manifest's items, once the output is known to be writable: before any work."""
    items = read_manifest(manifest)
    if out.exists() and not journal_path(out).exists():
        raise InputError(f"{out}: already exists (a finished batch); choose another `out`")
    if not out.parent.is_dir():
        raise InputError(f"{out}: folder {out.parent} does not exist")
    return items


def check_executor(executor: str, address: str | None) -> None:
    """One InputError for an unknown executor or an address the local one cannot use."""
    if executor not in EXECUTORS:
        raise InputError(
            f"`executor`: unknown executor {executor!r}; known: {', '.join(EXECUTORS)}"
        )
    if address is not None and executor != "ray":
        raise InputError(
            "`address`: the local executor takes no cluster address (use the ray executor)"
        )


@dataclass(frozen=True)
class BatchReport:
    out: Path
    rows: int
    resumed: int  # rows found done in the journal
    counts: dict[str, int]  # status -> rows
    errors: dict[str, int]  # error kind -> rows


def run_batch(
    manifest: Path,
    out: Path,
    factory: Callable[[], Checker],
    *,
    fingerprint: dict[str, Any] | None = None,
    workers: int = 1,
    executor: str = "local",
    address: str | None = None,
    progress: Progress | None = None,
) -> BatchReport:
    """Check every item of `manifest` into the Parquet file `out` (see the module docstring).

    `factory` builds a checker (in each worker process: it must pickle); `fingerprint`
    names what it checks with (model, registry), recorded in the journal. `executor`:
    ``local`` (this process, or `workers` spawned processes) or ``ray`` (`workers` Ray
    actors; a local Ray instance, or the cluster at `address`).
    """
    check_executor(executor, address)
    import pyarrow as pa
    import pyarrow.parquet as pq

    manifest, out = Path(manifest), Path(out)
    items = check_inputs(manifest, out)
    journal = journal_path(out)
    header = {"journal": JOURNAL_VERSION, "manifest": _sha256(manifest),
              "checker": fingerprint or {}}  # fmt: skip
    done = _read_journal(journal, header) if journal.exists() else {}
    resumed = len(done)
    counts = Counter(r["status"] for r in done.values())
    todo = [it for it in items if it.row not in done]
    if todo and (workers > 1 or executor == "ray"):
        factory()  # a bad model or registry: one line here, not a broken worker pool
    with journal.open("a", encoding="utf-8") as fh:
        if not resumed and fh.tell() == 0:
            fh.write(json.dumps(header) + "\n")
            fh.flush()
        if progress:
            progress(len(done), len(items), counts)
        for row in _results(todo, factory, workers, executor, address):
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            fh.flush()  # a kill -9 keeps every flushed row (the OS holds it)
            done[row["row"]] = row
            counts[row["status"]] += 1
            if progress:
                progress(len(done), len(items), counts)
        os.fsync(fh.fileno())
    rows = [done[i] for i in sorted(done)]
    table = pa.Table.from_pylist(rows, schema=_schema())
    tmp = temp_sibling(out, keep_suffix=True)
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    journal.unlink()
    errors = Counter(r["error"] for r in rows if r["error"])
    return BatchReport(out, len(rows), resumed, dict(counts), dict(errors))


def _schema():  # -> pa.Schema
    import pyarrow as pa

    s, f = pa.string(), pa.float64()
    return pa.schema(
        [("row", pa.int64()), ("path", s), ("plate_given", s), ("status", s), ("error", s),
         ("message", s), ("score", f), ("plate", s), ("registry_make", s),
         ("registry_model", s), ("registry_body", s), ("recognised", s), ("recognised_p", f),
         ("reasons", s), ("verdict", s)]
    )  # fmt: skip


@dataclass(frozen=True)
class CheckerSpec:
    """A picklable recipe for a :class:`~twinflash.flash.verdict.CloneChecker` (one per
    worker process: its own ONNX session, plate reader and registry connection)."""

    model_dir: str
    db_url: str | None = None
    threads: int = 0

    def __call__(self) -> Checker:
        from twinflash.flash.registry import Registry
        from twinflash.flash.verdict import CloneChecker

        registry = Registry.open(self.db_url, create=False)
        return CloneChecker(self.model_dir, registry, threads=self.threads)

    def fingerprint(self) -> dict[str, Any]:
        from twinflash.flash.registry import registry_url

        card = Path(self.model_dir) / "card.json"
        thresholds = Path(self.model_dir) / "thresholds.json"
        return {
            "model": str(Path(self.model_dir).resolve()),
            "card": _sha256(card) if card.is_file() else None,
            "thresholds": _sha256(thresholds) if thresholds.is_file() else None,
            "registry": hashlib.sha256(registry_url(self.db_url).encode()).hexdigest()[:16],
        }
