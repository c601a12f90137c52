"""Smaller copies of a demo folder's train and val photos, the held-out ones kept as they are.

    PYTHONPATH=src python benchmarks/shrink_photos.py /tmp/recog-large/large \\
        /tmp/recog-large/base --width 192

Why: to compare recognisers trained at two photo sizes on **the same scenes and the same
held-out photos** (issue #17), so the two differ by resolution alone. Train and val photos
are resized with OpenCV's area filter (an anti-aliased shrink, like a render's pixel
filter) and their plate corners and boxes scaled; test and cal photos are linked, not
copied. The factor must give whole pixels on both sides (400x300 -> 192x144: x0.48).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2

from twinflash.clonedemo.photos import rendered_photos


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src", type=Path, help="a demo-layout folder (photos/<name>/)")
    ap.add_argument("dst", type=Path, help="the new folder (photos/ is filled)")
    ap.add_argument("--width", type=int, required=True, help="width of the small photos")
    args = ap.parse_args()
    photos = rendered_photos(args.src)
    if not photos:
        raise SystemExit(f"{args.src}: no rendered photos under {args.src / 'photos'}")
    made = 0
    for p in photos:
        folder = (args.src / p.path).parent
        out = args.dst / "photos" / folder.name
        if p.split in ("test", "cal"):
            out.parent.mkdir(parents=True, exist_ok=True)
            if not out.exists():
                out.symlink_to(folder.resolve(), target_is_directory=True)
            continue
        if (out / "annotations.json").is_file():
            continue
        image = cv2.imread(str(folder / "image.png"), cv2.IMREAD_UNCHANGED)
        h, w = image.shape[:2]
        f = args.width / w
        if abs(h * f - round(h * f)) > 1e-9:
            raise SystemExit(f"{folder}: {w}x{h} does not shrink to width {args.width} exactly")
        size = (args.width, round(h * f))
        coco = json.loads((folder / "annotations.json").read_text(encoding="utf-8"))
        for im in coco["images"]:
            im["width"], im["height"] = size
        for a in coco["annotations"]:
            if a.get("corners"):
                a["corners"] = [[x * f, y * f] for x, y in a["corners"]]
            a["bbox"] = [v * f for v in a["bbox"]]
            for key in ("segmentation", "amodal_segmentation", "amodal_bbox"):
                a.pop(key, None)  # not scaled: dropped rather than left wrong
        out.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(out / "image.png"), cv2.resize(image, size, interpolation=cv2.INTER_AREA))
        (out / "annotations.json").write_text(json.dumps(coco), encoding="utf-8")
        made += 1
    print(f"{args.dst}: {made} photos shrunk, {len(photos)} in the layout")


if __name__ == "__main__":
    main()
