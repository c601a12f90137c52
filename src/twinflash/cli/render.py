"""`twinflash render` and `twinflash demo`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from twinflash.errors import InputError

console = Console(stderr=True)
OUTPUT_FILES = "image.png, overlay.png, annotations.json, depth.npy, instances.png"


def _parse_resolution(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    m = re.fullmatch(r"(\d+)[xX](\d+)", text.strip())
    if not m:
        raise InputError(f"--resolution: expected WIDTHxHEIGHT such as 640x480 (got {text!r})")
    return int(m.group(1)), int(m.group(2))


Resolution = Annotated[
    str | None, typer.Option(help="override the camera resolution, e.g. 640x480")
]
QualityOpt = Annotated[str | None, typer.Option(help="override the quality preset: draft or final")]
Samples = Annotated[int | None, typer.Option(help="override the render samples")]


def register(app: typer.Typer) -> None:
    @app.command()
    def render(
        scene_file: Annotated[Path, typer.Argument(help="scene YAML file")],
        out: Annotated[Path, typer.Option("--out", help="output directory (replaced atomically)")],
        resolution: Resolution = None,
        quality: QualityOpt = None,
        samples: Samples = None,
    ) -> None:
        """Render a scene file to DIR: image, COCO annotations, depth, instance ids, overlay."""
        from twinflash.pipeline import load_scene_with_overrides, render_to_dir

        scene = load_scene_with_overrides(
            scene_file, _parse_resolution(resolution), quality, samples
        )
        with console.status(
            f"rendering {scene_file} ({len(scene.people)} people, {len(scene.vehicles)} vehicles)"
        ):
            render_to_dir(scene, out)
        typer.echo(str(out))

    @app.command()
    def demo(
        out: Annotated[Path, typer.Option("--out", help="where to write the renders")] = Path(
            "out"
        ),
        scenes: Annotated[Path, typer.Option(help="folder of example scenes")] = Path(
            "examples/scenes"
        ),
        resolution: Resolution = None,
        quality: QualityOpt = None,
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
            console=console,
        ) as bar:
            task = bar.add_task("rendering examples", total=len(files))
            for path in files:
                bar.update(task, description=f"rendering {path.stem}")
                try:
                    scene = load_scene_with_overrides(
                        path, _parse_resolution(resolution), quality, samples
                    )
                    render_to_dir(scene, out / path.stem)
                except InputError as exc:
                    failures.append(f"{path}: {exc}")
                bar.advance(task)
        for path in files:
            if (out / path.stem / "image.png").exists():
                typer.echo(f"{out / path.stem}/  ({OUTPUT_FILES})")
        for line in failures:
            console.print(f"[red]failed[/red] {line}")
        if failures:
            raise typer.Exit(1)
