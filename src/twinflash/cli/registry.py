"""`twinflash registry ...`: parse, call twinflash.flash.registry, print."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from twinflash.cli.output import STDERR, echo
from twinflash.errors import InputError

# Kept equal to twinflash.flash.registry.synth.MAX_COUNT (a test checks), not imported:
# `twinflash --help` must not load the registry package.
MAX_SYNTH_COUNT = 10_000_000

registry_app = typer.Typer(
    help="The vehicle registry (SIV): import, look up, statistics, synthetic data.",
    no_args_is_help=True,
)
app = typer.Typer()
app.add_typer(registry_app, name="registry")

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="TWINFLASH_REGISTRY_URL",
        help="SQLAlchemy URL, e.g. sqlite:///reg.db or postgresql+psycopg://user@host/db "
        "[default: sqlite:///twinflash-registry.db]",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _open(db: str | None, *, create: bool = True):  # -> Registry; lazy: `--help` stays fast
    """The store; read-only commands pass ``create=False`` so that a mistyped --db is an
    error rather than a new empty database answering "not registered"."""
    from twinflash.flash.registry import Registry

    return Registry.open(db, create=create)


@contextmanager
def _database_errors() -> Iterator[None]:
    """A database failing mid-command (server gone, SQLite file locked past the wait) is
    one line, not a driver traceback."""
    import sqlalchemy as sa

    try:
        yield
    except sa.exc.DBAPIError as exc:
        message = " ".join(str(exc.orig).split())
        raise InputError(f"registry: database error ({message})") from exc


@registry_app.command("init")
def init(db: DbOpt = None) -> None:
    """Create or upgrade the registry schema (imports and lookups also do it on first use)."""
    from twinflash.flash.registry.store import migrate

    with _open(db) as reg:
        echo(f"registry at {reg.engine.url.render_as_string(hide_password=True)}: "
              f"schema {migrate(reg.engine)}")  # fmt: skip


@registry_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="Registry CSV (plate, make, model, ...).")],
    db: DbOpt = None,
    rejects: Annotated[
        Path | None,
        typer.Option(help="Where rejected rows go [default: FILE.rejects.csv beside FILE]."),
    ] = None,
    chunk_size: Annotated[int, typer.Option(min=1, help="Rows per transaction.")] = 20_000,
) -> None:
    """Stream FILE into the registry: upsert by plate, reject bad rows with reasons."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    from twinflash.flash.registry.importer import prepare_import

    with (
        prepare_import(file, rejects_path=rejects) as job,  # input and output checked first
        _open(db) as reg,
        _database_errors(),
        Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=STDERR,
            transient=True,
        ) as bar,
    ):
        task = bar.add_task(f"importing {file.name}", total=file.stat().st_size)
        report = job.run(
            reg,
            chunk_size=chunk_size,
            on_progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    echo(
        f"{report.rows:,} rows in {report.seconds:.1f} s ({report.rows_per_second:,.0f} rows/s): "
        f"{report.inserted:,} new, {report.updated:,} updated, {report.unchanged:,} unchanged, "
        f"{report.rejected:,} rejected; {report.distinct_pairs:,} distinct make/model texts"
    )
    if report.rejects_path:
        echo(f"rejected rows and reasons: {report.rejects_path}")


@registry_app.command("lookup")
def lookup(
    plate: Annotated[str, typer.Argument(help="Plate as read, e.g. 'ab 123 cd'.")],
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show the record of PLATE; if none, the registered readings of a likely misread."""
    from twinflash.flash.plates import MAX_PLATE_TEXT, normalise_plate, plate_candidates

    if len(plate) > MAX_PLATE_TEXT:
        raise InputError(
            f"plate text of {len(plate):,} characters: a plate has at most {MAX_PLATE_TEXT} "
            "(10 letters and digits with separators)"
        )
    with _open(db, create=False) as reg, _database_errors():
        try:
            canonical = normalise_plate(plate).text
        except ValueError as exc:
            canonical, reason = None, str(exc)
        record = reg.lookup(canonical) if canonical else None
        alternatives = []
        if record is None:
            cands = [c.text for c in plate_candidates(plate) if c.text != canonical]
            found = reg.lookup_many(cands)
            alternatives = [found[c] for c in cands if c in found]
    if as_json:
        doc = {
            "plate": canonical,
            "record": record.as_dict() if record else None,
            "alternatives": [a.as_dict() for a in alternatives],
        }
        echo(json.dumps(doc, ensure_ascii=False, indent=2))
    elif record:
        _print_record(record)
    else:
        echo(f"{canonical or plate}: not registered" + ("" if canonical else f" ({reason})"))
        for alt in alternatives:
            echo(f"  registered reading {alt.plate}: {alt.make or alt.make_raw} "
                  f"{alt.model or alt.model_raw}")  # fmt: skip
    if record is None:
        raise typer.Exit(1)


def _print_record(record) -> None:  # VehicleRecord
    from rich.table import Table

    table = Table(title=record.plate, show_header=False)
    for key, value in record.as_dict().items():
        table.add_row(key, "" if value is None else str(value))
    echo(table)


@registry_app.command("stats")
def stats(db: DbOpt = None, top: int = 10, as_json: JsonOpt = False) -> None:
    """Counts by plate format and normalisation status, top models, date range."""
    with _open(db, create=False) as reg, _database_errors():
        s = reg.stats(top=top)
    lo, hi = s.first_registration_range
    if as_json:
        doc = {
            "vehicles": s.vehicles,
            "by_format": s.by_format,
            "by_status": s.by_status,
            "top_models": [{"make": m, "model": mo, "count": n} for m, mo, n in s.top_models],
            "first_registration": [lo.isoformat() if lo else None, hi.isoformat() if hi else None],
            "mean_score": s.mean_score,
        }
        echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    echo(f"vehicles: {s.vehicles:,}")
    echo("by format: " + ", ".join(f"{k} {v:,}" for k, v in s.by_format.items()))
    echo("normalisation: " + ", ".join(f"{k} {v:,}" for k, v in s.by_status.items()))
    if s.mean_score is not None:
        echo(f"mean score: {s.mean_score:.3f}")
    echo(f"first registration: {lo} .. {hi}")
    for make, model, n in s.top_models:
        echo(f"  {n:>9,}  {make} {model}")


@registry_app.command("synth")
def synth(
    out: Annotated[Path, typer.Argument(help="Registry CSV to write.")],
    count: Annotated[
        int, typer.Option(min=1, max=MAX_SYNTH_COUNT, help="Vehicles (at most 10 million).")
    ] = 10_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    clones: Annotated[int, typer.Option(min=0, help="Planted clones.")] = 0,
    truth: Annotated[
        Path | None, typer.Option(help="Ground truth of planted clones (.json or .csv).")
    ] = None,
) -> None:
    """Write a synthetic registry CSV (SIV order, popularity-weighted fleet, optional clones)."""
    from twinflash.flash.registry import synth as gen

    written, planted = gen.write_files(out, count=count, seed=seed, clones=clones, truth=truth)
    echo(f"{written:,} vehicles -> {out}")
    if truth is not None:
        echo(f"{planted:,} planted clones -> {truth}")
