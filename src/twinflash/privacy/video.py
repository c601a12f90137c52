"""Videos: decode and encode with the ffmpeg binary shipped in imageio-ffmpeg.

Frames are read as RGB, blurred one by one with detections carried by the tracker and
encoded to H.264; global metadata (GPS, device) is dropped. The sound track is dropped too
unless asked for (voices and names spoken are personal data the blur cannot hide); when
kept it is remuxed (AAC) in the same ffmpeg call.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from twinflash.errors import InputError
from twinflash.files import temp_sibling
from twinflash.privacy.regions import Region
from twinflash.privacy.tracking import IouTracker

MAX_VIDEO_PIXELS = 8192 * 4320  # 8K: beyond that a frame is refused before decoding


@dataclass(frozen=True)
class VideoInfo:
    size_wh: tuple[int, int]
    fps: float
    has_audio: bool
    duration_s: float


def probe(path: Path) -> VideoInfo:
    """Header facts from ffmpeg; InputError for empty, corrupt or huge files."""
    import imageio_ffmpeg

    if path.stat().st_size == 0:
        raise InputError(f"{path}: empty file (0 bytes)")
    gen = imageio_ffmpeg.read_frames(str(path))
    try:
        meta = next(gen)
    except (OSError, RuntimeError, StopIteration) as exc:
        raise InputError(f"{path}: not a readable video ({_first_line(exc)})") from exc
    finally:
        gen.close()
    w, h = meta.get("size") or (0, 0)
    if w * h == 0:
        raise InputError(f"{path}: video has no picture stream")
    if w * h > MAX_VIDEO_PIXELS:
        raise InputError(f"{path}: video frames of {w}x{h} px refused (limit 8K)")
    return VideoInfo(
        (int(w), int(h)),
        float(meta.get("fps") or 25.0),
        meta.get("audio_codec") is not None,
        float(meta.get("duration") or 0.0),
    )


def blur_video(
    source: Path,
    target: Path,
    detect: Callable[[np.ndarray], list[Region]],
    obscure: Callable[[np.ndarray, list[Region]], np.ndarray],
    persistence: int = 5,
    on_frame: Callable[[int], None] | None = None,
    keep_audio: bool = False,
) -> tuple[VideoInfo, list[Region], int]:
    """Blur every frame; returns the video facts, the regions blurred and the frame count.

    `detect` finds regions in one frame, `obscure` blurs them; a truncated file raises
    InputError after the partial output has been removed. The input's sound is copied
    only with `keep_audio`.
    """
    import imageio_ffmpeg

    info = probe(source)
    tracker = IouTracker(persistence=persistence)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_sibling(target, keep_suffix=True)  # ffmpeg picks the container from it
    blurred: list[Region] = []
    frames = 0
    audio = info.has_audio and keep_audio
    writer = imageio_ffmpeg.write_frames(
        str(tmp),
        info.size_wh,
        fps=info.fps,
        codec="libx264",
        quality=7,
        macro_block_size=2,
        ffmpeg_log_level="error",
        output_params=["-map_metadata", "-1", "-movflags", "+faststart"],
        audio_path=str(source) if audio else None,
        audio_codec="aac" if audio else None,
    )
    reader = imageio_ffmpeg.read_frames(str(source))
    try:
        writer.send(None)
        next(reader)
        w, h = info.size_wh
        for raw in reader:
            frame = np.frombuffer(raw, dtype=np.uint8).reshape(h, w, 3)
            regions = tracker.update(frames, detect(frame))
            writer.send(np.ascontiguousarray(obscure(frame, regions)))
            blurred += regions
            frames += 1
            if on_frame is not None:
                on_frame(frames)
        writer.close()
        if frames == 0:
            raise InputError(f"{source}: video has no decodable frame")
        expected = info.duration_s * info.fps  # ffmpeg stops quietly on a cut-off file
        if frames < 0.9 * expected - 1:
            raise InputError(
                f"{source}: truncated or corrupt video: decoded {frames} of ~{expected:.0f} frames"
            )
        os.replace(tmp, target)
    except RuntimeError as exc:
        raise InputError(f"{source}: corrupt or truncated video ({_first_line(exc)})") from exc
    finally:
        reader.close()
        writer.close()
        tmp.unlink(missing_ok=True)
    return info, blurred, frames


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
