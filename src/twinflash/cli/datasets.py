"""`twinflash generate` and `twinflash dataset check`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

if TYPE_CHECKING:
    from twinflash.datasets.generate import Progress as GenerationProgress

console = Console(stderr=True)
MAX_LISTED = 30


def register(app: typer.Typer) -> None:
    @app.command()
    def generate(
        plan_file: Annotated[Path, typer.Argument(help="dataset plan YAML")],
        out: Annotated[Path, typer.Option("--out", help="dataset directory (created or resumed)")],
        workers: Annotated[int, typer.Option(help="parallel Blender workers")] = 1,
        executor: Annotated[str, typer.Option(help="local or ray")] = "local",
        resolution: Annotated[
            str | None, typer.Option(help="override the camera resolution, e.g. 320x240")
        ] = None,
        samples: Annotated[int | None, typer.Option(help="override the render samples")] = None,
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
        from twinflash.cli.render import _parse_resolution
        from twinflash.datasets.executors import make_executor
        from twinflash.datasets.generate import generate as run
        from twinflash.datasets.plan import load_plan

        plan = load_plan(plan_file).with_overrides(
            _parse_resolution(resolution), samples, count, source=str(plan_file)
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
            console=console,
        )
        tasks: list[TaskID] = []

        def show(p: GenerationProgress) -> None:
            if not tasks:
                bar.start()
                tasks.append(
                    bar.add_task(f"generating {plan.name}", total=None, rate="-", failed="")
                )
            finished = p.done + p.failed
            minutes = (time.perf_counter() - p.started_s) / 60
            rate = f"{p.done / minutes:.1f}" if p.done and minutes > 0 else "-"
            failed = f"{p.failed} failed" if p.failed else ""
            bar.update(tasks[0], total=p.total, completed=finished, rate=rate, failed=failed)

        try:
            report = run(plan, out, executor=runner, source=str(plan_file), on_progress=show)
        finally:
            bar.stop()
        typer.echo(
            f"{report.out_dir}: {report.rendered} rendered, {report.skipped} already done, "
            f"{len(report.failures)} failed, {report.elapsed_s:.0f} s"
        )
        for f in report.failures[:MAX_LISTED]:
            console.print(
                f"[red]failed[/red] sample {f['index']}: {escape(str(f['error']))}", soft_wrap=True
            )
        if report.failures:
            console.print(
                f"failures are listed in {escape(str(report.out_dir / 'failures.jsonl'))}",
                soft_wrap=True,
            )
            raise typer.Exit(1)

    dataset = typer.Typer(help="Inspect generated datasets.", no_args_is_help=True)

    @dataset.command("check")
    def check(dataset_dir: Annotated[Path, typer.Argument(help="dataset directory")]) -> None:
        """Verify a dataset: annotations, boxes, masks, COCO, YOLO, orphans; exit 1 on problems."""
        from twinflash.datasets.check import check_dataset

        report = check_dataset(dataset_dir)
        for line in report.problems[:MAX_LISTED]:
            # one problem per line: no wrapping at the terminal width, no markup in paths
            console.print(f"[red]problem[/red] {escape(line)}", soft_wrap=True)
        if len(report.problems) > MAX_LISTED:
            console.print(f"... and {len(report.problems) - MAX_LISTED} more")
        typer.echo(
            f"{report.root}: {report.samples} samples, {report.objects} visible objects, "
            f"{report.failed} recorded failures, {len(report.problems)} problems"
        )
        if not report.ok:
            raise typer.Exit(1)

    app.add_typer(dataset, name="dataset")
