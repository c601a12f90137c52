"""check-batch: every row once, failures recorded per item, resumable after kill -9."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pyarrow.parquet as pq
import pytest
from tests.flash.batch_fakes import SlowChecker

from twinflash.errors import InputError
from twinflash.flash.batch import journal_path, read_manifest, run_batch

ROOT = Path(__file__).resolve().parents[2]


def write_photos(folder: Path, n: int) -> Path:
    """`n` small photos of growing brightness and a manifest with a plate per row."""
    (folder / "img").mkdir(parents=True)
    rows = []
    for i in range(n):
        cv2.imwrite(
            str(folder / "img" / f"{i:03d}.png"), np.full((16, 16, 3), (20 * i) % 256, np.uint8)
        )
        rows.append([f"img/{i:03d}.png", f"AB-{100 + i:03d}-CD"])
    with (folder / "photos.csv").open("w", newline="") as fh:
        csv.writer(fh).writerows([["path", "plate"], *rows])
    return folder / "photos.csv"


def calls(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_every_row_once_in_manifest_order_with_two_workers(tmp_path: Path) -> None:
    manifest = write_photos(tmp_path, 12)
    log = tmp_path / "calls.txt"
    report = run_batch(manifest, tmp_path / "out.parquet", SlowChecker(str(log)), workers=2)
    table = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert [r["row"] for r in table] == list(range(12)) and report.rows == 12
    assert [r["plate_given"] for r in table] == [f"AB-{100 + i:03d}-CD" for i in range(12)]
    pids = {int(line.split()[0]) for line in calls(log)}
    assert len(calls(log)) == 12 and os.getpid() not in pids  # worker processes did the work
    assert report.counts == {"consistent": 7, "suspected_clone": 5}
    assert not journal_path(tmp_path / "out.parquet").exists()
    with pytest.raises(InputError, match="already exists"):
        run_batch(manifest, tmp_path / "out.parquet", SlowChecker(str(log)))


def test_killed_batch_resumes_with_nothing_lost_or_duplicated(tmp_path: Path) -> None:
    manifest = write_photos(tmp_path, 30)
    out, log = tmp_path / "out.parquet", tmp_path / "calls.txt"
    code = (
        "from tests.flash.batch_fakes import SlowChecker\n"
        "from twinflash.flash.batch import run_batch\n"
        f"run_batch({str(manifest)!r}, {str(out)!r}, SlowChecker({str(log)!r}, 0.1))\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT)
    journal = journal_path(out)
    try:
        while proc.poll() is None and len(calls(log)) < 8:
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the batch ended before it could be killed"
    assert journal.exists() and not out.exists()
    with journal.open("a") as fh:  # a row cut short by the kill
        fh.write('{"row": 29, "path": "img/029.pn')
    before = len(calls(log))
    report = run_batch(manifest, out, SlowChecker(str(log)))
    table = pq.read_table(out).to_pylist()
    assert [r["row"] for r in table] == list(range(30))
    assert [r["path"] for r in table] == [f"img/{i:03d}.png" for i in range(30)]
    assert report.resumed >= 7 and report.resumed + (len(calls(log)) - before) == 30
    assert not journal.exists()


def test_journal_of_another_batch_is_refused(tmp_path: Path) -> None:
    manifest = write_photos(tmp_path, 3)
    out = tmp_path / "out.parquet"
    journal_path(out).write_text('{"journal": 1, "manifest": "0000", "checker": {}}\n')
    with pytest.raises(InputError, match="another manifest, model or registry"):
        run_batch(manifest, out, SlowChecker(str(tmp_path / "c.txt")))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such manifest"),
        ("photo,plate\na.png,AB-123-CD\n", "no 'path' column"),
        ("path,plat\na.png,AB-123-CD\n", r"unknown column\(s\) \['plat'\]"),
        ("path,tl_x,tl_y\na.png,1,2\n", "plate corners need all of"),
        ("path\n\n,\n", "empty path"),
        (b"path\n\xff\xfe.png\n", "not UTF-8"),
    ],
)
def test_bad_manifest_is_one_error(tmp_path: Path, content, message) -> None:
    path = tmp_path / "m.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(InputError, match=message):
        read_manifest(path)


def test_vehicle_box_columns_reach_the_checker_and_bad_ones_are_rows(tmp_path: Path) -> None:
    from tests.flash.batch_fakes import BoxChecker

    (tmp_path / "a.png").write_bytes(cv2.imencode(".png", np.zeros((8, 8, 3), np.uint8))[1])
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,plate,x,y,w,h\na.png,AB-100-CD,1,2,30,40\na.png,AB-101-CD,1,x,3,4\n"
                        "a.png,AB-102-CD,,,,\n")  # fmt: skip
    rows = pq.read_table(run_batch(manifest, tmp_path / "o.parquet", BoxChecker()).out).to_pylist()
    assert rows[0]["reasons"] == "box (1.0, 2.0, 31.0, 42.0)"
    assert (rows[1]["status"], rows[1]["error"]) == ("error", "bad_box")
    assert rows[2]["reasons"] == "box None"
    with pytest.raises(InputError, match="vehicle box needs all of"):
        read_manifest(_write(tmp_path / "n.csv", "path,x,y\na.png,1,2\n"))


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path
