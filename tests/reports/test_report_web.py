"""Report pages and JSON on the care app: same numbers as the CLI report."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from nowrongdoor.care.app import create_app
from nowrongdoor.care.db import open_database
from nowrongdoor.care.models import Organization, User
from nowrongdoor.care.security import create_api_token
from nowrongdoor.reports.web import install_reports

PERIOD = {"from": "2026-01-01", "to": "2026-02-28"}


@pytest.fixture
def web(care_db: Any) -> Any:
    db = open_database(care_db.settings)
    tokens = {}
    with db.session() as session:
        org = session.query(Organization).first()
        for role in ("supervisor", "analyst", "care_manager", "partner_user"):
            user = User(
                organization_id=org.id,
                username=role,
                display_name=role,
                role=role,
                password_hash="not-used",
            )
            session.add(user)
            session.flush()
            tokens[role] = create_api_token(session, user=user, name="t")[0]
    app = create_app(care_db.settings, database=db)  # plugins from entry points
    client = TestClient(app, raise_server_exceptions=False)
    yield client, {r: {"Authorization": f"Bearer {t}"} for r, t in tokens.items()}
    db.dispose()


def test_json_matches_the_cli_metrics(web: Any, care_db: Any) -> None:
    client, headers = web
    response = client.get(
        "/api/v1/reports/program", params=PERIOD, headers=headers["analyst"]
    )
    assert response.status_code == 200, response.text
    data = response.json()
    tables = {t["key"]: t for t in data["tables"]}
    screens = tables["screenings_by_month_instrument"]
    assert screens["grand_total"] == 28
    assert screens["cells"][0] == [None, None]  # 25 and 3: suppressed together
    assert data["referrals"]["completed"] == 12
    assert data["referrals"]["declined"] is None
    assert data["headline"]["Screenings"] == 28
    assert screens["query"].endswith("screenings_by_month_instrument")


def test_page_fragment_and_csv(web: Any) -> None:
    client, headers = web
    page = client.get("/reports/program", params=PERIOD, headers=headers["supervisor"])
    assert page.status_code == 200 and page.text.startswith("<!DOCTYPE html>")
    assert page.text.count("<svg") == 4
    fragment = client.get(
        "/reports/program",
        params={**PERIOD, "fragment": "true"},
        headers=headers["supervisor"],
    )
    assert (
        "<html" not in fragment.text and "table-cases_by_month_pathway" in fragment.text
    )
    table = client.get(
        "/reports/program/tables/referrals_by_month_status.csv",
        params=PERIOD,
        headers=headers["supervisor"],
    )
    rows = list(csv.reader(io.StringIO(table.text)))
    assert rows[-1][-1] == "24" and rows[0][0] == "Month"


@pytest.mark.parametrize("role", ["care_manager", "partner_user"])
def test_other_roles_are_refused(web: Any, role: str) -> None:
    client, headers = web
    response = client.get(
        "/api/v1/reports/program", params=PERIOD, headers=headers[role]
    )
    assert response.status_code == 403
    assert client.get("/api/v1/reports/program", params=PERIOD).status_code == 401


def test_bad_dates_are_400_naming_the_field(web: Any) -> None:
    client, headers = web
    response = client.get(
        "/api/v1/reports/program",
        params={"from": "2026-02-30"},
        headers=headers["analyst"],
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "from"
    response = client.get(
        "/api/v1/reports/program",
        params={"from": "2026-03-01", "to": "2026-02-01"},
        headers=headers["analyst"],
    )
    assert response.status_code == 400


def test_reports_are_an_installed_app_plugin(care_db: Any) -> None:
    from nowrongdoor.care.app import installed_plugins

    assert install_reports in installed_plugins()
    db = open_database(care_db.settings)
    try:
        default = TestClient(create_app(care_db.settings, database=db))
        bare = TestClient(create_app(care_db.settings, database=db, plugins=[]))
        # Unauthenticated: the route exists (401) only where the plugin ran.
        assert default.get("/api/v1/reports/program", params=PERIOD).status_code == 401
        assert bare.get("/api/v1/reports/program", params=PERIOD).status_code == 404
    finally:
        db.dispose()


@pytest.fixture
def second_plan(care_db: Any) -> Any:
    """Bearer headers for users of every report role of a second plan."""
    db = open_database(care_db.settings)
    headers = {}
    with db.session() as session:
        other = Organization(name="Plan Two", kind="plan")
        session.add(other)
        session.flush()
        for role in ("supervisor", "analyst", "admin"):
            user = User(
                organization_id=other.id,
                username=f"two.{role}",
                display_name=role,
                role=role,
                password_hash="not-used",
            )
            session.add(user)
            session.flush()
            token = create_api_token(session, user=user, name="t")[0]
            headers[role] = {"Authorization": f"Bearer {token}"}
    yield headers
    db.dispose()


@pytest.mark.parametrize("role", ["supervisor", "analyst", "admin"])
def test_every_report_and_export_counts_the_viewers_organisation_only(
    web: Any, second_plan: Any, role: str
) -> None:
    client, own = web
    viewer = second_plan[role]
    data = client.get("/api/v1/reports/program", params=PERIOD, headers=viewer)
    assert data.status_code == 200, data.text
    body = data.json()
    assert all(t["grand_total"] == 0 for t in body["tables"]), [
        (t["key"], t["grand_total"]) for t in body["tables"] if t["grand_total"]
    ]
    assert body["referrals"]["sent"] == 0
    page = client.get("/reports/program", params=PERIOD, headers=viewer)
    assert page.status_code == 200
    mine = client.get("/reports/program", params=PERIOD, headers=own["supervisor"])
    assert page.text != mine.text
    for key in (t["key"] for t in body["tables"]):
        csv_rows = list(
            csv.reader(
                io.StringIO(
                    client.get(
                        f"/reports/program/tables/{key}.csv",
                        params=PERIOD,
                        headers=viewer,
                    ).text
                )
            )
        )
        counts = [cell for row in csv_rows[1:] for cell in row[1:]]
        assert all(cell in ("0", "*", "") for cell in counts), (key, csv_rows)
    # the first plan still sees its own figures
    first = client.get("/api/v1/reports/program", params=PERIOD, headers=own["analyst"])
    assert first.json()["headline"]["Screenings"] == 28
