"""Stream a registry CSV into the store: validate, normalise, upsert in chunks.

Input columns (header required, any order, extra columns ignored):

    plate, make (D.1), model (D.3)                    required
    type (D.2), cnit (D.2.1), genre (J.1), body (J.3),
    first_registration (B: YYYY-MM-DD or DD/MM/YYYY)  optional

A bad row is written to the reject file with its row number and the reason, and the import
carries on. Re-importing the same file changes nothing (rows are only rewritten when a
value differs). Make/model normalisation is cached per distinct (make, model) pair.
"""

from __future__ import annotations

import csv
import datetime as dt
import operator
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from twinflash.errors import InputError
from twinflash.flash.normalise import Normalised, Normaliser, default_normaliser
from twinflash.flash.plates import canonical_plate
from twinflash.flash.registry.schema import vehicles
from twinflash.flash.registry.store import Registry

REQUIRED = ("plate", "make", "model")
OPTIONAL = ("type", "cnit", "genre", "body", "first_registration")
_LIMITS = {
    "make": vehicles.c.make_raw.type.length,
    "model": vehicles.c.model_raw.type.length,
    "type": vehicles.c.type_code.type.length,
    "cnit": vehicles.c.cnit.type.length,
    "genre": vehicles.c.genre.type.length,
    "body": vehicles.c.body.type.length,
}
_EARLIEST = dt.date(1900, 1, 1)

Progress = Callable[[int, int], None]  # (bytes read, total bytes)


@dataclass(frozen=True, slots=True)
class ImportReport:
    path: Path
    rows: int
    accepted: int
    rejected: int
    inserted: int
    updated: int
    unchanged: int
    distinct_pairs: int
    seconds: float
    rejects_path: Path | None

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float("inf")


class _RowRejectedError(ValueError):
    pass


def _parse_date(text: str, earliest: str, today: str) -> str | None:
    """ISO text of a B date (YYYY-MM-DD or DD/MM/YYYY), checked, or None if empty."""
    if not text:
        return None
    try:
        if "/" in text:
            day, month, year = text.split("/")
            iso = dt.date(int(year), int(month), int(day)).isoformat()
        else:
            value = dt.date.fromisoformat(text)
            iso = text if len(text) == 10 else value.isoformat()  # compares as dates do
    except ValueError:
        raise _RowRejectedError(
            f"first_registration: {text!r} is not a date (YYYY-MM-DD or DD/MM/YYYY)"
        ) from None
    if not earliest <= iso <= today:
        raise _RowRejectedError(f"first_registration: {iso} is outside {earliest}..{today}")
    return iso


class _Layout:
    """Where each field sits in a row of the file, and the checks every row passes."""

    FIELDS = ("plate", "make", "model", "type", "cnit", "genre", "body", "first_registration")

    def __init__(self, header: list[str], today: dt.date) -> None:
        self.width = len(header)
        index = [header.index(f) if f in header else None for f in self.FIELDS]
        self.pad = None in index  # absent columns read as "" from one extra field
        self.take = operator.itemgetter(*(self.width if i is None else i for i in index))
        self.names = self.FIELDS[1:7]
        self.limits = [_LIMITS[name] for name in self.names]
        self.earliest, self.today = _EARLIEST.isoformat(), today.isoformat()

    def parse(self, fields: list[str]) -> tuple[Any, ...]:
        """(plate, format, make, model, type, cnit, genre, body, first_registration) or a
        reject."""
        if len(fields) != self.width:
            raise _RowRejectedError(f"expected {self.width} fields, got {len(fields)}")
        v = [t.strip() for t in self.take([*fields, ""] if self.pad else fields)]
        if not v[1]:
            raise _RowRejectedError("make (D.1) is empty")
        if any(map(int.__gt__, map(len, v[1:7]), self.limits)):
            name, limit = next(
                (n, lim) for n, lim, t in zip(self.names, self.limits, v[1:7], strict=True)
                if len(t) > lim
            )  # fmt: skip
            raise _RowRejectedError(f"{name}: longer than {limit} characters")
        try:
            plate, plate_format = canonical_plate(v[0])
        except ValueError as exc:
            raise _RowRejectedError(str(exc)) from None
        first = _parse_date(v[7], self.earliest, self.today)
        return (plate, plate_format, v[1], v[2], v[3] or None, v[4] or None,
                v[5].upper() or None, v[6].upper() or None, first)  # fmt: skip


class _RejectWriter:
    """Rejected rows, written to a temp file and moved into place at the end."""

    def __init__(self, target: Path, header: list[str]) -> None:
        self.target, self.header, self.count = target, header, 0
        self._fh: Any = None
        self._writer: Any = None

    def add(self, row_number: int, reason: str, fields: list[str]) -> None:
        if self._fh is None:
            fd, tmp = tempfile.mkstemp(prefix=".rejects-", dir=self.target.parent)
            self._tmp = Path(tmp)
            self._fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
            self._writer = csv.writer(self._fh)
            self._writer.writerow(["row", "reason", *self.header])
        self._writer.writerow([row_number, reason, *fields])
        self.count += 1

    def finish(self) -> Path | None:
        if self._fh is None:
            self.target.unlink(missing_ok=True)  # a stale file from an earlier run would lie
            return None
        self._fh.close()
        os.replace(self._tmp, self.target)
        return self.target

    def abort(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._tmp.unlink(missing_ok=True)


def default_rejects_path(path: Path) -> Path:
    return path.with_name(path.stem + ".rejects.csv")


def import_csv(
    registry: Registry,
    path: str | Path,
    *,
    rejects_path: str | Path | None = None,
    chunk_size: int = 20_000,
    normaliser: Normaliser | None = None,
    on_progress: Progress | None = None,
    today: dt.date | None = None,
) -> ImportReport:
    """Import ``path`` into ``registry``; see the module docstring for the format."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    rejects = Path(rejects_path) if rejects_path else default_rejects_path(path)
    normaliser = normaliser or default_normaliser()
    today = today or dt.date.today()
    total_bytes = path.stat().st_size
    start = time.perf_counter()
    cache: dict[tuple[str, str, str], Normalised] = {}
    before = registry.count()
    rows = accepted = changed = 0

    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip().lower() for h in next(reader)]
        except StopIteration:
            raise InputError(f"{path}: empty file (expected a header row)") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from None
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise InputError(
                f"{path}: header lacks column(s) {', '.join(missing)} "
                f"(required: {', '.join(REQUIRED)}; optional: {', '.join(OPTIONAL)})"
            )
        layout = _Layout(header, today)
        out = _RejectWriter(rejects, header)
        chunk: dict[str, tuple[Any, ...]] = {}

        def flush() -> None:
            nonlocal changed
            if chunk:
                changed += registry.upsert(chunk.values())
                chunk.clear()
            if on_progress is not None:
                on_progress(fh.buffer.tell(), total_bytes)

        try:
            while True:
                try:
                    fields = next(reader)
                except StopIteration:
                    break
                except UnicodeDecodeError as exc:
                    raise InputError(
                        f"{path}: after row {reader.line_num}: not UTF-8 text ({exc.reason})"
                    ) from None
                except csv.Error as exc:
                    raise InputError(f"{path}: row {reader.line_num}: {exc}") from None
                rows += 1
                try:
                    parsed = layout.parse(fields)
                except _RowRejectedError as exc:
                    out.add(reader.line_num, str(exc), fields)
                    continue
                plate, plate_format, make_raw, model_raw, type_code, cnit, genre, body, first = (
                    parsed
                )
                key = (make_raw, model_raw, "" if model_raw else (type_code or ""))
                norm = cache.get(key)
                if norm is None:
                    norm = cache[key] = normaliser.normalise(make_raw, model_raw, d2=key[2])
                chunk[plate] = (  # schema.COLUMNS order
                    plate, plate_format, make_raw, model_raw, type_code, cnit, genre, body,
                    first, norm.make, norm.model, norm.status, norm.score,
                )  # fmt: skip
                accepted += 1
                if len(chunk) >= chunk_size:
                    flush()
            flush()
        except BaseException:
            out.abort()
            raise
        rejects_written = out.finish()

    inserted = registry.count() - before
    updated = max(changed - inserted, 0)
    return ImportReport(
        path=path,
        rows=rows,
        accepted=accepted,
        rejected=out.count,
        inserted=inserted,
        updated=updated,
        unchanged=max(accepted - inserted - updated, 0),
        distinct_pairs=len(cache),
        seconds=time.perf_counter() - start,
        rejects_path=rejects_written,
    )
