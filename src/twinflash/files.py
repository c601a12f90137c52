"""Files and folders twinflash writes: atomically, marked as its own, swept after a kill.

Every temporary name embeds the writer's pid (`.NAME.tmp-PID-RANDOM`, or
`.NAME.tmp-PID-RANDOM.EXT` when a writer needs the extension, as ffmpeg does), so a later
run can tell what a killed run left (its pid is gone) from what a concurrent run is still
writing.
An output directory carries a marker file (`.twinflash`): twinflash replaces a directory
only when it wrote it, and refuses anything else, so a mistyped `--out` never deletes a
user's files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from twinflash.errors import InputError

MARKER = ".twinflash"
FLOAT_DECIMALS = 6
_TEMP_RE = re.compile(
    r"^\.(?P<name>.+)\.tmp(?:-old)?-(?P<pid>\d+)-[0-9a-f]{8}(?P<suffix>\.[^./]+)?$"
)


def pid_alive(pid: int) -> bool:
    """True if a process with this pid exists (ours included)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def temp_sibling(
    target: Path, tag: str = "tmp", *, keep_suffix: bool = False, pid: int | None = None
) -> Path:
    """A hidden name beside `target` (same file system, so the final rename is atomic).

    `keep_suffix` repeats the target's extension at the end, for writers that choose the
    format from it; `pid` defaults to this process (another is for tests of the sweep).
    """
    pid = os.getpid() if pid is None else pid
    suffix = target.suffix if keep_suffix else ""
    return target.with_name(f".{target.name}.{tag}-{pid}-{uuid.uuid4().hex[:8]}{suffix}")


def _temp_of(name: str) -> tuple[str, int] | None:
    """(target name, writer pid) if `name` is one of twinflash's temporaries, else None."""
    match = _TEMP_RE.match(name)
    if match is None:
        return None
    if match["suffix"] is not None and Path(match["name"]).suffix != match["suffix"]:
        return None
    return match["name"], int(match["pid"])


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _sweep_entries(
    folder: Path, names: Iterable[str], wanted: set[str] | None = None
) -> list[Path]:
    """Remove the entries of `folder` (given by name) that a killed writer left."""
    removed = []
    for name in names:
        temp = _temp_of(name) if name.startswith(".") else None
        if temp is None or (wanted is not None and temp[0] not in wanted):
            continue
        if pid_alive(temp[1]):
            continue
        _remove(folder / name)
        removed.append(folder / name)
    return removed


def sweep_stale(parent: Path, names: Iterable[str] | None = None) -> list[Path]:
    """Remove temporaries in `parent` left by killed writers; return what was removed.

    Only hidden entries in twinflash's own temporary form are considered, and only when the
    process that made them is gone. `names` limits the sweep to temporaries of those targets.
    """
    parent = Path(parent)
    if not parent.is_dir():
        return []
    wanted = None if names is None else set(names)
    return _sweep_entries(parent, os.listdir(parent), wanted)


def sweep_stale_tree(root: Path) -> list[Path]:
    """`sweep_stale` in `root` and every folder below it, listing each folder once."""
    removed: list[Path] = []
    if not Path(root).is_dir():
        return removed
    for folder, dirs, files in os.walk(root):
        gone = _sweep_entries(Path(folder), [*dirs, *files])
        dirs[:] = [d for d in dirs if Path(folder, d) not in gone]  # nothing left to walk
        removed += gone
    return removed


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write through a temporary sibling and rename: readers see old or new, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_sibling(path)
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def check_file_target(target: Path, what: str) -> None:
    """Refuse a target that cannot be a file: a directory, or in a folder that is none."""
    if target.is_dir():
        raise InputError(f"{target}: is a directory (the {what} is a file)")
    if target.parent.exists() and not target.parent.is_dir():
        raise InputError(f"{target}: {target.parent} is not a folder")
    if not target.parent.is_dir():
        raise InputError(f"{target}: folder {target.parent} does not exist")


def reserve_text(target: Path, what: str, *, make_parents: bool = False) -> tuple[Path, TextIO]:
    """Create the temporary of `target` now, before any work, and open it for writing.

    An unwritable place is found before a long job, not after it. Leftovers of dead
    writers in that folder are swept first. The caller renames the temporary onto
    `target` (`os.replace`) when done, or removes it.
    """
    if make_parents and not target.parent.exists():
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{target}: cannot create its folder ({exc.strerror})") from None
    check_file_target(target, what)
    sweep_stale(target.parent)
    tmp = temp_sibling(target)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise InputError(f"{target}: cannot write the {what} there ({exc.strerror})") from None
    return tmp, os.fdopen(fd, "w", encoding="utf-8", newline="")


@contextlib.contextmanager
def atomic_text(
    target: Path, what: str = "output", *, make_parents: bool = False
) -> Iterator[TextIO]:
    """A text file, streamed, that appears at `target` only once fully written."""
    tmp, fh = reserve_text(target, what, make_parents=make_parents)
    try:
        with fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_path(target: Path, *, keep_suffix: bool = False) -> Iterator[Path]:
    """A temporary sibling of `target` for a library that writes a file by name
    (`torch.save`, `savefig`, an ONNX export, a SQLite database): renamed onto `target`
    when the block ends well, removed when it fails. `keep_suffix` as in `temp_sibling`."""
    target = Path(target)
    tmp = temp_sibling(target, keep_suffix=keep_suffix)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def to_jsonable(value: Any, decimals: int = FLOAT_DECIMALS) -> Any:
    """Plain JSON values with floats rounded (non-finite floats become null)."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v, decimals) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v, decimals) for v in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist(), decimals)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        f = float(value)
        return round(f, decimals) + 0.0 if math.isfinite(f) else None  # + 0.0 turns -0.0 into 0.0
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"cannot write {type(value).__name__} to JSON: {value!r}")


def dumps_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, rounded floats, UTF-8 text, trailing newline."""
    return (
        json.dumps(
            to_jsonable(value), sort_keys=True, ensure_ascii=False, allow_nan=False, indent=1
        )
        + "\n"
    )


def link_or_copy(src: Path, dst: Path) -> None:
    """`dst` as a hard link to `src`, or a copy where links are impossible."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.unlink(missing_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def check_writable_dir(directory: Path, what: str = "output") -> None:
    """Create `directory` (and parents) if needed and prove a file can be written in it.

    Run before any expensive work, so a read-only disk or a file in the way is reported
    at once instead of after minutes of rendering. Root ignores permission bits, so the
    check writes a real file rather than trusting `os.access`.
    """
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise InputError(f"{directory}: {what} folder is an existing file")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".twinflash-probe-", dir=directory)
        os.close(fd)
        os.unlink(probe)
    except (FileExistsError, NotADirectoryError):
        raise InputError(f"{directory}: a parent of the {what} folder is a file") from None
    except OSError as exc:
        raise InputError(f"{directory}: cannot write the {what} here ({exc.strerror})") from None


def is_own_directory(path: Path, known_files: Iterable[str] = ()) -> bool:
    """True if twinflash wrote `path`: it holds the marker, or only files twinflash writes.

    The second case accepts outputs of versions that wrote no marker yet.
    """
    path = Path(path)
    if (path / MARKER).is_file():
        return True
    allowed = set(known_files)
    entries = [p.name for p in path.iterdir()]
    return bool(allowed) and all(name in allowed for name in entries)


def check_replaceable_dir(target: Path, known_files: Iterable[str] = ()) -> None:
    """Refuse to replace anything but an empty folder or one twinflash wrote.

    Also refuses the current folder and its ancestors: replacing them would pull the
    ground from under the user's shell.
    """
    target = Path(target)
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise InputError(f"{target}: exists and is not a directory; refusing to replace it")
    if not target.exists():
        return
    resolved = target.resolve()
    cwd = Path.cwd().resolve()
    if resolved == cwd or resolved in cwd.parents:
        raise InputError(f"{target}: is the current folder or contains it; choose a new folder")
    if any(target.iterdir()) and not is_own_directory(target, known_files):
        sample = sorted(p.name for p in target.iterdir())[:3]
        raise InputError(
            f"{target}: folder holds files twinflash did not write ({', '.join(sample)}...); "
            "refusing to replace it: choose a new or empty folder"
        )


@contextlib.contextmanager
def atomic_directory(
    target: Path, known_files: Iterable[str] = (), marker: str = "twinflash\n"
) -> Iterator[Path]:
    """Yield a temporary sibling directory; on success it replaces `target`.

    The new directory gets the marker file. An existing `target` must be empty or
    twinflash's own (`check_replaceable_dir`). Linux cannot rename a directory over a
    non-empty one, so the old one is renamed aside and deleted only once the new one is in
    place: a failure leaves the old directory or the new one, never a mix.
    """
    target = Path(target)
    known = tuple(known_files)
    check_replaceable_dir(target, known)
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(target.parent, [target.name])
    tmp = temp_sibling(target)
    tmp.mkdir()
    try:
        yield tmp
        (tmp / MARKER).write_text(marker, encoding="utf-8")
        old = None
        if target.exists():
            check_replaceable_dir(target, known)  # it may have changed while we worked
            old = temp_sibling(target, "tmp-old")
            target.rename(old)
        try:
            tmp.rename(target)
        except BaseException:
            if old is not None:
                old.rename(target)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
