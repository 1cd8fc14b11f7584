"""``nowrongdoor fhir``: partner systems' client credentials for the FHIR API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nowrongdoor._cli_support import print_json, say, settings_from
from nowrongdoor.errors import UserInputError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from nowrongdoor.care.models import Organization

__all__ = ["app"]

app = typer.Typer(
    help="The FHIR API: partner systems' OAuth2 client credentials.",
    no_args_is_help=True,
)


@app.command("client-create")
def client_create(
    ctx: typer.Context,
    org: Annotated[str, typer.Option("--org", help="The organisation (exact name).")],
    name: Annotated[str, typer.Option("--name", help="What the system is.")],
    token_minutes: Annotated[
        int, typer.Option("--token-minutes", help="Access token lifetime (5-1440).")
    ] = 60,
    jwks: Annotated[
        Path | None,
        typer.Option(
            "--jwks",
            help="The system's public keys (a JWK Set, JSON file): it signs JWTs "
            "(private-key JWT) instead of using a secret.",
        ),
    ] = None,
) -> None:
    """Create a client for a partner system; prints its id and secret once (JSON)."""
    from nowrongdoor.care.cli import _audit_cli
    from nowrongdoor.care.fhir.clients import create_client

    keys = None if jwks is None else _key_set(jwks)
    with _organisation_unit(ctx, org) as (session, organization):
        made = create_client(
            session,
            organization=organization,
            name=name,
            token_minutes=token_minutes,
            jwks=keys,
        )
        _audit_cli(session, "fhir.client.create", f"client {made.client_id}")
    print_json(
        {
            "client_id": made.client_id,
            "client_secret": made.client_secret or None,
            "auth": "private_key_jwt" if keys is not None else "client_secret",
            "organization_id": made.organization_id,
            "token_minutes": made.token_minutes,
        }
    )


@app.command("client-revoke")
def client_revoke(
    ctx: typer.Context,
    client_id: Annotated[str, typer.Argument(help="The client id (nwd-...).")],
) -> None:
    """Revoke a client: its tokens stop working at once."""
    from nowrongdoor.care.cli import _audit_cli, care_session
    from nowrongdoor.care.fhir.clients import revoke_client

    with care_session(settings_from(ctx)) as (_, session):
        if not revoke_client(session, client_id):
            raise UserInputError(f"no FHIR client {client_id!r}")
        _audit_cli(session, "fhir.client.revoke", f"client {client_id}")
    say(f"revoked {client_id}")


@app.command("clients")
def clients(ctx: typer.Context) -> None:
    """List the clients (JSON): id, name, organisation, lifetime, revoked."""
    from sqlalchemy import select

    from nowrongdoor.care.cli import care_session
    from nowrongdoor.care.models import PartnerClient

    with care_session(settings_from(ctx)) as (_, session):
        rows = [
            {
                "client_id": c.client_id,
                "name": c.name,
                "organization_id": c.organization_id,
                "token_minutes": c.token_minutes,
                "revoked": c.revoked_at is not None,
            }
            for c in session.scalars(select(PartnerClient).order_by(PartnerClient.id))
        ]
    print_json(rows)


@app.command("endpoint-set")
def endpoint_set(
    ctx: typer.Context,
    org: Annotated[str, typer.Option("--org", help="The partner (exact name).")],
    base_url: Annotated[
        str, typer.Option("--base-url", help="Its FHIR base, e.g. https://x/fhir.")
    ],
    client_id: Annotated[
        str, typer.Option("--client-id", help="Our client id at that server.")
    ],
    owner: Annotated[
        str,
        typer.Option(
            "--owner", help="The partner as its server names it: Organization/<id>."
        ),
    ],
    client_secret: Annotated[
        str,
        typer.Option(
            "--client-secret",
            prompt=True,
            hide_input=True,
            help="Our client secret there (prompted when left out; stored encrypted).",
        ),
    ],
    token_url: Annotated[
        str | None,
        typer.Option(
            "--token-url", help="Its token endpoint (default <base>/auth/token)."
        ),
    ] = None,
) -> None:
    """Send referrals to this partner over FHIR (``jobs run`` sends and polls)."""
    from nowrongdoor.care.cli import _audit_cli
    from nowrongdoor.care.fhir.outbound import set_endpoint

    with _organisation_unit(ctx, org) as (session, organization):
        endpoint = set_endpoint(
            session,
            organization=organization,
            base_url=base_url,
            client_id=client_id,
            client_secret=client_secret,
            owner_reference=owner,
            token_url=token_url,
        )
        _audit_cli(
            session, "fhir.endpoint.set", f"organization {organization.id} endpoint"
        )
        base = endpoint.base_url
    say(f"{org}: referrals go to {base}")


@contextmanager
def _organisation_unit(
    ctx: typer.Context, org: str
) -> Iterator[tuple[Session, Organization]]:
    """A command's unit of work on the one organisation ``--org`` names.

    A ``ValueError`` raised in the block (the record's maker refusing an
    option's value) ends the command as the user's error, its sentence as it is;
    the unit is rolled back.
    """
    from nowrongdoor.care.cli import care_session

    with care_session(settings_from(ctx)) as (_, session):
        organization = _one_organisation(session, org)
        try:
            yield session, organization
        except ValueError as exc:
            raise UserInputError(str(exc)) from None


def _key_set(jwks: Path) -> object:
    """The JWK Set in the file ``--jwks`` names, checked to hold public keys only."""
    from nowrongdoor.care.fhir.clients import public_key_set

    try:
        keys = json.loads(jwks.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserInputError(
            f"--jwks {jwks}: not a readable JSON file ({exc})"
        ) from None
    try:
        public_key_set(keys)
    except ValueError as exc:
        raise UserInputError(f"--jwks {jwks}: {exc}") from None
    return keys


def _one_organisation(session: Session, org: str) -> Organization:
    """The one organisation named ``org`` exactly (``--org``), or a user error."""
    from sqlalchemy import select

    from nowrongdoor.care.models import Organization

    found = session.scalars(select(Organization).where(Organization.name == org)).all()
    if len(found) != 1:
        raise UserInputError(
            f"--org {org!r} matches {len(found)} organisations (need one)"
        )
    return found[0]
