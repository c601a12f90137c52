"""Output files that appear whole or not at all, and the sweep of what a killed run left.

A file is written to a hidden temporary beside its target and renamed over it at the end.
The temporary's name carries the writer's process id,
``.reg.rejects.csv.twinflash-4242-1f3a9c0e.tmp``, so that a later run can tell the
leftovers of a dead writer (kill -9, power cut) from the work of one still running, and
remove only those: names of exactly this pattern, never any other file.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from twinflash.errors import InputError

_MARK = ".twinflash-"
_TEMP_RE = re.compile(r"^\..+\.twinflash-(\d+)-[0-9a-f]{8}\.tmp$")


def temp_name(target: Path, pid: int | None = None) -> str:
    """The hidden temporary name of ``target`` for process ``pid`` (this one by default)."""
    pid = os.getpid() if pid is None else pid
    return f".{target.name}{_MARK}{pid}-{secrets.token_hex(4)}.tmp"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def sweep(folder: Path) -> list[Path]:
    """Remove the temporaries in ``folder`` whose writer is dead; return what was removed.
    A process id reused since leaves the file for a later sweep (never the wrong way)."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_RE.match(entry.name)
        if match is None or not entry.is_file(follow_symlinks=False):
            continue
        if _alive(int(match.group(1))):
            continue
        with contextlib.suppress(FileNotFoundError):  # another sweeper was quicker
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


def check_target(target: Path, what: str) -> None:
    """Refuse a target that cannot be a file: a directory, or in a folder that is none."""
    if target.is_dir():
        raise InputError(f"{target}: is a directory (the {what} is a file)")
    if target.parent.exists() and not target.parent.is_dir():
        raise InputError(f"{target}: {target.parent} is not a folder")
    if not target.parent.is_dir():
        raise InputError(f"{target}: folder {target.parent} does not exist")


def reserve(target: Path, what: str, *, make_parents: bool = False) -> tuple[Path, TextIO]:
    """Create the temporary of ``target`` now, before any work, and open it for writing:
    an unwritable place is found before a long import or generation, not after it.
    Leftovers of dead writers in that folder are swept first."""
    if make_parents and not target.parent.exists():
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{target}: cannot create its folder ({exc.strerror})") from None
    check_target(target, what)
    sweep(target.parent)
    tmp = target.parent / temp_name(target)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise InputError(f"{target}: cannot write the {what} there ({exc.strerror})") from None
    return tmp, os.fdopen(fd, "w", encoding="utf-8", newline="")


@contextlib.contextmanager
def atomic_text(
    target: Path, what: str = "output", *, make_parents: bool = False
) -> Iterator[TextIO]:
    """A text file that appears at ``target`` only once fully written."""
    tmp, fh = reserve(target, what, make_parents=make_parents)
    try:
        with fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
