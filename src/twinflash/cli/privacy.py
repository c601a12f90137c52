"""`twinflash blur` and `twinflash plate read`: parse, call twinflash.privacy, print."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from twinflash.cli.options import in_cli_terms
from twinflash.cli.output import STDERR, echo
from twinflash.errors import InputError

app = typer.Typer()
plate_app = typer.Typer(help="Read French licence plates in photos.", no_args_is_help=True)
app.add_typer(plate_app, name="plate")


def _floats(text: str, name: str, count: int | None = None) -> tuple[float, ...]:
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        raise InputError(f"{name}: expected comma-separated numbers (got {text!r})") from None
    if count is not None and len(values) != count:
        raise InputError(f"{name}: expected {count} numbers (got {text!r})")
    return values


def _one_line(text: str) -> str:
    """A report line stays one line even for a file name holding a newline."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


@app.command()
def blur(
    inputs: Annotated[list[Path], typer.Argument(help="Images, videos or folders (recursive).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the blurred copies.")],
    style: Annotated[str, typer.Option(help="gaussian, pixelate or solid.")] = "gaussian",
    margin: Annotated[float, typer.Option(help="Face border, share of box size.")] = 0.3,
    plate_margin: Annotated[float, typer.Option(help="Plate border, share.")] = 0.1,
    threshold: Annotated[float, typer.Option(help="Face detector score threshold.")] = 0.2,
    face_scales: Annotated[
        str | None, typer.Option(help="Detector passes, e.g. '1,2' (default 1,2 photos; 1 video).")
    ] = None,
    faces: Annotated[bool, typer.Option(help="Blur faces.")] = True,
    plates: Annotated[bool, typer.Option(help="Blur licence plates.")] = True,
    ellipse: Annotated[bool, typer.Option(help="Elliptic face blur.")] = True,
    persistence: Annotated[int, typer.Option(help="Video: frames a lost region stays.")] = 5,
    plate_every: Annotated[int, typer.Option(help="Video: look for plates every N frames.")] = 1,
    speed_camera: Annotated[bool, typer.Option(help="Keep the driver's face.")] = False,
    driver_side: Annotated[str, typer.Option(help="Image side of the driver.")] = "right",
    keep_plate: Annotated[bool, typer.Option(help="Speed camera: keep flashed plate.")] = False,
    eager_plates: Annotated[
        bool,
        typer.Option(
            help="Eager plate search and post-blur check (off: the single pass of earlier "
            "versions, faster but leaves more plates readable; for comparison)."
        ),
    ] = True,
    keep_audio: Annotated[
        bool,
        typer.Option(
            help="Video: keep the sound track (dropped by default: voices are personal data)."
        ),
    ] = False,
    sidecar_plate_text: Annotated[
        bool,
        typer.Option(
            "--sidecar-plate-text",
            help="Internal use only: write the plate text read by OCR into the JSON sidecar. "
            "This undoes the blur wherever the sidecar travels.",
        ),
    ] = False,
) -> None:
    """Write blurred copies of photos and videos (faces, plates), with a JSON sidecar each."""
    from rich.progress import Progress, TextColumn, TimeElapsedColumn

    from twinflash.privacy.pipeline import BlurOptions, FileReport, blur_jobs, prepare

    options = BlurOptions(
        faces=faces,
        plates=plates,
        style=style,  # type: ignore[arg-type]  # validated by BlurOptions
        margin=margin,
        plate_margin=plate_margin,
        ellipse_faces=ellipse,
        face_threshold=threshold,
        face_scales=_floats(face_scales, "--face-scales") if face_scales else None,
        persistence=persistence,
        plate_every=plate_every,
        speed_camera=speed_camera,
        driver_side=driver_side,  # type: ignore[arg-type]
        keep_plate=keep_plate,
        sidecar_plate_text=sidecar_plate_text,
        keep_audio=keep_audio,
        eager_plates=eager_plates,
    )
    jobs = prepare(inputs, out)  # bad --out, colliding outputs: refused before any model loads
    # file names are data: no markup ("[red]" or "[/x]" in a path), no wrapping, one line each
    with Progress(
        TextColumn("{task.description}"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=STDERR,
        transient=True,
    ) as progress:
        task = progress.add_task("blurring", rate="")

        def on_frame(n: int) -> None:
            elapsed = progress.tasks[0].elapsed or 1e-9
            progress.update(task, description=f"frame {n}", rate=f"{n / elapsed:.1f} fps")

        def on_file(rep: FileReport) -> None:
            progress.reset(task, description="blurring", rate="")
            if rep.ok:
                echo(
                    _one_line(
                        f"ok   {rep.source} -> {rep.output} ({rep.faces} faces, "
                        f"{rep.plates} plates, {rep.seconds:.1f} s)"
                    ),
                    err=True,
                )
            else:
                echo(_one_line(f"FAIL {in_cli_terms(str(rep.error))}"), err=True)

        reports = blur_jobs(jobs, options, on_file=on_file, on_frame=on_frame)
    failed = sum(not r.ok for r in reports)
    echo(f"{len(reports) - failed} written, {failed} failed")
    if failed or not reports:
        raise SystemExit(1)  # typer.Exit's code is lost under standalone_mode=False


@plate_app.command("read")
def plate_read(
    image: Annotated[Path, typer.Argument(help="Photo (JPEG, PNG).")],
    box: Annotated[str | None, typer.Option(help="Plate box x,y,w,h in pixels.")] = None,
    corners: Annotated[
        str | None,
        typer.Option(help="Plate corners x,y of TL,TR,BR,BL in pixels (8 numbers)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Plates read on the photo, surest first, each with its alternatives and probabilities;
    `confident` when the reading passes the rule calibrated on synthetic plates."""
    from twinflash.privacy.media import load_image
    from twinflash.privacy.plate_reading import AccusingReader

    rgb = load_image(image)
    box_xywh = _floats(box, "--box", 4) if box else None
    quad = _floats(corners, "--corners", 8) if corners else None
    try:
        plates = AccusingReader().plates(rgb, box_xywh, quad)
    except ValueError as exc:
        where = in_cli_terms(str(exc)) if quad is not None else f"--box: {exc}"
        raise InputError(f"{image}: {where}") from exc
    if as_json:
        echo(
            json.dumps(
                [
                    {
                        "text": p.text,
                        "format": p.alternatives[0].format,
                        "confidence": round(p.probability, 4),
                        "confident": p.confident,
                        "agreement": round(p.evidence.agreement, 2),
                        "fit": round(p.evidence.fit, 3),
                        "hidden": round(p.evidence.hidden, 3),
                        "chars_px": round(p.evidence.chars_px, 1),
                        "gap": round(min(p.evidence.gap, 99.0), 3),
                        "width_px": round(p.evidence.width_px, 1),
                        "alternatives": p.to_json()["alternatives"],
                        "xyxy": [round(v) for v in p.xyxy],
                    }
                    for p in plates
                ],
                indent=1,
            )
        )
    else:
        for p in plates:
            best = p.alternatives[0]
            echo(f"{best.text}\t{best.format}\t{best.probability:.3f}\t"
                 f"{'confident' if p.confident else 'unsure'}")  # fmt: skip
            for alt in p.alternatives[1:]:
                echo(f"  or {alt.text}\t{alt.format}\t{alt.probability:.3f}")
    if not plates:
        echo(f"{image}: no French plate read", err=True)
        raise SystemExit(1)
