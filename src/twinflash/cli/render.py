"""`twinflash render` and `twinflash demo`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from twinflash.cli.options import Quality, Resolution, Samples, in_cli_terms, parse_resolution
from twinflash.cli.output import STDERR, echo
from twinflash.errors import InputError

OUTPUT_FILES = "image.png, overlay.png, annotations.json, depth.npy, instances.png"

app = typer.Typer()


@app.command()
def render(
    scene_file: Annotated[Path, typer.Argument(help="scene YAML file")],
    out: Annotated[Path, typer.Option("--out", help="output directory (replaced atomically)")],
    resolution: Resolution = None,
    quality: Quality = None,
    samples: Samples = None,
) -> None:
    """Render a scene file to DIR: image, COCO annotations, depth, instance ids, overlay."""
    from twinflash.pipeline import load_scene_with_overrides, render_to_dir

    scene = load_scene_with_overrides(scene_file, parse_resolution(resolution), quality, samples)
    with STDERR.status(
        f"rendering {scene_file} ({len(scene.people)} people, {len(scene.vehicles)} vehicles)"
    ):
        render_to_dir(scene, out)
    echo(str(out))


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="where to write the renders")] = Path("out"),
    scenes: Annotated[Path, typer.Option(help="folder of example scenes")] = Path(
        "examples/scenes"
    ),
    resolution: Resolution = None,
    quality: Quality = None,
    samples: Samples = None,
) -> None:
    """Render every example scene into OUT/<scene name>/ and print where they are."""
    from twinflash.files import check_writable_dir
    from twinflash.pipeline import load_scene_with_overrides, render_to_dir

    files = sorted(scenes.glob("*.yaml")) if scenes.is_dir() else []
    if not files:
        raise InputError(f"{scenes}: no scene files (*.yaml) found")
    check_writable_dir(out, "output")
    failures = []
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=STDERR,
    ) as bar:
        task = bar.add_task("rendering examples", total=len(files))
        for path in files:
            bar.update(task, description=f"rendering {path.stem}")
            try:
                scene = load_scene_with_overrides(
                    path, parse_resolution(resolution), quality, samples
                )
                render_to_dir(scene, out / path.stem)
            except InputError as exc:
                failures.append(f"{path}: {in_cli_terms(str(exc))}")
            bar.advance(task)
    for path in files:
        if (out / path.stem / "image.png").exists():
            echo(f"{out / path.stem}/  ({OUTPUT_FILES})")
    for line in failures:
        echo(line, err=True, label="failed")
    if failures:
        raise typer.Exit(1)
