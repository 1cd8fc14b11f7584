"""Audit oversight for supervisors: who looked at whom, failed logins,
denials and consent overrides in their organisation, with CSV export (private).

The view reads the audit log (never person names: pseudonyms only) and is
limited to events by users of the viewer's organisation; admins see every
organisation's. Opening it and exporting it are audited too.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import IO, Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.background import BackgroundTask

from nowrongdoor.care import crud
from nowrongdoor.care.web import _forms as f
from nowrongdoor.care.web._audit_words import action_words
from nowrongdoor.care.web._session import Page, PageCtx, Read, needs, paged, text_query

__all__ = ["router"]

router = APIRouter()

OversightDep = Annotated[PageCtx, Depends(needs("audit:oversee"))]
#: What the view (and its CSV export) is narrowed to: :class:`crud.OversightFilters`.
OversightQuery = Annotated[
    dict[str, str], text_query(kind=20, username=150, pseudonym=20)
]

PAGE_SIZE = 50
#: Events the CSV export reads a batch (it writes every matching event).
EXPORT_BATCH = 2_000

#: What a supervisor looks for, as (label, condition on the audit event).
KINDS = crud.OVERSIGHT_KINDS


@router.get("/oversight", name="oversight")
def oversight(
    ctx: OversightDep, page: Annotated[Page, paged(PAGE_SIZE)], query: OversightQuery
) -> HTMLResponse:
    """Audit oversight of the supervisor's organisation (filters, paged)."""
    filters = crud.OversightFilters(**query)
    rows, total = crud.oversight_events(
        ctx.session,
        viewer=ctx.user,
        filters=filters,
        **page.window,
    )
    return ctx.render(
        "oversight.html",
        read=Read("audit.oversight", resource_type="audit", detail=f"{total} events"),
        rows=rows,
        **page.fields(total),
        kinds={k: label for k, (label, _c) in KINDS.items()},
        filters=filters,
    )


def _cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


@router.get("/oversight.csv", name="oversight_csv")
def oversight_csv(ctx: OversightDep, query: OversightQuery) -> Response:
    """Every matching event as CSV, newest first.

    The events are read ``EXPORT_BATCH`` at a time (each batch older than the
    last, so events appended meanwhile neither repeat nor shift a row) into a
    temporary file, which is sent and then removed: no event is left out, and
    memory stays one batch whatever the log's length.
    """
    filters = crud.OversightFilters(**query)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", newline="", suffix=".csv", delete=False
    ) as out:
        try:
            written = _write_events(ctx, filters, out)
        except BaseException:
            out.close()
            Path(out.name).unlink(missing_ok=True)
            raise
    ctx.audit.commit("audit.export", resource_type="audit", detail=f"{written} rows")
    return FileResponse(
        out.name,
        media_type="text/csv; charset=utf-8",
        filename="audit-oversight.csv",
        background=BackgroundTask(Path(out.name).unlink, missing_ok=True),
    )


def _write_events(ctx: PageCtx, filters: crud.OversightFilters, out: IO[str]) -> int:
    """Write the matching events to ``out`` as CSV; how many were written.

    Every column keeps its name and place (plans' scripts read them by either);
    ``action_words`` (the action in words, :func:`action_words`) is added last,
    and ``action`` stays the code as the log stores it.
    """
    writer = csv.writer(out)
    writer.writerow(
        [
            "seq",
            "at",
            "username",
            "role",
            "action",
            "outcome",
            "person",
            "record",
            "detail",
            "action_words",
        ]
    )
    written, before = 0, None
    while True:
        rows, _ = crud.oversight_events(
            ctx.session,
            viewer=ctx.user,
            filters=filters,
            limit=EXPORT_BATCH,
            count=False,
            before_seq=before,
        )
        for event, person in rows:
            writer.writerow(
                _cell(value)
                for value in [
                    event.seq,
                    f.fmt_time(event.at),
                    event.username or "system",
                    event.role or "",
                    event.action,
                    event.outcome,
                    person or "",
                    f"{event.resource_type or ''} {event.resource_id or ''}".strip(),
                    event.detail or "",
                    action_words(event.action),
                ]
            )
        written += len(rows)
        if len(rows) < EXPORT_BATCH:
            return written
        before = rows[-1][0].seq
