"""`twinflash generate` and `twinflash dataset check`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from twinflash.cli.options import Resolution, Samples, in_cli_terms, parse_resolution
from twinflash.cli.output import STDERR, echo

if TYPE_CHECKING:
    from twinflash.datasets.generate import Progress as GenerationProgress

MAX_LISTED = 30

app = typer.Typer()
dataset_app = typer.Typer(help="Inspect generated datasets.", no_args_is_help=True)
app.add_typer(dataset_app, name="dataset")


@app.command()
def generate(
    plan_file: Annotated[Path, typer.Argument(help="dataset plan YAML")],
    out: Annotated[Path, typer.Option("--out", help="dataset directory (created or resumed)")],
    workers: Annotated[int, typer.Option(help="parallel Blender workers")] = 1,
    executor: Annotated[str, typer.Option(help="local or ray")] = "local",
    resolution: Resolution = None,
    samples: Samples = None,
    count: Annotated[int | None, typer.Option(help="override the number of images")] = None,
    recycle_every: Annotated[
        int, typer.Option(help="replace a worker process after this many scenes")
    ] = 20,
    address: Annotated[
        str | None, typer.Option(help="Ray cluster address (ray executor), e.g. auto")
    ] = None,
    threads_per_worker: Annotated[
        int | None,
        typer.Option(
            help="Cycles threads per worker (default: cores / workers; 4 per Ray task "
            "on a cluster, each reserving that many CPUs)"
        ),
    ] = None,
) -> None:
    """Render a dataset from a plan into OUT; rerun the same command to resume."""
    from twinflash.datasets.executors import make_executor
    from twinflash.datasets.generate import generate as run
    from twinflash.datasets.plan import load_plan

    plan = load_plan(plan_file).with_overrides(
        parse_resolution(resolution), samples, count, source=str(plan_file)
    )
    runner = make_executor(executor, workers, recycle_every, address, threads_per_worker)
    # the bar starts with the first progress report, once the plan, the output
    # directory and its manifest were accepted: a refusal stays one line on stderr
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} img/min"),
        TextColumn("[red]{task.fields[failed]}[/red]"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=STDERR,
    )
    tasks: list[TaskID] = []

    def show(p: GenerationProgress) -> None:
        if not tasks:
            bar.start()
            tasks.append(bar.add_task(f"generating {plan.name}", total=None, rate="-", failed=""))
        finished = p.done + p.failed
        minutes = (time.perf_counter() - p.started_s) / 60
        rate = f"{p.done / minutes:.1f}" if p.done and minutes > 0 else "-"
        failed = f"{p.failed} failed" if p.failed else ""
        bar.update(tasks[0], total=p.total, completed=finished, rate=rate, failed=failed)

    try:
        report = run(plan, out, executor=runner, source=str(plan_file), on_progress=show)
    finally:
        bar.stop()
    echo(
        f"{report.out_dir}: {report.rendered} rendered, {report.skipped} already done, "
        f"{len(report.failures)} failed, {report.elapsed_s:.0f} s"
    )
    for f in report.failures[:MAX_LISTED]:
        echo(f"sample {f['index']}: {in_cli_terms(str(f['error']))}", err=True, label="failed")
    if report.failures:
        echo(f"failures are listed in {report.out_dir / 'failures.jsonl'}", err=True)
        raise typer.Exit(1)


@dataset_app.command("check")
def check(dataset_dir: Annotated[Path, typer.Argument(help="dataset directory")]) -> None:
    """Verify a dataset: annotations, boxes, masks, COCO, YOLO, orphans; exit 1 on problems."""
    from twinflash.datasets.check import check_dataset

    report = check_dataset(dataset_dir)
    for line in report.problems[:MAX_LISTED]:
        echo(line, err=True, label="problem")  # one problem per line
    if len(report.problems) > MAX_LISTED:
        echo(f"... and {len(report.problems) - MAX_LISTED} more", err=True)
    echo(
        f"{report.root}: {report.samples} samples, {report.objects} visible objects, "
        f"{report.failed} recorded failures, {len(report.problems)} problems"
    )
    if not report.ok:
        raise typer.Exit(1)
