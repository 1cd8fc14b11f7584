"""Program report pages and JSON for the care service (supervisor, admin, analyst).

Every figure counts the viewer's own organisation only (its persons, intakes,
screenings, cases, needs and the referrals it sent), like the dashboard.

The pages call exactly the functions the CLI report calls
(:func:`nowrongdoor.reports.program_metrics`, :func:`render_program_html`), so the
web and the files show the same numbers, suppressed the same way. ``reports`` sits
to the right of ``care`` in the layering rule, so ``care`` cannot import this
module; whoever builds the app at the edge installs it::

    from nowrongdoor.care.app import create_app
    from nowrongdoor.reports.web import install_reports

    app = create_app(settings)
    install_reports(app)

Routes: ``GET /reports/program`` (HTML page; ``?fragment=true`` for an htmx
fragment), ``GET /reports/program/tables/{key}.csv`` and
``GET /api/v1/reports/program`` (JSON). Dates are ``from`` and ``to``
(``YYYY-MM-DD``); by default the last three calendar months up to today.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from nowrongdoor.care.api.deps import CurrentUser, SessionDep
from nowrongdoor.care.errors import BadRequest, Forbidden, NotFound
from nowrongdoor.reports._metrics import ProgramMetrics, program_metrics
from nowrongdoor.reports._output import table_csv
from nowrongdoor.reports._program_report import (
    program_csv_tables,
    render_program_html,
)

__all__ = ["REPORT_ROLES", "build_reports_router", "install_reports"]

#: Roles that may see program reports (aggregate, suppressed, program-wide).
REPORT_ROLES = frozenset({"supervisor", "admin", "analyst"})

FromQuery = Annotated[
    str | None, Query(alias="from", description="First day, YYYY-MM-DD.")
]
ToQuery = Annotated[str | None, Query(alias="to", description="Last day, YYYY-MM-DD.")]


def _period(start: str | None, end: str | None) -> tuple[dt.date, dt.date]:
    today = dt.datetime.now(dt.UTC).date()
    month = today.month - 2
    default_start = dt.date(today.year - (month < 1), month + 12 * (month < 1), 1)
    out = []
    for value, name, default in ((start, "from", default_start), (end, "to", today)):
        if value is None:
            out.append(default)
            continue
        try:
            out.append(dt.date.fromisoformat(value))
        except ValueError:
            raise BadRequest(
                f"{name} {value!r} is not a date; use YYYY-MM-DD", field=name
            ) from None
    if out[1] < out[0]:
        raise BadRequest(
            f"the period ends ({out[1]}) before it starts ({out[0]})", field="to"
        )
    return out[0], out[1]


def _metrics(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    start: FromQuery = None,
    end: ToQuery = None,
) -> ProgramMetrics:
    """The viewer's program metrics for the period asked (a route dependency)."""
    if str(user.role) not in REPORT_ROLES:
        raise Forbidden("program reports are for supervisors, analysts and admins")
    first, last = _period(start, end)
    threshold = int(request.app.state.settings.suppression_threshold)
    return program_metrics(
        session,
        first,
        last,
        threshold=threshold,
        organization_id=int(user.organization_id),
    )


#: The program metrics a report route shows (role checked, period parsed).
MetricsDep = Annotated[ProgramMetrics, Depends(_metrics)]


def _json(metrics: ProgramMetrics) -> dict[str, Any]:
    return {
        "from": metrics.start.isoformat(),
        "to": metrics.end.isoformat(),
        "threshold": metrics.threshold,
        "headline": metrics.headline(),
        "referrals": dataclasses.asdict(metrics.referrals),
        "tables": [
            {
                "key": item.spec.key,
                "section": item.spec.section,
                "query": item.spec.query_name,
                "title": item.table.title,
                "row_labels": list(item.table.row_labels),
                "col_labels": list(item.table.col_labels),
                "cells": [list(row) for row in item.table.cells],
                "row_totals": list(item.table.row_totals),
                "col_totals": list(item.table.col_totals),
                "grand_total": item.table.grand_total,
            }
            for item in metrics.tables
        ],
    }


def build_reports_router() -> APIRouter:
    """The report routes (HTML, CSV, JSON)."""
    router = APIRouter(tags=["reports"])

    @router.get(
        "/reports/program", response_class=HTMLResponse, include_in_schema=False
    )
    def program_page(metrics: MetricsDep, fragment: bool = False) -> HTMLResponse:
        """The program report as a page (or an htmx fragment)."""
        return HTMLResponse(render_program_html(metrics, fragment=fragment))

    @router.get("/reports/program/tables/{key}.csv", include_in_schema=False)
    def program_table_csv(metrics: MetricsDep, key: str) -> Response:
        """One table of the program report as CSV (suppressed values are ``*``)."""
        tables = program_csv_tables(metrics)
        if key not in tables:
            raise NotFound(f"no report table {key!r}", field="key")
        return Response(
            table_csv(tables[key]),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{key}.csv"'},
        )

    @router.get("/api/v1/reports/program")
    def program_json(metrics: MetricsDep) -> JSONResponse:
        """Program reach and outcomes, suppressed (``null`` = suppressed)."""
        return JSONResponse(_json(metrics))

    return router


def install_reports(app: FastAPI) -> None:
    """Add the report routes to a care app built by ``create_app``."""
    app.include_router(build_reports_router())
