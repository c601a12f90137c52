"""Plate reading benchmark: exact reads, character error rate, and how often a wrong reading is
still called confident, by plate size, angle, blur, night, dirt and occlusion; seconds per
photo. Today's reader (`PlateReader.read` given the plate box) is measured in the same run as
the grammar reader (`GrammarReader`, given the box or the plate's corners).

    .venv/bin/python benchmarks/plates.py --n 1000 --seed 2 [--cache /tmp/plates-bench]
    .venv/bin/python benchmarks/plates.py --calibrate --seed 1 3 --n 1561 1694 \
        --methods grammar-box,grammar-corners --cached-only  # writes the confident rules
        # (from seed 1 read by grammar-corners and seed 3 by grammar-box, cached first)
    .venv/bin/python benchmarks/plates.py --seed 10 11 --n 3000 3000 \
        --methods grammar-corners                      # the held-out test set (schema 4)
    .venv/bin/python benchmarks/plates.py --seed 8 --n 2104 --only 214 1031 \
        --methods grammar-corners                      # just two photos of seed 8
    .venv/bin/python benchmarks/plates.py --folder DIR [--labels labels.csv]
    .venv/bin/python benchmarks/plates.py --picture docs/img/plate-reading.png  # README's

Synthetic plates: `twinflash.privacy.plate_composites` (the plate font, SIV and FNI, bands,
screws, dirt, wear, glare, perspective, motion blur, night infra-red with flash
overexposure, tow bar, bike rack, noise, JPEG). Each photo's reading is cached as one JSON
line under --cache, so a rerun with a larger --n only reads the new plates.

A user's folder of photos: the true text is the file name's stem up to the first '_'
(`AB-123-CD_front.jpg`, `1234AB56.png`), or a CSV with columns `file,text` and optionally
`x,y,w,h` (the plate box in pixels). Without a box the plate is found first (`find`).
No real photos of French cars ship with twinflash: bring your own.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import astuple, replace
from pathlib import Path

import numpy as np
from rapidfuzz.distance import Levenshtein

from twinflash.annotations import xyxy_to_xywh
from twinflash.flash.plates import normalise_plate
from twinflash.privacy.plate_calibration import (
    BOX_GAP_GATES,
    NO_GAP_GATE,
    Evidence,
    calibrate,
    error_upper_bound,
    save_calibrations,
)
from twinflash.privacy.plate_composites import Composite, Conditions, composite, plans
from twinflash.privacy.plate_layout import layout_gap
from twinflash.privacy.plate_ocr import (
    BOX_LINE_CHARS,
    CALIBRATION,
    CROP_SPANS,
    CropRead,
    GrammarReader,
    PlateRead,
    box_spans,
    calibrations,
    confident_rule,
    crop_evidence,
    threshold_group,
)
from twinflash.privacy.plates import PlateReader

BASELINE_CONFIDENT = 0.7  # the verdict's `min_plate_confidence`: what today counts as sure
CALIBRATION_PATH = Path(__file__).resolve().parents[1] / "src/twinflash/privacy/data" / CALIBRATION

Reading = tuple[str | None, float, dict]  # (canonical text or None, probability, evidence)


def _compact(text: str | None) -> str:
    return "" if text is None else text.replace("-", "").replace(" ", "")


def methods(old: PlateReader, new: GrammarReader) -> dict[str, Callable[[Composite], Reading]]:
    def baseline(c: Composite) -> Reading:
        found = old.read(c.rgb, c.box_xywh)
        return (found[0].text, float(found[0].confidence), {}) if found else (None, 0.0, {})

    def box(c: Composite) -> Reading:
        r = new.read_box(c.rgb, c.box_xywh)
        return r.text, r.probability, evidence(r)

    def corners(c: Composite) -> Reading:
        r = new.read_corners(c.rgb, c.corners)
        return r.text, r.probability, evidence(r)

    return {"baseline": baseline, "grammar-box": box, "grammar-corners": corners}


def evidence(r: PlateRead) -> dict:
    """What a cached row keeps of a grammar reading besides its text and probability: the
    runner-up, the line's height and corners and each crop's say (to study confidence rules
    offline)."""
    return {
        "alts": [[a.text, a.probability] for a in r.alternatives[:3]],
        "line_h": r.height_px,
        "line": np.round(r.line, 2).tolist(),
        "hidden": r.hidden,
        "crops": [
            [c.top, c.share, c.best_share, c.greedy, c.greedy_min, c.fit, c.where] for c in r.crops
        ],
    }


def run_synthetic(
    n: int,
    seed: int,
    cache: Path,
    names: Iterable[str],
    threads: int = 0,
    cached_only: bool = False,
    only: set[int] | None = None,
) -> dict[str, list[dict]]:
    """Readings of the `n` composites of `seed` by each method, cached as JSON lines
    (`threads`: onnxruntime's per model, 0 its default; `cached_only`: only the readings
    already cached, none read; `only`: read just these photos of the `n`)."""
    old, new = PlateReader(threads=threads), GrammarReader(threads=threads)
    funcs = methods(old, new)
    out: dict[str, list[dict]] = {}
    cache.mkdir(parents=True, exist_ok=True)
    done: dict[str, dict[int, dict]] = {}
    for name in names:
        path = cache / f"{name}-seed{seed}.jsonl"
        rows = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
        done[name] = {r["i"]: r for r in rows}
    handles = {name: (cache / f"{name}-seed{seed}.jsonl").open("a") for name in done}
    try:
        for i, plan in enumerate(plans(0 if cached_only else n, seed)):
            todo = [name for name in done if i not in done[name]]
            if not todo or (only is not None and i not in only):
                continue
            c = plan.draw()
            for name in todo:
                t0 = time.perf_counter()
                text, p, extra = funcs[name](c)
                row = {
                    "i": i,
                    "truth": c.text,
                    "read": text,
                    "p": p,
                    "s": time.perf_counter() - t0,
                    **c.slices(),
                    "box": list(c.box_xywh),
                    **extra,
                }
                done[name][i] = row
                handles[name].write(json.dumps(row) + "\n")
                handles[name].flush()
    finally:
        for h in handles.values():
            h.close()
    for name, by_index in done.items():
        out[name] = [by_index[i] for i in range(n) if i in by_index]
    _add_boxes([r for rows in out.values() for r in rows], seed)
    return out


def _add_boxes(rows: list[dict], seed: int) -> None:
    """The plate box of rows cached before 2026-12-08 (late) without one, redrawn (the box
    places box readings on the plate: `box_spans`)."""
    missing = {r["i"] for r in rows if "box" not in r}
    if not missing:
        return
    boxes = {
        i: list(plan.draw().box_xywh)
        for i, plan in enumerate(plans(max(missing) + 1, seed))
        if i in missing
    }
    for r in rows:
        r.setdefault("box", boxes.get(r["i"]))


def _slice_keys(row: dict) -> list[str]:
    """The slices a row counts in: all, its format, then (synthetic rows) its conditions."""
    fmt = f"format {'FNI' if ' ' in row['truth'] else 'SIV'}"
    if "height_px" not in row:
        return ["all", fmt]
    h = row["height_px"]
    size = "<16" if h < 16 else "16-24" if h < 24 else "24-40" if h < 40 else ">=40"
    angle = max(abs(row["yaw_deg"]), abs(row["pitch_deg"]))
    return [
        "all",
        fmt,
        f"height {size} px",
        f"angle {'<10' if angle < 10 else '10-30' if angle < 30 else '>=30'} deg",
        "motion blur" if row["blur_px"] > 1 else "no blur",
        "night IR" if row["night"] else "day",
        "dirty" if row["dirt"] > 0 else "clean",
        f"occlusion {row['occlusion']}",
    ]


SLICE_ORDER = [
    "all", "format SIV", "format FNI", "height <16", "height 16-24", "height 24-40",
    "height >=40", "angle <10", "angle 10-30", "angle >=30", "no blur", "motion blur", "day",
    "night IR", "clean", "dirty", "occlusion none", "occlusion tow_bar", "occlusion bike_rack",
]  # fmt: skip


def _slice_order(key: str) -> int:
    return next((i for i, s in enumerate(SLICE_ORDER) if key.startswith(s)), len(SLICE_ORDER))


def _group(text: str | None) -> str:
    return threshold_group("FNI" if text and " " in text else "SIV")


def row_evidence(row: dict, method: str) -> Evidence:
    """The confident rule's evidence of a cached grammar reading by `method`."""
    crops = [CropRead(*c[:6], tuple(c[6])) for c in row.get("crops", [])]
    boxed = method == "grammar-box"
    chars = row["line_h"] * (BOX_LINE_CHARS if boxed else 1.0)
    spans = box_spans(row["line"], row["box"]) if boxed else CROP_SPANS
    gap = layout_gap(row["read"], [(c.greedy, c.where) for c in crops], spans)
    q = np.asarray(row["line"], dtype=np.float64)  # rows cached before 2026-12-08 lack it
    width = float(np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
    hidden = row.get("hidden", 0.0)
    return Evidence(row["p"], *crop_evidence(row["read"], crops), hidden, chars, gap, width, boxed)


def grammar_confident(method: str, vetoes: bool = True) -> Callable[[dict], bool]:
    """Whether the shipped rule calls a cached reading by grammar `method` confident
    (`vetoes` False: the same rule without its gap and width vetoes, to show their cost)."""

    def confident(row: dict) -> bool:
        if row["read"] is None:
            return False
        rule = confident_rule("FNI" if " " in row["read"] else "SIV")
        if not vetoes:
            rule = replace(
                rule, max_gap=NO_GAP_GATE, min_width_px=0.0, box_max_gap=NO_GAP_GATE,
                box_min_width_px=0.0,
            )  # fmt: skip
        return rule.passes(*astuple(row_evidence(row, method)))

    return confident


def print_vetoes(results: dict[str, list[dict]]) -> None:
    """What the gap and width vetoes cost and caught, and the confident wrong readings left."""
    for m, rows in results.items():
        if m == "baseline":
            continue
        print(f"\n{m}: the gap and width vetoes (confident, wrong among them)")
        for key in ("all", "format SIV", "format FNI"):
            old = summarise(rows, grammar_confident(m, vetoes=False)).get(key)
            new = summarise(rows, grammar_confident(m)).get(key)
            if old and new:
                print(
                    f"{key}: without {old['n_confident']} ({old['confident']:.1%}), "
                    f"{old['wrong_confident']} wrong; with {new['n_confident']} "
                    f"({new['confident']:.1%}), {new['wrong_confident']} wrong "
                    f"(95% upper bound {new['upper_bound']:.2%})"
                )
        sure, plain = grammar_confident(m), grammar_confident(m, vetoes=False)
        for r in rows:
            if r["read"] != r["truth"] and plain(r):
                e = row_evidence(r, m)
                print(
                    f"  {'STILL CONFIDENT' if sure(r) else 'vetoed'}: {r['truth']} read "
                    f"{r['read']} at {r['p']:.3f}, gap {e.gap:.2f}, line {e.width_px:.0f} px "
                    f"wide, characters {e.chars_px:.1f} px, yaw {r.get('yaw_deg', 0):.0f}, "
                    f"blur {r.get('blur_px', 0)}, night {r.get('night')}, "
                    f"{r.get('occlusion')} (photo {r.get('i')})"
                )


def baseline_confident(row: dict) -> bool:
    return row["p"] >= BASELINE_CONFIDENT


def summarise(rows: list[dict], confident: Callable[[dict], bool]) -> dict[str, dict[str, float]]:
    """exact, CER, wrong-but-confident share, error among confident, s/photo, by slice."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        for key in _slice_keys(r):
            groups[key].append(r)
    table = {}
    for key, rs in groups.items():
        right = [r["read"] == r["truth"] for r in rs]
        conf = [confident(r) for r in rs]
        wrong = len(rs) - sum(right)
        wrong_conf = sum(c and not ok for c, ok in zip(conf, right, strict=True))
        cer = sum(
            Levenshtein.distance(_compact(r["read"]), _compact(r["truth"])) for r in rs
        ) / max(1, sum(len(_compact(r["truth"])) for r in rs))
        table[key] = {
            "n": len(rs),
            "exact": sum(right) / len(rs),
            "cer": cer,
            "confident": sum(conf) / len(rs),
            "wrong_called_confident": wrong_conf / wrong if wrong else 0.0,
            "error_among_confident": wrong_conf / max(1, sum(conf)),
            "wrong_confident": wrong_conf,
            "n_confident": sum(conf),
            "upper_bound": error_upper_bound(wrong_conf, sum(conf)),
            "s_per_photo": float(np.mean([r["s"] for r in rs])),
        }
    return table


def print_tables(results: dict[str, list[dict]]) -> None:
    tables = {
        m: summarise(rows, baseline_confident if m == "baseline" else grammar_confident(m))
        for m, rows in results.items()
    }
    keys = sorted(tables[next(iter(tables))], key=_slice_order)
    print(f"confident: baseline >= {BASELINE_CONFIDENT}; grammar {calibrations()}")
    print(
        "| slice | n | "
        + " | ".join(f"{m} exact / CER / wrong called confident" for m in tables)
        + " |"
    )
    print("|---|---|" + "---|" * len(tables))
    for key in keys:
        cells = []
        for m in tables:
            cell = tables[m].get(key)
            cells.append(
                "-"
                if cell is None
                else f"{cell['exact']:.1%} / {cell['cer']:.1%} / "
                f"{cell['wrong_called_confident']:.1%}"
            )
        print(f"| {key} | {tables[next(iter(tables))][key]['n']} | " + " | ".join(cells) + " |")
    for m, t in tables.items():
        for key in ("all", "format SIV", "format FNI"):
            if key not in t:
                continue
            a = t[key]
            n_conf, bound = a["n_confident"], a["upper_bound"]
            print(
                f"{m} {key}: exact {a['exact']:.1%}, CER {a['cer']:.1%}, confident "
                f"{a['confident']:.1%} ({n_conf}), wrong among confident "
                f"{a['wrong_confident']}/{n_conf} (95% upper bound {bound:.2%}), "
                f"{a['s_per_photo']:.3f} s/photo"
            )
    for m, t in tables.items():
        print(f"\n{m}: confident readings by slice (one-sided 95 % Clopper-Pearson bound)")
        print("| slice | n | called confident | wrong / confident | upper bound |")
        print("|---|---|---|---|---|")
        for key in keys:
            a = t[key]
            print(
                f"| {key} | {a['n']} | {a['confident']:.1%} | {a['wrong_confident']} / "
                f"{a['n_confident']} | {a['upper_bound']:.2%} |"
            )


def _truth_of(path: Path) -> str:
    return normalise_plate(path.stem.split("_")[0]).text


def run_folder(folder: Path, labels: Path | None) -> dict[str, list[dict]]:
    """Readings of a user's labelled photos by today's reader and the grammar reader."""
    from twinflash.privacy.media import load_image

    if not folder.is_dir():
        raise SystemExit(f"--folder {folder}: not a directory")
    items: list[tuple[Path, str, list[float] | None]] = []
    if labels is not None:
        with labels.open(newline="") as f:
            for line, row in enumerate(csv.DictReader(f), 2):
                try:
                    box = [float(row[k]) for k in "xywh"] if row.get("x") else None
                    items.append((folder / row["file"], normalise_plate(row["text"]).text, box))
                except (KeyError, ValueError) as exc:
                    raise SystemExit(f"{labels}:{line}: {exc}") from None
    else:
        for p in sorted(folder.iterdir()):
            if p.suffix.lower() in (".jpg", ".jpeg", ".png"):
                try:
                    items.append((p, _truth_of(p), None))
                except ValueError as exc:
                    raise SystemExit(f"{p}: the file name carries no plate: {exc}") from None
    old, new = PlateReader(), GrammarReader()
    out: dict[str, list[dict]] = {"baseline": [], "grammar-box": []}
    for path, truth, box in items:
        rgb = load_image(path)
        boxes = [box] if box else [xyxy_to_xywh(r.xyxy).tolist() for r in old.find(rgb)]
        t0 = time.perf_counter()
        found = [r for b in boxes for r in old.read(rgb, b)]
        best = max(found, key=lambda r: r.confidence, default=None)
        out["baseline"].append(
            _row(truth, best and best.text, best.confidence if best else 0.0, t0)
        )
        t0 = time.perf_counter()
        reads = [(new.read_box(rgb, b), b) for b in boxes]
        top, where = max(reads, key=lambda r: r[0].probability, default=(None, None))
        out["grammar-box"].append(
            _row(
                truth,
                top and top.text,
                top.probability if top else 0.0,
                t0,
                {**evidence(top), "box": where} if top else None,
            )
        )
    return out


PICTURE_CASES = [
    ("GH-508-KZ", Conditions(height_px=44, yaw_deg=25, roll_deg=3), "day, 25° yaw"),
    ("BD-880-SZ", Conditions(height_px=36, night=True, overexposure=1.6), "infra-red night, flash"),
    ("4517 QS 29", Conditions(height_px=44, pitch_deg=-12, dirt=0.35, wear=0.3), "FNI, dirt, wear"),
    ("FR-274-HN", Conditions(height_px=40, occlusion="tow_bar"), "tow bar"),
    ("KV-469-TD", Conditions(height_px=22, blur_px=6, noise=5), "22 px, motion blur"),
    ("MA-137-PL", Conditions(height_px=14, glare=0.5, jpeg_quality=40), "14 px, glare, JPEG 40"),
]


def write_picture(path: Path) -> None:
    """The README's picture: six drawn plates, each with the grammar reader's answer."""
    from PIL import Image, ImageDraw, ImageFont

    from twinflash.privacy.synthetic import font_path

    reader, font, w, h = GrammarReader(), ImageFont.truetype(str(font_path()), 14), 330, 186
    grid = Image.new("RGB", (3 * w, 2 * h), "white")
    for i, (text, cond, what) in enumerate(PICTURE_CASES):
        c = composite(text, cond, seed=7)
        read = reader.read_corners(c.rgb, c.corners)
        photo = Image.fromarray(c.rgb).convert("RGB")
        photo.thumbnail((310, 120))
        x, y = (i % 3) * w, (i // 3) * h
        grid.paste(photo, (x + (w - photo.width) // 2, y + 4))
        d = ImageDraw.Draw(grid)
        d.text((x + 6, y + 128), what, fill="black", font=font)
        verdict = "confident" if read.confident else "in doubt"
        colour = "darkgreen" if read.confident else "darkorange"
        d.text((x + 6, y + 147), f"read {read.text}  p={read.probability:.3f}  {verdict}",
               fill=colour, font=font)  # fmt: skip
        if len(read.alternatives) > 1:
            alt = read.alternatives[1]
            d.text((x + 6, y + 166), f"next: {alt.text}  p={alt.probability:.3f}", fill="gray",
                   font=font)  # fmt: skip
    grid.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    print(f"wrote {path}")


def _row(truth: str, read: str | None, p: float, t0: float, extra: dict | None = None) -> dict:
    """One reading of a folder photo, timed from `t0`."""
    return {"truth": truth, "read": read, "p": p, "s": time.perf_counter() - t0, **(extra or {})}


METHODS = ("baseline", "grammar-box", "grammar-corners")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--n", type=int, nargs="+", default=[300], help="photos per seed (one, or one per seed)"
    )
    ap.add_argument("--seed", type=int, nargs="+", default=[2], help="one or more seeds, pooled")
    ap.add_argument(
        "--methods", default=",".join(METHODS), help="comma-separated, of " + ", ".join(METHODS)
    )
    ap.add_argument("--cache", type=Path, default=Path("/tmp/plates-bench"))
    ap.add_argument(
        "--calibrate",
        action="store_true",
        help="choose the confident rule on these plates (grammar readers) and write it",
    )
    ap.add_argument("--threads", type=int, default=0, help="onnxruntime threads (0: its default)")
    ap.add_argument(
        "--cached-only",
        action="store_true",
        help="use only the readings already in --cache (up to --n), read no photo",
    )
    ap.add_argument(
        "--only", type=int, nargs="+", help="read only these photos (indices, one seed)"
    )
    ap.add_argument("--folder", type=Path)
    ap.add_argument("--labels", type=Path)
    ap.add_argument("--picture", type=Path, help="write the README's picture there and stop")
    args = ap.parse_args()
    names = [m for m in args.methods.split(",") if m]
    if unknown := sorted(set(names) - set(METHODS)):
        raise SystemExit(f"--methods: unknown {unknown}; known: {', '.join(METHODS)}")
    if args.picture:
        write_picture(args.picture)
        return
    if args.folder:
        print_tables(run_folder(args.folder, args.labels))
        return
    if args.calibrate:
        names = [m for m in names if m != "baseline"]
    if args.only and len(args.seed) != 1:
        raise SystemExit(f"--only: indices of one seed, not of {len(args.seed)}")
    if len(args.n) not in (1, len(args.seed)):
        raise SystemExit(f"--n: one count, or one per seed ({len(args.seed)}), not {len(args.n)}")
    results: dict[str, list[dict]] = defaultdict(list)
    counts = args.n * len(args.seed) if len(args.n) == 1 else args.n
    for seed, n in zip(args.seed, counts, strict=True):
        only = set(args.only) if args.only else None
        found = run_synthetic(n, seed, args.cache, names, args.threads, args.cached_only, only)
        for m, rows in found.items():
            results[m] += rows
    if args.calibrate:
        pooled = [(m, r) for m in names for r in results[m] if r["read"]]
        cals = {}
        for group in ("SIV", "FNI"):
            mine = [(m, r) for m, r in pooled if _group(r["read"]) == group]
            cals[group] = calibrate(
                [row_evidence(r, m) for m, r in mine],
                [r["read"] == r["truth"] for _, r in mine],
                box_max_gap=BOX_GAP_GATES[group],
            )
        save_calibrations(CALIBRATION_PATH, cals)
        print(f"wrote {CALIBRATION_PATH}: {cals}")
        calibrations.cache_clear()
    print_tables(dict(results))
    print_vetoes(dict(results))


if __name__ == "__main__":
    main()
