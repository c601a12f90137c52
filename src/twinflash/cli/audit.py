"""`twinflash audit`: parse, call twinflash.audit.run.audit, print the headline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from twinflash.cli.output import STDERR, echo
from twinflash.errors import InputError

app = typer.Typer()


def _crossings(values: list[str] | None) -> list[tuple[str, str]] | None:
    if values is None:
        return None
    out = []
    for v in values:
        a, sep, b = v.partition(",")
        if not sep or not a or not b:
            raise InputError(f"--cross {v!r}: expected COLUMN_A,COLUMN_B (e.g. is_night,skin_tone)")
        out.append((a.strip(), b.strip()))
    return out


@app.command()
def audit(
    dataset: Annotated[Path, typer.Argument(help="twinflash dataset directory or COCO JSON")],
    model: Annotated[
        str,
        typer.Option(
            help="hog-people | onnx-yolo:M.onnx | onnx-classifier:"
            "M.onnx | predictions:R.json | python:pkg.mod:func"
        ),
    ],
    task: Annotated[
        str,
        typer.Option(
            help="person-detection | lying-person-detection | object-detection "
            "(with --category) | crowd-counting | vehicle-classification"
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="report directory (report.html, .json)")],
    category: Annotated[
        str | None,
        typer.Option(help="object-detection: the dataset category to detect, e.g. waste"),
    ] = None,
    class_map: Annotated[Path | None, typer.Option(help="onnx-yolo: class names file")] = None,
    labels: Annotated[Path | None, typer.Option(help="onnx-classifier: label file")] = None,
    metadata: Annotated[
        Path | None,
        typer.Option(help="CSV/Parquet of image columns keyed by file_name (plain COCO datasets)"),
    ] = None,
    images_dir: Annotated[Path | None, typer.Option(help="where image file names resolve")] = None,
    split: Annotated[str | None, typer.Option(help="dataset split (default: all)")] = None,
    score_threshold: Annotated[
        float | None,
        typer.Option(
            help="score for recall/false alarms/counts (default: the adapter's, else 0.5)"
        ),
    ] = None,
    bootstrap: Annotated[int, typer.Option(help="bootstrap replicates")] = 1000,
    seed: Annotated[int, typer.Option(help="bootstrap seed")] = 0,
    alpha: Annotated[float, typer.Option(help="significance level after correction")] = 0.05,
    correction: Annotated[str, typer.Option(help="holm or bh")] = "holm",
    min_support: Annotated[int, typer.Option(help="fewest units for a slice to be tested")] = 30,
    min_images: Annotated[int, typer.Option(help="fewest images for a slice to be tested")] = 10,
    min_height_px: Annotated[float, typer.Option(help="ignore smaller objects (px)")] = 20.0,
    min_visibility: Annotated[float, typer.Option(help="ignore objects less visible")] = 0.2,
    slice_column: Annotated[
        list[str] | None,
        typer.Option(
            "--slice", help="slice by this column only (repeatable; default: every column)"
        ),
    ] = None,
    cross: Annotated[
        list[str] | None, typer.Option(help="two-way crossing COLUMN_A,COLUMN_B (repeatable)")
    ] = None,
    label_level: Annotated[
        str, typer.Option(help="classification labels: model or make")
    ] = "model",
) -> None:
    """Measure MODEL on DATASET for TASK, slice by every condition, write a bias report.

    To check it against real photos: `twinflash audit compare SYNTHETIC REAL --out DIR`."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from twinflash.audit.analysis import AnalysisSettings
    from twinflash.audit.models import AdapterOptions
    from twinflash.audit.run import audit as run_audit
    from twinflash.audit.tasks import AuditSettings

    if correction not in ("holm", "bh"):
        raise InputError(f"--correction {correction!r}: expected holm or bh")
    if task == "object-detection" and not category:
        raise InputError(
            "--task object-detection: give the category to detect, e.g. --category waste"
        )
    if category and task != "object-detection":
        raise InputError(f"--category {category}: only for --task object-detection")
    if label_level not in ("model", "make"):
        raise InputError(f"--label-level {label_level!r}: expected model or make")
    with Progress(
        BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=STDERR, transient=True
    ) as bar:
        job = bar.add_task("predict", total=None)
        report = run_audit(
            dataset,
            model,
            task,
            out,
            adapter=AdapterOptions(class_map=class_map, labels=labels),
            settings=AuditSettings(
                score_threshold=score_threshold,
                min_height_px=min_height_px,
                min_visibility=min_visibility,
                label_level=label_level,
                target_class=category or "person",
            ),
            analysis=AnalysisSettings(
                n_boot=bootstrap,
                seed=seed,
                alpha=alpha,
                correction=correction,
                min_support=min_support,
                min_images=min_images,
                columns=slice_column,
                crossings=_crossings(cross),
            ),
            split=split,
            metadata=metadata,
            images_dir=images_dir,
            progress=lambda done, total: bar.update(job, completed=done, total=total),
        )
    for line in report.headline:
        echo(f"- {line}")
    echo(f"report: {out / 'report.html'} (figures: {out / 'report.json'})")


@app.command(name="audit compare")
def audit_compare(
    synthetic: Annotated[
        Path, typer.Argument(help="report.json (or its folder) of the audit on synthetic data")
    ],
    real: Annotated[
        Path, typer.Argument(help="report.json (or its folder) of the audit on real photos")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="folder for compare.json, compare.html, compare.png")
    ],
) -> None:
    """Does the twin predict reality? Compare two audits of one model, slice by slice."""
    from twinflash.audit.compare import compare_reports
    from twinflash.audit.compare_report import write_comparison

    comparison = compare_reports(synthetic, real)
    paths = write_comparison(comparison, out)
    echo(comparison.verdict)
    for gap in comparison.gaps[:10]:
        echo(f"- {gap.column} = {gap.label}: {gap.outcome}")
    if len(comparison.gaps) > 10:
        echo(f"- ... and {len(comparison.gaps) - 10} more significant synthetic gaps")
    echo(f"comparison: {paths['compare.html']} (figures: {paths['compare.json']})")
