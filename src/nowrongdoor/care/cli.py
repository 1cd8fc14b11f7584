"""Care commands: ``db``, ``users``, ``audit``, ``partners``, ``care`` and ``serve``.

Heavy libraries (SQLAlchemy, FastAPI, uvicorn) are imported inside the commands
so ``nowrongdoor --help`` stays light.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple

import typer

from nowrongdoor._cli_support import (
    OrgOption,
    Seed,
    console,
    print_json,
    say,
    settings_from,
)
from nowrongdoor.errors import UserInputError, first_error

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.engine import URL
    from sqlalchemy.orm import Session

    from nowrongdoor.care.audit import ChainReport
    from nowrongdoor.care.db import CareSession, Database
    from nowrongdoor.settings import Settings

__all__ = ["app", "audit_app", "db_app", "partners_app", "serve", "users_app"]

app = typer.Typer(
    help="Case management: demo data, imports, key rotation.", no_args_is_help=True
)
db_app = typer.Typer(help="The care database: schema migrations.", no_args_is_help=True)
users_app = typer.Typer(help="Care service users.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
partners_app = typer.Typer(
    help="The partner directory (Open Referral HSDS 3).", no_args_is_help=True
)


def _shown_url(settings: Settings) -> str:
    """The database URL as a message shows it: password hidden, and a value
    that is not a URL never echoed (it may hold one)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(settings.resolved_database_url)
    except ArgumentError:
        return "(setting database_url)"
    return url.render_as_string(hide_password=True)


def _database(settings: Settings) -> Database:
    """The care database the settings name; a URL that names no usable
    database is refused in one sentence naming the setting."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    from nowrongdoor.care.db import Database

    url = _shown_url(settings)
    try:
        return Database(settings, pool_size=2)
    except NoSuchModuleError:  # an ArgumentError too
        raise UserInputError(
            f"setting database_url: {url} names a kind of database this install "
            "does not know (use postgresql+psycopg:// or sqlite:///)"
        ) from None
    except ArgumentError:
        raise UserInputError(
            "setting database_url is not a database URL (such as "
            "postgresql+psycopg://user@host:5432/care or sqlite:///path/care.db)"
        ) from None
    except ImportError as exc:
        raise UserInputError(
            f"setting database_url: the driver for {url} is not installed "
            f"(module {exc.name}; use postgresql+psycopg:// or sqlite:///)"
        ) from None
    except OSError as exc:
        raise UserInputError(
            f"the care database at {url} cannot be created ({exc.strerror})"
        ) from None


def _open_revision(db: Database) -> str | None:
    """The schema revision of the database, refused in one sentence (password
    hidden) when the database cannot be opened."""
    from sqlalchemy.exc import DBAPIError

    from nowrongdoor.care.migrate import current_revision

    try:
        return current_revision(db.engine)
    except DBAPIError as exc:
        raise UserInputError(
            f"the care database at "
            f"{db.engine.url.render_as_string(hide_password=True)} "
            f"cannot be opened ({_db_reason(exc, db.engine.url)})"
        ) from None


def _db_reason(exc: Exception, url: URL | None = None) -> str:
    """The first line of the database's (or Alembic's) reason for ``exc``,
    with ``url``'s password hidden: never the statement or its parameters."""
    why = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    reason = why[0].strip() if why else type(exc).__name__
    if url is not None and url.password:
        reason = reason.replace(str(url.password), "***")
    return reason


def _require_schema(db: Database, revision: str | None) -> None:
    """Refuse a database with no schema, or not at this version's revision."""
    from nowrongdoor.care.migrate import head_revision, is_known_revision

    where = f"the care database at {db.engine.url.render_as_string(hide_password=True)}"
    if revision is None:
        raise UserInputError(
            f"{where} has no schema; run `nowrongdoor db upgrade` first"
        )
    head = head_revision()
    if revision == head:
        return
    if is_known_revision(revision):
        raise UserInputError(
            f"{where} is at schema revision {revision}, older than this "
            f"version's {head}; run `nowrongdoor db upgrade` first"
        )
    raise UserInputError(
        f"{where} is at schema revision {revision}, which this version of "
        f"nowrongdoor does not know (its newest is {head}); run the version "
        "that migrated it"
    )


@contextmanager
def care_database(
    settings: Settings, *, needs_schema: bool = True
) -> Iterator[Database]:
    """The care database for one command, disposed when the command is done.

    A database that cannot be opened is refused in one sentence.

    Args:
        settings: The settings naming the database.
        needs_schema: Refuse (one sentence) a database that has no schema or
            is not at this version's revision; False for the commands that
            make, migrate or restore one.
    """
    db = _database(settings)
    try:
        revision = _open_revision(db)
        if needs_schema:
            _require_schema(db, revision)
        yield db
    finally:
        db.dispose()


class CareWork(NamedTuple):
    """One command's unit of work: the care database and a session on it."""

    db: Database
    session: CareSession


@contextmanager
def care_session(settings: Settings) -> Iterator[CareWork]:
    """A command's unit of work on the schema-checked care database.

    Refused (one sentence) when the database has no schema. The session
    commits when the block ends and rolls back when it raises (``typer.Exit``
    too); the database is disposed after. A value the database cannot store
    (a NUL character on PostgreSQL, a number out of range) is one sentence,
    never the statement and its parameters.

    Args:
        settings: The settings naming the database.

    Yields:
        The database (for its cipher) and the session.
    """
    from sqlalchemy.exc import DataError

    try:
        with care_database(settings) as db, db.session() as session:
            yield CareWork(db, session)
    except DataError as exc:  # a value the database cannot store (rolled back)
        raise UserInputError(
            "the care database refused a value of this input "
            f"({_db_reason(exc)}); nothing was written"
        ) from None


def _org_id(session: Session, org: str | None) -> int:
    from sqlalchemy import select

    from nowrongdoor.care.enums import OrgKind
    from nowrongdoor.care.models import Organization
    from nowrongdoor.care.schemas._common import MAX_ID

    if org is None:
        plans = list(
            session.scalars(
                select(Organization).where(Organization.kind == OrgKind.PLAN)
            )
        )
        if len(plans) != 1:
            raise UserInputError(
                f"--org is needed: the database has {len(plans)} plan organisations"
            )
        return plans[0].id
    if org.isascii() and org.isdigit():
        found = session.get(Organization, int(org)) if int(org) <= MAX_ID else None
    else:
        found = session.scalar(select(Organization).where(Organization.name == org))
    if found is None:
        raise UserInputError(f"--org {org!r}: no such organisation (id or exact name)")
    return found.id


# --- db -----------------------------------------------------------------------


def _migrate(
    ctx: typer.Context, move: Callable[[Engine, str], None], revision: str
) -> tuple[str, str | None]:
    """Move the care schema to ``revision`` (``move``: migrate's ``upgrade`` or
    ``downgrade``); returns the database URL (password hidden) and the revision
    it is at now."""
    from alembic.util import CommandError
    from sqlalchemy.exc import DBAPIError

    from nowrongdoor.care.migrate import current_revision

    with care_database(settings_from(ctx), needs_schema=False) as db:
        url = db.engine.url.render_as_string(hide_password=True)
        try:
            move(db.engine, revision)
        except (CommandError, RuntimeError, DBAPIError) as exc:
            raise UserInputError(
                f"care database {url}: could not move to revision {revision} "
                f"({_db_reason(exc, db.engine.url)}); it is still at "
                f"{current_revision(db.engine)}"
            ) from None
        rev = current_revision(db.engine)
    return url, rev


@db_app.command("upgrade")
def db_upgrade(
    ctx: typer.Context,
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Create or migrate the care schema (SQLite file by default, or PostgreSQL)."""
    from nowrongdoor.care.migrate import upgrade

    url, rev = _migrate(ctx, upgrade, revision)
    console.print(f"care database {url} is at revision {rev}")


@db_app.command("downgrade")
def db_downgrade(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(help="Target revision ('base' = empty).")],
) -> None:
    """Revert the care schema to an earlier revision (drops data of later ones)."""
    from nowrongdoor.care.migrate import downgrade

    _url, rev = _migrate(ctx, downgrade, revision)
    console.print(f"care database is at revision {rev}")


# --- serve ----------------------------------------------------------------------


def serve(
    ctx: typer.Context,
    host: Annotated[
        str | None, typer.Option(help="Address (default: settings.host).")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port (default: settings.port).")
    ] = None,
    web: Annotated[bool, typer.Option(help="Also serve the web pages.")] = True,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Worker processes; each reads the same --config file and "
            "NOWRONGDOOR_* variables.",
        ),
    ] = 1,
) -> None:
    """Serve the care API (and pages) with uvicorn; needs `db upgrade` first."""
    import uvicorn

    from nowrongdoor.care.app import create_app

    settings = settings_from(ctx)
    with care_database(settings):  # refuse a database with no schema
        pass
    bind_host = host or settings.host
    bind_port = port or settings.port
    common = {
        "host": bind_host,
        "port": bind_port,
        "log_level": settings.log_level.lower(),
        "access_log": False,
        "proxy_headers": False,
    }
    console.print(f"serving the care service at http://{bind_host}:{bind_port}")
    if workers > 1:
        _serve_workers(ctx, workers, web, settings, common)
        return
    from nowrongdoor.care.observability import configure_logging

    if settings.metrics_dir is not None:  # before prometheus-client is imported
        _share_metrics(settings)
    configure_logging(settings)
    uvicorn.run(
        create_app(settings, include_web=web),
        log_config=None,
        **common,  # type: ignore[arg-type]
    )


def _serve_workers(
    ctx: typer.Context,
    workers: int,
    web: bool,
    settings: Settings,
    common: dict[str, object],
) -> None:
    """Run ``workers`` uvicorn processes, each building its app from the same
    ``--config`` file (and ``NOWRONGDOOR_*`` variables) as this process.

    uvicorn spawns fresh interpreters, so the settings object cannot be handed
    over; a light factory holding the config path (``WorkerApp``) is, and each
    worker builds its settings at its own edge.
    """
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from nowrongdoor.care._worker import WorkerApp

    root = ctx.find_root().obj
    config_file = root.get("config") if isinstance(root, dict) else None
    if config_file is not None:
        config_file = Path(config_file).resolve()
    _share_metrics(settings)
    config = uvicorn.Config(
        WorkerApp(config_file, include_web=web),
        factory=True,
        workers=workers,
        log_config=None,
        **common,  # type: ignore[arg-type]
    )
    sock = config.bind_socket()
    try:
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()


def _share_metrics(settings: Settings) -> None:
    """Point prometheus-client's multiprocess mode at an emptied metrics dir."""
    import shutil

    from nowrongdoor.settings import export_environment

    metrics_dir = settings.metrics_dir or settings.data_dir / "metrics"
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True)
    export_environment(
        {
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
            "NOWRONGDOOR_METRICS_DIR": str(metrics_dir),
        }
    )


# --- users ----------------------------------------------------------------------


@users_app.command("create")
def users_create(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Login name (lower case).")],
    role: Annotated[
        str,
        typer.Option(
            help="admin, supervisor, care_manager, analyst, partner_user or "
            "investigator."
        ),
    ],
    display_name: Annotated[
        str | None, typer.Option(help="Name shown in the app.")
    ] = None,
    org: OrgOption = None,
    team: Annotated[
        str | None, typer.Option(help="Team (care managers' scope).")
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(
            help="Password (12+ characters); prompted when omitted.", hide_input=True
        ),
    ] = None,
) -> None:
    """Create a user; with no organisation in the database, creates the plan."""
    from pydantic import ValidationError
    from sqlalchemy import func, select

    from nowrongdoor.care import crud
    from nowrongdoor.care.enums import OrgKind
    from nowrongdoor.care.models import Organization
    from nowrongdoor.care.schemas import UserCreate

    if password is None:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    with care_session(settings_from(ctx)) as (_, session):
        if not session.scalar(select(func.count()).select_from(Organization)):
            crud.create_organization(session, name="Health plan", kind=OrgKind.PLAN)
        org_id = _org_id(session, org)
        try:
            data = UserCreate(
                username=username,
                password=password,
                role=role,  # type: ignore[arg-type]
                organization_id=org_id,
                display_name=display_name or username,
                team=team,
            )
        except ValidationError as exc:
            field, message = first_error(exc)
            raise UserInputError(f"{field}: {message}") from None
        from nowrongdoor.care.errors import ApiError

        try:
            user = crud.create_user(session, data=data)
        except ApiError as exc:
            raise UserInputError(f"{exc.field or 'user'}: {exc.message}") from None
        _audit_cli(
            session,
            "user.create",
            "cli",
            resource_type="user",
            resource_id=str(user.id),
        )
        console.print(
            f"created user {user.username} ({user.role}) in organisation {org_id}"
        )


@users_app.command("revoke")
def users_revoke(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Whose credentials.")],
    token: Annotated[
        int | None,
        typer.Option(
            help="Revoke only this API token id (default: all tokens "
            "and login sessions)."
        ),
    ] = None,
) -> None:
    """Revoke a user's API tokens and login sessions (or one token)."""
    from nowrongdoor.care.schemas._common import MAX_ID
    from nowrongdoor.care.security import (
        revoke_api_token,
        revoke_credentials,
        user_by_username,
    )

    with care_session(settings_from(ctx)) as (_, session):
        user = user_by_username(session, username)
        if user is None:
            raise UserInputError(f"no user named {username!r}")
        if token is not None:
            live = 0 < token <= MAX_ID
            if not live or not revoke_api_token(
                session, token_id=token, user_id=user.id
            ):
                raise UserInputError(f"user {username!r} has no live API token {token}")
            count = 1
        else:
            count = revoke_credentials(session, user_id=user.id)
        _audit_cli(session, "auth.revoke", f"{count} credentials")
    say(f"revoked {count} token(s)/session(s) of {username}")


@users_app.command("list")
def users_list(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """List users (no password data)."""
    from sqlalchemy import select

    from nowrongdoor.care.models import User

    with care_session(settings_from(ctx)) as (_, session):
        rows = [
            {
                "id": u.id,
                "username": u.username,
                "role": u.role,
                "organization": u.organization.name,
                "team": u.team,
                "active": u.is_active,
            }
            for u in session.scalars(select(User).order_by(User.username))
        ]
    if as_json:
        print_json(rows)
        return
    for r in rows:
        console.print(
            f"{r['id']:>4}  {r['username']:<20} {r['role']:<13} {r['organization']}"
        )


# --- audit ----------------------------------------------------------------------


def _verify_audit(ctx: typer.Context, *, write: bool) -> ChainReport:
    from nowrongdoor.care.audit import verify_chain

    settings = settings_from(ctx)
    checkpoints = settings.resolved_checkpoint_file
    with care_session(settings) as (_, session):
        try:
            return verify_chain(session, checkpoint_file=checkpoints, write=write)
        except OSError as exc:
            raise UserInputError(
                f"audit_checkpoint_file {checkpoints} cannot be read or written "
                f"({exc.strerror})"
            ) from None


def _report_broken(report: ChainReport) -> None:
    for seq, problem in report.problems:
        where = f"event {seq}" if seq else "checkpoints"
        say(f"{where}: {problem}", err=True)
    say(
        f"[bold red]audit chain broken:[/] {len(report.problems)} problem(s) in "
        f"{report.checked} events",
        err=True,
    )
    raise typer.Exit(1)


@audit_app.command("verify")
def audit_verify(
    ctx: typer.Context,
    checkpoint: Annotated[
        bool,
        typer.Option(
            "--checkpoint",
            help="Also append a signed checkpoint of the head to "
            "audit_checkpoint_file when the chain is intact.",
        ),
    ] = False,
) -> None:
    """Check the keyed audit chain against its checkpoints; exits 1 listing breaks."""
    report = _verify_audit(ctx, write=checkpoint)
    if not report.ok:
        _report_broken(report)
    say(
        f"audit chain intact: {report.checked} events verified against "
        f"{report.checkpoints} checkpoint(s)"
    )
    if report.unkeyed:
        say(f"{report.unkeyed} event(s) predate the keyed chain (plain SHA-256)")
    if report.written is not None:
        say(f"checkpoint written: event {report.written.seq} at {report.written.at}")


@audit_app.command("checkpoint")
def audit_checkpoint(ctx: typer.Context) -> None:
    """Verify the chain and append a signed checkpoint (run it from cron)."""
    report = _verify_audit(ctx, write=True)
    if not report.ok:
        _report_broken(report)
    if report.written is not None:
        say(f"checkpoint written: event {report.written.seq} at {report.written.at}")


# --- partners -------------------------------------------------------------------


@partners_app.command("import")
def partners_import(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(
            help="HSDS CSV package dir (datapackage.json), a JSON file, or a "
            "dir of JSON files."
        ),
    ],
) -> None:
    """Import an Open Referral HSDS 3 directory into the partner directory."""
    from nowrongdoor.care.hsds import import_hsds, load_hsds

    tables = load_hsds(path)
    with care_session(settings_from(ctx)) as (_, session):
        report = import_hsds(session, tables)
        _audit_cli(session, "partner.import", path.name, resource_type="organization")
    console.print(
        f"imported {report.organizations} organisations, {report.services} services, "
        f"{report.locations} locations, {report.services_at_location} services at "
        f"locations, {report.phones} phones"
    )
    for warning in report.warnings:
        say(f"warning: {warning}", err=True)


# --- care -----------------------------------------------------------------------


@app.command("seed")
def care_seed(
    ctx: typer.Context,
    persons: Annotated[
        int, typer.Option(min=1, max=5000, help="Synthetic persons.")
    ] = 24,
    seed: Seed = 7,
    spread_days: Annotated[
        int,
        typer.Option(
            min=0,
            max=3650,
            help="Spread each person's records over this many past days (0: all now).",
        ),
    ] = 0,
) -> None:
    """Fill an empty care database with synthetic demo data and print the logins."""
    from nowrongdoor.care.seed import seed_demo

    settings = settings_from(ctx)
    if settings.environment == "production":
        raise UserInputError("care seed makes demo logins; refused in production")
    with care_session(settings) as (db, session):
        report = seed_demo(
            session,
            cipher=db.cipher,
            persons=persons,
            seed=seed,
            spread_days=spread_days,
        )
    counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in report.counts.items())
    typer.echo(f"seeded synthetic data: {counts}")
    console.print("demo logins (synthetic data only):")
    for username, role, org, password in report.logins:
        typer.echo(f"  {username:<16} {password:<18} {role:<13} {org}")


@app.command("import-worklist")
def care_import_worklist(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help="Population output dir (worklist.csv) or the CSV.")
    ],
    org: OrgOption = None,
    source: Annotated[
        str | None,
        typer.Option(help="Label of this run (default: the directory name)."),
    ] = None,
    team: Annotated[
        str | None,
        typer.Option(
            help=(
                "Team pool that new members land in (default: the pool_routes "
                "setting, else the supervisors' pool)."
            )
        ),
    ] = None,
) -> None:
    """Turn a population worklist into risk flags on persons (matched by member id).

    New members have no owner: they wait in a team's pool for a care manager
    of that team to take them.
    """
    from nowrongdoor.care import crud
    from nowrongdoor.care.imports import (
        import_worklist,
        parse_pool_routes,
        read_text_file,
        resolve_worklist_path,
    )

    csv_path = resolve_worklist_path(path)
    text = read_text_file(csv_path)
    # the folder's own name, also for a relative path such as `.` or `w.csv`
    folder = Path(os.path.abspath(path if path.is_dir() else csv_path.parent))
    label = source or folder.name
    settings = settings_from(ctx)
    routes = parse_pool_routes(settings.pool_routes)
    with care_session(settings) as (db, session):
        organization_id = _org_id(session, org)
        counts = import_worklist(
            session,
            cipher=db.cipher,
            actor=None,
            organization_id=organization_id,
            text=text,
            name=str(csv_path),
            source=label,
            team=team,
            routes=routes,
        )
        _audit_cli(session, "import.worklist", f"{counts.rows} rows")
        unstaffed = crud.unstaffed_pools(session, organization_id=organization_id)
    console.print(
        f"{counts.rows} rows: {counts.created} new flags, {counts.updated} updated, "
        f"{counts.new_persons} new persons (each with a claims_flag intake to review)"
    )
    for pool, waiting in unstaffed.items():
        console.print(
            f"warning: team {pool!r} has no active care manager: its {waiting} "
            "waiting item(s) reach no one until a supervisor assigns them "
            "(check the pool_routes setting and the users' teams)"
        )


@app.command("new-key")
def care_new_key() -> None:
    """Print a new Fernet key for settings.encryption_keys (put it first to rotate)."""
    from nowrongdoor.care.crypto import generate_key

    typer.echo(generate_key())


@app.command("rotate-keys")
def care_rotate_keys(ctx: typer.Context) -> None:
    """Re-encrypt every value with the newest key; rebuild blind indexes."""
    from nowrongdoor.care.rotate import rotate_keys

    with care_session(settings_from(ctx)) as (db, session):
        counts = rotate_keys(session, cipher=db.cipher)
        _audit_cli(session, "care.rotate_keys", f"{sum(counts.values())} values")
    total = sum(counts.values())
    console.print(
        f"re-encrypted {total} values in {len(counts)} columns with the newest key"
    )


def _audit_cli(session: Session, action: str, detail: str, **resource: str) -> None:
    """Record a command's action in the audit log (no user, no request: the CLI).

    ``resource``: the ``resource_type`` and ``resource_id`` it acted on, if any.
    """
    from nowrongdoor.care.audit import AuditEntry, append_event

    entry = AuditEntry(action=action, detail=detail, **resource)  # type: ignore[arg-type]
    append_event(session, entry, user=None, request_id=None)


def _register_workspace_commands() -> None:
    from nowrongdoor.care.investigate.cli import care_import_ads

    app.command("import-ads")(care_import_ads)


_register_workspace_commands()
