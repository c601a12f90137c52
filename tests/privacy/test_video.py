"""Videos: every frame blurred, detections carried across frames, sound kept, bad files reported."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np
import pytest

from twinflash.errors import InputError
from twinflash.privacy.blur import blur_regions
from twinflash.privacy.faces import FaceDetector
from twinflash.privacy.pipeline import BlurOptions, Detectors, blur_paths
from twinflash.privacy.regions import Region
from twinflash.privacy.video import blur_video, probe

FRAMES, FPS, SIZE_WH = 8, 8, (320, 240)


def _frames(astronaut: np.ndarray) -> list[np.ndarray]:
    """A face (from the astronaut photo) drifting right over a grey wall."""
    face = cv2.resize(astronaut[30:200, 160:300], (70, 85))
    out = []
    for i in range(FRAMES):
        frame = np.full((SIZE_WH[1], SIZE_WH[0], 3), 128, dtype=np.uint8)
        x = 60 + 6 * i
        frame[60:145, x : x + 70] = face
        out.append(frame)
    return out


def _read_all(path: Path) -> list[np.ndarray]:
    gen = imageio_ffmpeg.read_frames(str(path))
    meta = next(gen)
    w, h = meta["size"]
    return [np.frombuffer(f, np.uint8).reshape(h, w, 3).copy() for f in gen]


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory, astronaut: np.ndarray) -> Path:
    """A small H.264 MP4 with a sine sound track, made with imageio-ffmpeg's ffmpeg."""
    folder = tmp_path_factory.mktemp("video")
    silent, clip = folder / "silent.mp4", folder / "clip.mp4"
    writer = imageio_ffmpeg.write_frames(str(silent), SIZE_WH, fps=FPS, macro_block_size=2)
    writer.send(None)
    for frame in _frames(astronaut):
        writer.send(frame)
    writer.close()
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-i", str(silent),
         "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000", "-shortest",
         "-c:v", "copy", "-c:a", "aac", "-metadata", "location=+48.85+002.35/", str(clip)],
        check=True,
    )  # fmt: skip
    assert probe(clip).has_audio
    return clip


def test_video_blurred_sound_dropped_by_default(clip: Path, tmp_path: Path) -> None:
    """Voices are personal data the blur cannot hide: no sound track unless asked for."""
    det = Detectors(BlurOptions(plates=False))
    (report,) = blur_paths([clip], tmp_path, BlurOptions(plates=False), detectors=det)
    assert report.ok, report.error
    assert not probe(tmp_path / "clip.mp4").has_audio
    side = json.loads((tmp_path / "clip.mp4.json").read_text())
    assert side["audio_dropped"] and not side["audio_kept"]


def test_video_blurred_with_sound_kept(clip: Path, tmp_path: Path) -> None:
    faces = FaceDetector(scales=(1.0,))  # the video defaults
    before = _read_all(clip)
    assert all(len(faces(f)) == 1 for f in before)  # the face is there in every frame
    opts = BlurOptions(plates=False, keep_audio=True)
    (report,) = blur_paths([clip], tmp_path, opts, detectors=Detectors(opts))
    assert report.ok, report.error
    out = tmp_path / "clip.mp4"
    info = probe(out)
    assert info.has_audio and info.size_wh == SIZE_WH
    after = _read_all(out)
    assert len(after) == FRAMES == report.frames
    assert all(faces(f) == [] for f in after)
    side = json.loads((tmp_path / "clip.mp4.json").read_text())
    assert side["audio_kept"] and not side["audio_dropped"] and side["frames"] == FRAMES
    assert sorted({r["frame"] for r in side["blurred"]}) == list(range(FRAMES))
    tags = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-i", str(out)], capture_output=True, text=True
    ).stderr
    assert "location" not in tags  # GPS tag of the input dropped


def test_face_missed_in_one_frame_stays_blurred(clip: Path, tmp_path: Path) -> None:
    """A detector that misses frame 3: the tracker blurs the face there all the same."""
    calls = {"n": 0}

    def flaky(frame: np.ndarray) -> list[Region]:
        i = calls["n"]
        calls["n"] += 1
        return [] if i == 3 else [Region("face", (60.0 + 6 * i, 60.0, 130.0 + 6 * i, 145.0), 0.9)]

    target = tmp_path / "out.mp4"
    _, regions, frames = blur_video(
        clip, target, flaky, lambda f, r: blur_regions(f, r, "solid", 0.0, False), 3
    )
    assert frames == FRAMES
    carried = [r for r in regions if r.carried]
    assert [r.frame for r in carried] == [3]
    frame3 = _read_all(target)[3]
    assert frame3[70:135, 85:135].mean() < 20  # blacked out, not flashed through


def test_truncated_and_empty_videos_reported(clip: Path, tmp_path: Path) -> None:
    data = clip.read_bytes()
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes(data[: len(data) // 2])
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    reports = blur_paths(
        [truncated, empty, clip], tmp_path / "out", BlurOptions(faces=False, plates=False)
    )
    assert [r.ok for r in reports] == [False, False, True]
    assert "truncated.mp4" in reports[0].error and "video" in reports[0].error
    assert "empty file" in reports[1].error
    assert not (tmp_path / "out" / "truncated.mp4").exists()
    with pytest.raises(InputError, match="not a readable video"):
        probe(truncated)


def test_truncated_streamable_video_reported(clip: Path, tmp_path: Path) -> None:
    """Index at the front (faststart): ffmpeg decodes the first half and stops quietly."""
    streamable = tmp_path / "fast.mp4"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-i", str(clip),
         "-c", "copy", "-movflags", "+faststart", str(streamable)],
        check=True,
    )  # fmt: skip
    data = streamable.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) * 6 // 10])
    with pytest.raises(InputError, match=r"cut\.mp4: truncated or corrupt video: decoded \d of"):
        blur_video(cut, tmp_path / "out.mp4", lambda f: [], lambda f, r: f)
    assert not (tmp_path / "out.mp4").exists()
