"""Vehicle crops: which vehicles, the crop box, and the ASCII make/model folders."""

from __future__ import annotations

from twinflash.formats.vehicles import annotations_to_crops, folder_name, read, write


def test_vehicle_crops_go_to_ascii_make_model_folders(annotated) -> None:
    frame, _, ann = annotated
    crops = annotations_to_crops(frame.rgb, ann, min_box_px=8, min_visibility=0.5)
    assert [(c[0], c[1], c[2]) for c in crops] == [(2, "Citroën", "C3")]
    assert crops[0][3].shape == (20, 30, 3)  # box 36:60 x 30:46 grown 10%: cols 33:63, rows 28:48
    assert folder_name("Citroën") == "Citroen" and folder_name("Model 3") == "Model_3"
    assert annotations_to_crops(frame.rgb, ann, min_box_px=17) == []


def test_write_then_read_lists_the_crops(tmp_path, annotated) -> None:
    frame, _, ann = annotated
    crops = annotations_to_crops(frame.rgb, ann, min_box_px=8)
    (path,) = write(tmp_path, "test", "000003", crops)
    assert path == tmp_path / "test" / "Citroen" / "C3" / "000003_2.png"
    assert read(tmp_path) == [(path, "test", "Citroen", "C3")]
