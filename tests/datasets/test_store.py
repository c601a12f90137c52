"""The dataset directory: sample names, done samples, journals, sweeps, the lock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from twinflash.annotate.write import SCENE_FILES
from twinflash.datasets.store import DatasetDir, check_output_location, sample_name
from twinflash.errors import InputError

ONE_IMAGE = {"images": [{"id": 1}], "annotations": [], "categories": []}


def _write_sample(store: DatasetDir, index: int, count: int, coco: object = ONE_IMAGE) -> Path:
    d = store.sample_dir(index, count)
    d.mkdir(parents=True)
    for name in SCENE_FILES:
        (d / name).write_text("x")
    (d / "annotations.json").write_text(json.dumps(coco))
    return d


def test_sample_names_have_six_digits_or_more() -> None:
    assert sample_name(42, 100) == "000042"
    assert sample_name(42, 10_000_001) == "00000042"


def test_a_sample_is_done_only_when_whole_and_readable(tmp_path: Path) -> None:
    store = DatasetDir(tmp_path)
    assert not store.is_done(0, 3)
    _write_sample(store, 0, 3)
    assert store.is_done(0, 3)
    (_write_sample(store, 1, 3) / "depth.npy").unlink()
    assert not store.is_done(1, 3)  # a file missing
    _write_sample(store, 2, 3, coco={"images": []})
    assert not store.is_done(2, 3)  # no image in its COCO


def test_current_failures_are_the_last_error_of_samples_still_not_done(tmp_path: Path) -> None:
    store = DatasetDir(tmp_path)
    for rec in [{"index": 0, "error": "a"}, {"index": 1, "error": "b"}, {"index": 1, "error": "c"},
                {"index": 7, "error": "beyond count"}]:  # fmt: skip
        store.append_jsonl(store.failures, rec)
    _write_sample(store, 0, 3)  # sample 0 was rendered again since
    assert store.current_failures(3) == [{"index": 1, "error": "c"}]


def test_a_torn_last_journal_line_is_skipped(tmp_path: Path) -> None:
    store = DatasetDir(tmp_path)
    store.append_jsonl(store.journal, {"index": 0})
    with open(store.journal, "a") as fh:
        fh.write('{"index": 1, "wor')
    assert store.read_jsonl(store.journal) == [{"index": 0}]
    assert store.read_jsonl(tmp_path / "absent.jsonl") == []


def test_manifest_round_trip_and_a_corrupt_one_is_named(tmp_path: Path) -> None:
    store = DatasetDir(tmp_path)
    assert store.read_manifest() is None
    store.write_manifest({"schema_version": 1, "digest": "abc"})
    assert store.read_manifest() == {"schema_version": 1, "digest": "abc"}
    store.manifest.write_text("{oops")
    with pytest.raises(InputError, match=r"manifest\.json: unreadable manifest"):
        store.read_manifest()


def test_sweep_removes_half_written_samples_and_scratch_only(tmp_path: Path) -> None:
    store = DatasetDir(tmp_path)
    kept = _write_sample(store, 0, 2)
    (store.samples / ".000001.tmp-123-ab").mkdir()
    (tmp_path / ".manifest.json.tmp-123-cd").write_text("half")
    store.scratch.mkdir()
    assert store.sweep_temporaries() == 2
    assert not store.scratch.exists() and kept.is_dir()
    assert sorted(p.name for p in store.samples.iterdir()) == [kept.name]


def test_one_generation_per_directory(tmp_path: Path) -> None:
    store = DatasetDir(tmp_path)
    other = DatasetDir(tmp_path)
    with store.lock(), pytest.raises(InputError, match="another generation is running here"):
        other.lock().__enter__()
    with store.lock():  # released on exit
        pass


def test_output_location_errors_name_the_parameter(tmp_path: Path) -> None:
    check_output_location(tmp_path / "new" / "deeper")  # nearest ancestor is writable
    assert not (tmp_path / "new").exists()  # and nothing is left behind
    afile = tmp_path / "f"
    afile.write_text("x")
    with pytest.raises(InputError, match=r"`out` .*f: exists and is not a directory"):
        check_output_location(afile, "out")
    with pytest.raises(InputError, match=r"`out_dir` .*: .*f is not a directory"):
        check_output_location(afile / "sub")
    assert [p.name for p in tmp_path.iterdir()] == ["f"]
