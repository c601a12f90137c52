"""The pipeline's own work, without Blender: scene overrides, the output check, and the
order render -> annotate -> write with its scratch folder (the renderer replaced by a
synthetic frame of known truth; the real render: tests/annotate/test_with_blender.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.annotate.annotate_synth import make_frame, make_scene

from twinflash import pipeline
from twinflash.annotate.write import SCENE_FILES
from twinflash.errors import InputError
from twinflash.frame import Frame
from twinflash.scene.models import Scene


@pytest.fixture
def scene_file(tmp_path: Path) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text("name: s\nquality: {preset: draft}\ncamera: {resolution_wh: [1280, 720]}\n")
    return path


def test_overrides_apply_before_validation(scene_file: Path) -> None:
    plain = pipeline.load_scene_with_overrides(scene_file)
    assert plain.camera.resolution_wh == (1280, 720) and plain.quality.preset == "draft"
    small = pipeline.load_scene_with_overrides(scene_file, resolution_wh=(320, 180))
    assert small.camera.resolution_wh == (320, 180)
    final = pipeline.load_scene_with_overrides(scene_file, quality="final")
    assert (final.quality.preset, final.quality.samples) == ("final", 64)
    custom = pipeline.load_scene_with_overrides(scene_file, samples=5)
    assert (custom.quality.preset, custom.quality.samples) == ("draft", 5)
    with pytest.raises(InputError, match=r"resolution_wh .* outside 16\.\.8192"):
        pipeline.load_scene_with_overrides(scene_file, resolution_wh=(8, 8))


def test_a_quality_that_is_not_a_mapping_is_named(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text("quality: final\n")
    with pytest.raises(InputError, match=r"q\.yaml: quality: expected a mapping"):
        pipeline.load_scene_with_overrides(path, samples=4)


def test_output_check_refuses_a_users_folder(tmp_path: Path) -> None:
    pipeline.check_output_dir(tmp_path / "new")  # absent: fine
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years of work")
    with pytest.raises(InputError, match="folder holds files twinflash did not write"):
        pipeline.check_output_dir(mine)


def _fake_render(seen: list[Path], fail: bool = False):  # type: ignore[no-untyped-def]
    def render_frame(scene: Scene, work_dir: Path, threads: int | None) -> tuple[Frame, int]:
        assert work_dir.is_dir()
        seen.append(work_dir)
        if fail:
            raise RuntimeError("Blender crashed")
        frame = make_frame()
        frame.timings_s["image"] = 0.5
        return frame, threads or 2

    return render_frame


def test_render_annotate_write_and_remove_the_scratch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import twinflash.render.entry

    seen: list[Path] = []
    monkeypatch.setattr(twinflash.render.entry, "render_frame", _fake_render(seen))
    calls: list[bool] = []
    out = tmp_path / "out"
    done = pipeline.render_to_dir(
        make_scene(), out, threads=1, before_write=lambda: calls.append(out.exists())
    )
    assert calls == [False]  # before_write runs before anything is written
    assert sorted(p.name for p in out.iterdir() if p.name in SCENE_FILES) == sorted(SCENE_FILES)
    assert done.render_threads == 1 and done.timings_s["render_image"] == 0.5
    assert {"render", "annotate", "write"} <= set(done.timings_s)
    # the scratch was a hidden pid-stamped sibling of the output, removed after the render
    assert seen[0].parent == tmp_path and seen[0].name.startswith(".twinflash-render.tmp-")
    assert not seen[0].exists()


def test_a_failed_render_leaves_neither_output_nor_scratch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import twinflash.render.entry

    seen: list[Path] = []
    monkeypatch.setattr(twinflash.render.entry, "render_frame", _fake_render(seen, fail=True))
    with pytest.raises(RuntimeError, match="Blender crashed"):
        pipeline.render_to_dir(make_scene(), tmp_path / "out")
    assert list(tmp_path.iterdir()) == []
    work = tmp_path / "work"
    with pytest.raises(RuntimeError):
        pipeline.render_to_dir(make_scene(), tmp_path / "out", work_dir=work)
    assert seen[-1] == work and work.is_dir()  # a given work_dir is the caller's to remove
