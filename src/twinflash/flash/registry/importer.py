"""Stream a registry CSV into the store: validate, normalise, upsert in chunks.

Input columns (header required, any order, extra columns ignored):

    plate, make (D.1), model (D.3)                    required
    type (D.2), cnit (D.2.1), genre (J.1), body (J.3),
    first_registration (B: YYYY-MM-DD or DD/MM/YYYY)  optional

Before anything is written the whole file is decoded once: a file that is not UTF-8 is
refused with the line of the first bad byte. A bad row (bad plate, date or field count, a
field over its column's length or holding a NUL byte, a field too long for the csv reader)
is written to the reject file with its row number and the reason, and the import carries
on. Re-importing the same file changes nothing (rows are only rewritten when a
value differs). Make/model normalisation is cached per distinct (make, model) pair.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import operator
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from twinflash.errors import InputError
from twinflash.files import check_file_target, reserve_text
from twinflash.flash.normalise import Normalised, Normaliser, default_normaliser
from twinflash.flash.plates import MAX_PLATE_TEXT, canonical_plate
from twinflash.flash.registry.schema import vehicles
from twinflash.flash.registry.store import Registry

REQUIRED = ("plate", "make", "model")
OPTIONAL = ("type", "cnit", "genre", "body", "first_registration")


def _max_length(column: sa.Column[Any]) -> int:
    """The declared length of a text column of the schema (VARCHAR(n))."""
    kind = column.type
    if not isinstance(kind, sa.String) or kind.length is None:
        raise TypeError(f"vehicles.{column.name}: not a text column of bounded length")
    return kind.length


_LIMITS = {
    "make": _max_length(vehicles.c.make_raw),
    "model": _max_length(vehicles.c.model_raw),
    "type": _max_length(vehicles.c.type_code),
    "cnit": _max_length(vehicles.c.cnit),
    "genre": _max_length(vehicles.c.genre),
    "body": _max_length(vehicles.c.body),
}
_EARLIEST = dt.date(1900, 1, 1)
# The longest CSV field read: 16 Mi characters. Longer fields (an unclosed quote swallowing
# the rest of the file, say) are rejected with the lines they span, memory stays bounded.
FIELD_LIMIT = 16 * 1024 * 1024

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
        if "\x00" in "".join(v):  # PostgreSQL refuses NUL in text, SQLite would keep it
            name = next(n for n, t in zip(self.FIELDS, v, strict=True) if "\x00" in t)
            raise _RowRejectedError(f"{name}: contains a NUL byte")
        if len(v[0]) > MAX_PLATE_TEXT:  # before the plate's message quotes the whole text
            raise _RowRejectedError(f"plate: longer than {MAX_PLATE_TEXT} characters")
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
    """Rejected rows, written to a temporary reserved before the import starts (so an
    unwritable place stops it before any work) and moved into place at the end."""

    def __init__(self, target: Path, header: list[str]) -> None:
        self.target, self.header, self.count = target, header, 0
        self._tmp, self._fh = reserve_text(target, "reject file")
        self._writer: Any = None

    def add(self, row_number: int, reason: str, fields: list[str]) -> None:
        if self._writer is None:
            self._writer = csv.writer(self._fh)
            self._writer.writerow(["row", "reason", *self.header])
        self._writer.writerow([row_number, reason, *fields])
        self.count += 1

    def finish(self) -> Path | None:
        self._fh.close()
        if self._writer is None:
            self._tmp.unlink(missing_ok=True)
            self.target.unlink(missing_ok=True)  # a stale file from an earlier run would lie
            return None
        os.replace(self._tmp, self.target)
        return self.target

    def abort(self) -> None:
        self._fh.close()
        self._tmp.unlink(missing_ok=True)


def default_rejects_path(path: Path) -> Path:
    return path.with_name(path.stem + ".rejects.csv")


def _check_source(path: Path) -> None:
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a CSV file")
    if not path.is_file():
        raise InputError(f"{path}: no such file")


def _check_rejects(path: Path, rejects: Path) -> None:
    """The reject file must not be the input: renaming it into place would replace it."""
    same = rejects.exists() and os.path.samefile(path, rejects)
    if same or rejects.resolve() == path.resolve():
        raise InputError(f"{rejects}: the reject file cannot be the file being imported")


def check_utf8(path: Path, block_size: int = 1 << 20) -> None:
    """Decode the whole file once before importing: a file that is not UTF-8 is refused
    with its line before a row is written, instead of stopping half-way through."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    lines_before = 0  # newlines in the blocks decoded so far
    try:
        with path.open("rb") as fh:
            while block := fh.read(block_size):
                try:
                    decoder.decode(block)
                except UnicodeDecodeError as exc:
                    line = lines_before + exc.object[: exc.start].count(b"\n") + 1
                    raise InputError(
                        f"{path}: line {line}: not UTF-8 text ({exc.reason}, byte "
                        f"{exc.object[exc.start]:#04x}); nothing imported"
                    ) from None
                lines_before += block.count(b"\n")
            decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: line {lines_before + 1}: not UTF-8 text ({exc.reason} at the end of "
            "the file); nothing imported"
        ) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None


def _read_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        try:
            header = [h.strip().lower() for h in next(csv.reader(fh))]
        except StopIteration:
            raise InputError(f"{path}: empty file (expected a header row)") from None
        except csv.Error as exc:
            raise InputError(f"{path}: line 1: unreadable header ({exc})") from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(
            f"{path}: header lacks column(s) {', '.join(missing)} "
            f"(required: {', '.join(REQUIRED)}; optional: {', '.join(OPTIONAL)})"
        )
    return header


def _allow_long_fields() -> None:
    """Let the csv module read fields up to FIELD_LIMIT characters, so that an over-long
    field is a reject (with the reason) rather than an error that ends the file. The
    setting is process-wide; it is only ever raised, never lowered."""
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)


class PreparedImport:
    """An import whose input was checked (a file, UTF-8 throughout, a header with the
    required columns) and whose reject file is reserved, all before the database is
    touched. ``with prepare_import(path) as job: job.run(registry)``."""

    def __init__(self, path: Path, rejects: Path) -> None:
        self.path, self.rejects = path, rejects
        self.header = _read_header(path)
        self._out: _RejectWriter | None = _RejectWriter(rejects, self.header)

    def __enter__(self) -> PreparedImport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Drop the reserved reject file if the import did not run to the end."""
        if self._out is not None:
            self._out.abort()
            self._out = None

    def run(
        self,
        registry: Registry,
        *,
        chunk_size: int = 20_000,
        normaliser: Normaliser | None = None,
        on_progress: Progress | None = None,
        today: dt.date | None = None,
    ) -> ImportReport:
        """Stream the rows into ``registry``; see the module docstring."""
        if self._out is None:
            raise RuntimeError("this import already ran")
        if chunk_size < 1:
            raise InputError(f"chunk size must be >= 1 (got {chunk_size})")
        out = self._out
        try:
            report = _stream(self, registry, out, chunk_size, normaliser, on_progress, today)
        except BaseException:
            self.close()
            raise
        self._out = None
        return report


def prepare_import(path: str | Path, *, rejects_path: str | Path | None = None) -> PreparedImport:
    """Check everything that can be checked before an import writes anything: the input
    (a file, UTF-8, a usable header) and where its reject file goes (writable, not the
    input). Leftover temporaries of killed imports in that folder are swept."""
    path = Path(path)
    _check_source(path)
    rejects = Path(rejects_path) if rejects_path else default_rejects_path(path)
    _check_rejects(path, rejects)
    check_file_target(rejects, "reject file")
    check_utf8(path)
    return PreparedImport(path, rejects)


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
    if chunk_size < 1:
        raise InputError(f"chunk size must be >= 1 (got {chunk_size})")
    with prepare_import(path, rejects_path=rejects_path) as job:
        return job.run(
            registry,
            chunk_size=chunk_size,
            normaliser=normaliser,
            on_progress=on_progress,
            today=today,
        )


def _stream(
    job: PreparedImport,
    registry: Registry,
    out: _RejectWriter,
    chunk_size: int,
    normaliser: Normaliser | None,
    on_progress: Progress | None,
    today: dt.date | None,
) -> ImportReport:
    path = job.path
    normaliser = normaliser or default_normaliser()
    layout = _Layout(job.header, today or dt.date.today())
    total_bytes = path.stat().st_size
    start = time.perf_counter()
    cache: dict[tuple[str, str, str], Normalised] = {}
    rows = accepted = inserted = updated = 0
    _allow_long_fields()

    # the text is read through a binary file whose position is the progress in bytes
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)  # the header, read and checked by prepare_import
        chunk: dict[str, tuple[Any, ...]] = {}

        def flush() -> None:
            nonlocal inserted, updated
            if chunk:
                counts = registry.upsert(chunk.values())
                inserted += counts.inserted
                updated += counts.updated
                chunk.clear()
            if on_progress is not None:
                on_progress(raw.tell(), total_bytes)

        while True:
            first_line = reader.line_num + 1
            try:
                fields = next(reader)
            except StopIteration:
                break
            except UnicodeDecodeError as exc:  # the file changed since it was checked
                raise InputError(
                    f"{path}: after line {reader.line_num}: not UTF-8 text ({exc.reason})"
                ) from None
            except csv.Error as exc:
                rows += 1
                lines = (f"line {first_line}" if reader.line_num <= first_line
                         else f"lines {first_line}-{reader.line_num}")  # fmt: skip
                out.add(first_line, f"unreadable row: {exc} ({lines} skipped)", [])
                continue
            rows += 1
            try:
                parsed = layout.parse(fields)
            except _RowRejectedError as exc:
                out.add(reader.line_num, str(exc), fields)
                continue
            plate, plate_format, make_raw, model_raw, type_code, cnit, genre, body, first = parsed
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
    rejects_written = out.finish()

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
