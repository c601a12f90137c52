"""French plate artwork for the renderer's plates: the shared 2-D drawing
(`twinflash.scene.plate_art`, the plate font's own glyphs) at 4 px per mm, clean and new,
so that renders and the 2-D reader tests show the same plate."""

from __future__ import annotations

from PIL import Image

from twinflash.scene.plate_art import BAND_W_MM, PLATE_H_MM, PLATE_W_MM, plate_face

__all__ = ["BAND_W_MM", "PLATE_H_MM", "PLATE_W_MM", "PX_PER_MM", "plate_image"]

PX_PER_MM = 4


def plate_image(text: str, departement: str = "75") -> Image.Image:
    """The plate face as an RGB image, PX_PER_MM pixels per millimetre."""
    return plate_face(text, departement, PX_PER_MM)
