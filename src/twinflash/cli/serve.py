"""`twinflash serve`: run the web service (uvicorn), its worker, users and retention.

Parsing only; the service lives in twinflash.web, imported when a command runs so that
`twinflash --help` never loads FastAPI or Huey.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from twinflash.cli.output import echo

serve_app = typer.Typer(
    help="The web service: agents review suspected clones, the public tries the twin city.",
    invoke_without_command=True,
)
users_app = typer.Typer(help="Agents' accounts (roles: admin, reviewer).", no_args_is_help=True)
serve_app.add_typer(users_app, name="users")
app = typer.Typer()
app.add_typer(serve_app, name="serve")

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="SQLAlchemy URL shared with the registry, e.g. postgresql+psycopg://user@host/db "
        "[env TWINFLASH_DB_URL, else TWINFLASH_REGISTRY_URL; default: sqlite file in --data]",
        show_default=False,
    ),
]
DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="Folder for photos, renders, the SQLite files [env TWINFLASH_DATA_DIR; "
        "default ./twinflash-serve]",
        show_default=False,
    ),
]
QueueOpt = Annotated[
    str | None,
    typer.Option(
        "--queue",
        help="Job queue: redis://host:6379/0, or empty for a SQLite file in --data "
        "[env TWINFLASH_QUEUE_URL]",
        show_default=False,
    ),
]

RetentionOpt = Annotated[
    float, typer.Option(min=0.001, help="Days before case photos and plate crops are deleted.")
]
PublicRetentionOpt = Annotated[
    float, typer.Option(min=0.001, help="Hours before public renders are deleted.")
]
VideoKeepOpt = Annotated[
    float,
    typer.Option(min=0.1, help="Minutes a blurred video waits for its one download."),
]

ModelOpt = Annotated[
    Path | None,
    typer.Option(
        "--model",
        help="Recogniser model folder (twinflash flash train): cases get the real clone verdict "
        "[env TWINFLASH_MODEL_DIR; default: a stand-in verdict for demos]",
        show_default=False,
    ),
]


def _settings(db: str | None, data: Path | None, queue: str | None = None, **more: object):
    from twinflash.web.settings import from_env

    return from_env(db_url=db, data_dir=data, queue_url=queue, **more).prepare()


def _store(settings):  # -> twinflash.web.store.Store
    from twinflash.web.store import Store

    return Store.open(settings.database_url)


@serve_app.callback()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8000,
    db: DbOpt = None,
    data: DataOpt = None,
    queue: QueueOpt = None,
    retention_days: RetentionOpt = 30.0,
    public_retention_hours: PublicRetentionOpt = 24.0,
    video_keep_minutes: VideoKeepOpt = 60.0,
    worker: Annotated[
        bool, typer.Option(help="Run the job worker inside this process (else: serve worker).")
    ] = True,
    insecure_cookies: Annotated[
        bool,
        typer.Option(help="Send cookies over plain HTTP (development on another host only)."),
    ] = False,
    demo: Annotated[
        bool,
        typer.Option(help="Queue demo cases if there are none; create user 'admin' if no user."),
    ] = False,
    model: ModelOpt = None,
) -> None:
    """Start the service (uvicorn). Behind TLS in production; localhost works as is."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn

    from twinflash.web.app import create_app

    settings = _settings(
        db,
        data,
        queue,
        retention_days=retention_days,
        public_retention_hours=public_retention_hours,
        video_keep_minutes=video_keep_minutes,
        inline_worker=worker,
        secure_cookies=not insecure_cookies,
        model_dir=model,
    )
    if demo:
        _demo(settings)
    app = create_app(settings)
    echo(f"twinflash serve: http://{host}:{port}/ (data in {settings.data_dir})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)


def _demo(settings) -> None:
    import secrets

    from twinflash.web.auth import hash_password
    from twinflash.web.demo import load_demo
    from twinflash.web.queue import build_queue

    store = _store(settings)
    try:
        if not store.list_users():
            password = secrets.token_urlsafe(12)
            store.add_user("admin", "admin", hash_password(password))
            echo(f"demo: created user 'admin' with password {password}", err=True)
        job = load_demo(build_queue(settings, store))
        echo(f"demo: {'queued demo cases' if job else 'cases already present'}", err=True)
    finally:
        store.close()


@serve_app.command("worker")
def run_worker(
    db: DbOpt = None,
    data: DataOpt = None,
    queue: QueueOpt = None,
    threads: Annotated[int, typer.Option(min=1, max=16, help="Worker threads.")] = 1,
    model: ModelOpt = None,
    retention_days: RetentionOpt = 30.0,
    public_retention_hours: PublicRetentionOpt = 24.0,
    video_keep_minutes: VideoKeepOpt = 60.0,
) -> None:
    """Run the job worker alone (with `twinflash serve --no-worker`, or on other machines).
    It also runs the retention every 15 min: give it the web process's retention flags."""
    from twinflash.web.queue import build_queue

    settings = _settings(
        db,
        data,
        queue,
        model_dir=model,
        retention_days=retention_days,
        public_retention_hours=public_retention_hours,
        video_keep_minutes=video_keep_minutes,
    )
    store = _store(settings)
    q = build_queue(settings, store)
    q.resend_orphans()
    q.consumer(threads).run()


@serve_app.command("purge")
def purge(
    db: DbOpt = None,
    data: DataOpt = None,
    retention_days: RetentionOpt = 30.0,
    public_retention_hours: PublicRetentionOpt = 24.0,
    video_keep_minutes: VideoKeepOpt = 60.0,
) -> None:
    """Delete what is past its retention now (the service also does it at start and every
    15 min): case photos and crops, public renders, blurred videos not downloaded."""
    from twinflash.web.retention import purge_all

    settings = _settings(
        db,
        data,
        retention_days=retention_days,
        public_retention_hours=public_retention_hours,
        video_keep_minutes=video_keep_minutes,
    )
    store = _store(settings)
    try:
        done = purge_all(settings, store)
    finally:
        store.close()
    echo(
        f"deleted the photos of {done.cases} case(s), {done.renders} public render(s) "
        f"and {done.videos} blurred video(s)"
    )


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="a-z, 0-9, '.', '_', '-'")],
    role: Annotated[str, typer.Option(help="admin or reviewer")] = "reviewer",
    password_stdin: Annotated[
        bool, typer.Option(help="Read the password from standard input (scripts).")
    ] = False,
    db: DbOpt = None,
    data: DataOpt = None,
) -> None:
    """Create an account; the password is prompted (hidden) or read from stdin."""
    from twinflash.web.auth import hash_password

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    settings = _settings(db, data)
    store = _store(settings)
    try:
        user = store.add_user(username, role, hash_password(password))
    finally:
        store.close()
    echo(f"added {user.username} ({user.role})")


@users_app.command("list")
def users_list(db: DbOpt = None, data: DataOpt = None) -> None:
    """Accounts and their roles."""
    from twinflash.web.casestore import iso

    store = _store(_settings(db, data))
    try:
        for user, created in store.list_users():
            echo(f"{user.username}\t{user.role}\t{iso(created)}")
    finally:
        store.close()


@users_app.command("remove")
def users_remove(
    username: Annotated[str, typer.Argument()], db: DbOpt = None, data: DataOpt = None
) -> None:
    """Delete an account; its open sessions end at once."""
    store = _store(_settings(db, data))
    try:
        store.remove_user(username)
    finally:
        store.close()
    echo(f"removed {username}")
