"""Inputs and outputs of the blur command: what is collected, where copies go, safe decoding,
metadata-free atomic writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from twinflash.errors import InputError
from twinflash.privacy.media import (
    check_out_dir,
    collect,
    load_image,
    media_kind,
    output_path,
    save_image,
)


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_media_kind_from_the_extension() -> None:
    assert media_kind(Path("a.JPG")) == "image" and media_kind(Path("b.webm")) == "video"
    with pytest.raises(InputError, match=r"c\.gif: unsupported format '\.gif' \(known: "):
        media_kind(Path("c.gif"))


def test_collect_keeps_the_tree_below_the_common_folder(tmp_path: Path) -> None:
    _touch(tmp_path / "x" / "Images" / "a.jpg")
    _touch(tmp_path / "x" / "Images" / "sub" / "b.png")
    _touch(tmp_path / "x" / "Images" / "notes.txt")
    (tmp_path / "x" / "empty").mkdir()
    items = list(collect([tmp_path / "x" / "Images", tmp_path / "x" / "empty"]))
    assert [(i.relative.as_posix(), i.error) for i in items[:2]] == [
        ("Images/a.jpg", ""),
        ("Images/sub/b.png", ""),
    ]
    assert items[2].error.endswith("folder holds no image or video (.avi, .jpeg, .jpg, .m4v, "
                                   ".mkv, .mov, .mp4, .png, .webm)")  # fmt: skip


def test_collect_skips_its_own_outputs_and_reports_named_files(tmp_path: Path) -> None:
    _touch(tmp_path / "a.jpg")
    _touch(tmp_path / "out" / "a.jpg")  # a previous run's copy
    found = [i.relative.as_posix() for i in collect([tmp_path], out_dir=tmp_path / "out")]
    assert found == [f"{tmp_path.name}/a.jpg"]
    named = list(collect([tmp_path / "doc.gif"]))  # named explicitly: reported later
    assert [i.relative.as_posix() for i in named] == ["doc.gif"]


def test_videos_become_mp4_and_an_original_is_never_overwritten(tmp_path: Path) -> None:
    assert output_path(Path("in/v.mov"), Path("v.mov"), tmp_path) == tmp_path / "v.mp4"
    source = _touch(tmp_path / "a.jpg")
    with pytest.raises(InputError, match="output would overwrite the original"):
        output_path(source, Path("a.jpg"), tmp_path)


def test_load_image_checks_size_first_and_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    Image.fromarray(np.zeros((100, 200, 3), np.uint8)).save(path)
    assert load_image(path).shape == (100, 200, 3)
    with pytest.raises(InputError, match=r"big\.png: image of 200x100 px .* limit is 0 MP"):
        load_image(path, max_pixels=10_000)
    empty = _touch(tmp_path / "e.jpg")
    empty.write_bytes(b"")
    with pytest.raises(InputError, match=r"e\.jpg: empty file \(0 bytes\)"):
        load_image(empty)
    with pytest.raises(InputError, match=r"x\.jpg: not a readable image"):
        load_image(_touch(tmp_path / "x.jpg"))


def test_saved_images_carry_pixels_only(tmp_path: Path) -> None:
    src = tmp_path / "exif.jpg"
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    Image.fromarray(np.full((20, 20, 3), 90, np.uint8)).save(src, exif=exif)
    assert Image.open(src).getexif()  # the input has metadata
    save_image(load_image(src), tmp_path / "out.jpg")
    assert not Image.open(tmp_path / "out.jpg").getexif()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp


def test_out_dir_is_checked_without_creating_it(tmp_path: Path) -> None:
    check_out_dir(tmp_path / "a" / "b")
    assert not (tmp_path / "a").exists()
    blocker = _touch(tmp_path / "file")
    with pytest.raises(InputError, match="`out_dir` exists and is not a folder"):
        check_out_dir(blocker)
    with pytest.raises(InputError, match=f"`out_dir` {blocker} is a file"):
        check_out_dir(blocker / "sub")
