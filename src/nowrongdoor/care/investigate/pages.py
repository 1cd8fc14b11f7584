"""The investigator's pages: operations, one operation, leads, one lead.

Only the ``investigator`` role reaches them (``investigation:*`` permissions);
every page view is audited (an investigator reading ads and leads is itself a
record to keep) and the one state change, a decision on a lead, is written with
the request's unit of work (``ctx.audit.commit``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from nowrongdoor._phash import hamming
from nowrongdoor.care.errors import BadRequest
from nowrongdoor.care.investigate import crud
from nowrongdoor.care.investigate.graph import KIND_LABELS, contact_graph
from nowrongdoor.care.investigate.images import photo_words
from nowrongdoor.care.investigate.schemas import (
    INDICATOR_CODES,
    INDICATOR_LABELS,
    LeadDecision,
    OperationFilters,
    OperationNoteIn,
)
from nowrongdoor.care.investigate.usmap import route_map
from nowrongdoor.care.models import InvAd, InvLead, User
from nowrongdoor.care.web._session import Page, PageCtx, Read, needs, paged, text_query
from nowrongdoor.care.web._templating import STATIC_DIR
from nowrongdoor.errors import first_error

__all__ = ["router"]

router = APIRouter()

ReadDep = Annotated[PageCtx, Depends(needs("investigation:read"))]
DecideDep = Annotated[
    PageCtx, Depends(needs("investigation:read", "investigation:decide"))
]

#: The operations list's filters and sort (checked by :class:`OperationFilters`).
OperationsQuery = Annotated[dict[str, str], text_query(
    city=120, indicator=40, seen_from=10, seen_to=10, contact=200, sort=20, ascending=1
)]  # fmt: skip

PAGE_SIZE = 25
#: Leads a page (a poster brings up to ten; five posters' leads a page).
LEADS_PAGE_SIZE = 50
SORT_LABELS = {
    "size": "Most ads",
    "contacts": "Most contacts",
    "cities": "Most cities",
    "last_seen": "Last seen",
    "first_seen": "First seen",
    "revenue": "Estimated revenue",
    "youngest": "Youngest claimed age",
}
DECISION_LABELS = {
    "confirmed": "Confirmed: this is the missing person",
    "ruled_out": "Ruled out: not the person",
    "needs_more": "Needs more: cannot tell yet",
}
STATUS_LABELS = {
    "new": "to review",
    **{k: k.replace("_", " ") for k in DECISION_LABELS},
}
#: ``ads match`` comparison levels that their key, underscores read as
#: spaces, would say wrongly (nowrongdoor.ads.match._model; the age level is
#: the deck's "a 15-17 year-old is typically advertised as 18-20").
LEVEL_LABELS = {
    "minor_advertised_18_20": "a minor advertised as 18 to 20",
    "operation_name": "a name used elsewhere in the operation",
    "on_route": "on the operation's route",
    "after_missing": "posted after the missing date",
    "before_missing": "posted before the missing date",
}


def level_words(level: Any) -> str:
    """A comparison level of ``ads match`` in words ("same state")."""
    key = str(level or "")
    return LEVEL_LABELS.get(key, key.replace("_", " "))


def indicator_words(code: Any) -> str:
    """An indicator code in words (:data:`INDICATOR_LABELS`)."""
    key = str(code or "")
    return INDICATOR_LABELS.get(key, key.replace("_", " "))


def sex_word(value: Any) -> str:
    """A poster's sex as the posters write it (``F``, ``M``) in a word."""
    text = str(value or "")
    return {"F": "female", "M": "male"}.get(text.strip().upper(), text)


#: The photo's strength in words when the matcher gave no weight for it.
PHOTO_STRENGTH = {
    "same picture": "strong",
    "a similar picture": "moderate",
    "different pictures": "against",
}
#: log2 Bayes factor -> words (the matcher's weights, read aloud).
STRENGTH = ((4.0, "strong"), (2.0, "moderate"), (0.0, "weak"), (-2.0, "against"))


def chance(probability: float) -> str:
    """The matcher's probability in words that never claim certainty: "0.36",
    "over 0.99", "under 0.01" (a lead is never proof; 1.00 would read as one).
    """
    if probability >= 0.995:
        return "over 0.99"
    if probability < 0.005:
        return "under 0.01"
    return f"{probability:.2f}"


def _strength(weight: float) -> str:
    for bound, word in STRENGTH:
        if weight >= bound:
            return word
    return "strongly against"


@dataclass(frozen=True)
class _RecordPage:
    """The page of one kind of record, shown (its read audited) or shown
    again after a refused form posted from it.

    Attributes:
        resource_type: The record's resource type (``inv_lead``); the record
            is named for the audit first, should the request be denied.
        render: Renders the page: ``render(ctx, record_id, read=...)`` or
            ``render(ctx, record_id, form_error=...)``.
    """

    resource_type: str
    render: Callable[..., HTMLResponse]

    def show(self, ctx: PageCtx, record_id: int, action: str) -> HTMLResponse:
        """The record's page, with the read's audit event ``action``."""
        ctx.audit.target(self.resource_type, record_id)
        read = Read(action, resource_type=self.resource_type, resource_id=record_id)
        return self.render(ctx, record_id, read=read)

    async def posted_form(
        self, ctx: PageCtx, record_id: int, form_id: str, fields: tuple[str, ...]
    ) -> FormData:
        """The form posted from the record's page; a refusal shows the page
        again (status 400) with the message and what was typed.

        Args:
            ctx: The page context.
            record_id: The record's id.
            form_id: The ``id`` of the ``<form>`` on the page.
            fields: Names of the form's visible fields.
        """
        ctx.audit.target(self.resource_type, record_id)
        return await ctx.posted_form(
            form_id, lambda err: self.render(ctx, record_id, form_error=err), fields
        )


def _filters(**raw: str) -> OperationFilters:
    values: dict[str, Any] = {k: v for k, v in raw.items() if v}
    values["ascending"] = raw.get("ascending") == "1"
    try:
        return OperationFilters(**values)
    except ValidationError as exc:
        field, _ = first_error(exc)
        raise BadRequest(f"the filter {field} is not valid", field=field) from None


#: The operations list's query parameters an operation page carries back.
_LIST_KEYS = ("city", "indicator", "seen_from", "seen_to", "contact", "sort",
              "ascending")  # fmt: skip


def _list_query(filters: OperationFilters, page: int) -> str:
    """The operations list's filters, sort and page as a query string ("" for
    the list's first page, unfiltered, in its default order)."""
    query = {
        "city": filters.city, "indicator": filters.indicator,
        "seen_from": filters.seen_from.isoformat() if filters.seen_from else "",
        "seen_to": filters.seen_to.isoformat() if filters.seen_to else "",
        "contact": filters.contact,
        "sort": "" if filters.sort == "size" else filters.sort,
        "ascending": "1" if filters.ascending else "",
        "page": str(page) if page > 1 else "",
    }  # fmt: skip
    return urlencode({k: v for k, v in query.items() if v})


def back_query(params: Any) -> str:
    """The operations list's query an operation page was opened with (its
    "All operations" link and its note form keep it); "" when there is none
    or it is not a valid one (the link then goes to the list's first page)."""
    raw = {k: str(params.get(k) or "") for k in _LIST_KEYS}
    page = str(params.get("page") or "1")
    try:
        filters = _filters(**raw)
    except BadRequest:
        return ""
    if not page.isdigit() or not 1 <= int(page) <= 10**6:
        return ""
    return _list_query(filters, int(page))


@router.get("/investigate", name="inv_operations")
def operations_page(
    ctx: ReadDep, page: Annotated[Page, paged(PAGE_SIZE)], query: OperationsQuery
) -> HTMLResponse:
    """Operations: size, contacts, cities, dates, indicators; filters, sort, search."""
    filters = _filters(**query)
    seen_from, seen_to = query["seen_from"], query["seen_to"]
    result = crud.list_operations(
        ctx.session,
        viewer=ctx.user,
        cipher=ctx.cipher,
        filters=filters,
        **page.window,
    )
    return ctx.render(
        "investigate/operations.html",
        # the search text is never audited (it may be a phone number)
        read=Read(
            "investigation.operations.read",
            resource_type="inv_operation",
            detail=f"page {page.number}, {len(result.rows)} of {result.total}"
            + (", contact search" if filters.contact else ""),
        ),
        result=result,
        filters=filters,
        **page.fields(result.total),
        query=_list_query(filters, 1),  # the pager adds the page
        list_query=_list_query(filters, page.number),
        sort_labels=SORT_LABELS,
        indicators=INDICATOR_CODES,
        indicator_words=indicator_words,
        seen_from=seen_from,
        seen_to=seen_to,
    )


def _ad_view(ad: InvAd) -> dict[str, Any]:
    facts = ad.facts or {}
    return {
        "id": ad.id,
        "key": ad.ad_key,
        "posted_at": ad.posted_at,
        "place": ", ".join(p for p in (ad.city, ad.state) if p),
        "title": ad.title or "",
        "text": ad.text or "",
        "phones": facts.get("phones") or [],
        "emails": facts.get("emails") or [],
        "handles": facts.get("handles") or [],
        "names": facts.get("names") or [],
        "ages": facts.get("ages") or [],
        "indicators": facts.get("indicators") or [],
        "score": ad.score,
    }


def _timeline(ads: list[InvAd]) -> list[tuple[dt.date, int]]:
    days: dict[dt.date, int] = {}
    for ad in ads:
        if ad.posted_at is not None:
            day = ad.posted_at.date()
            days[day] = days.get(day, 0) + 1
    return sorted(days.items())


def operation_response(
    ctx: PageCtx,
    operation_id: int,
    *,
    form_error: dict[str, Any] | None = None,
    read: Read | None = None,
) -> HTMLResponse:
    """Render the operation page (also again, status 400, after a refused note;
    ``read``: the page read's audit event, see :meth:`PageCtx.render`)."""
    op = crud.get_operation(ctx.session, viewer=ctx.user, operation_id=operation_id)
    ads = crud.operation_ads(ctx.session, op)
    edges = crud.operation_edges(ctx.session, op)
    timeline = _timeline(ads)
    graph = contact_graph(
        [(a.ad_key, a.facts) for a in ads],
        [(e.source_key, e.target_key, e.evidence or "") for e in edges
         if e.kind == "image"],
    )  # fmt: skip
    return ctx.render(
        "investigate/operation.html",
        status_code=400 if form_error else 200,
        read=read,
        op=op,
        contacts=op.contacts or {},
        ads=[_ad_view(a) for a in ads],
        edges=edges,
        timeline=timeline,
        timeline_max=max((n for _, n in timeline), default=1),
        route_map=route_map(op.route or []),
        graph=graph,
        graph_script=_GRAPH_LIBRARY.is_file(),
        kind_labels=KIND_LABELS,
        indicator_words=indicator_words,
        notes=crud.operation_notes(ctx.session, op),
        form_error=form_error,
        list_query=back_query(ctx.request.query_params),
    )


#: The operation page (the note form posts back to it).
_OPERATION = _RecordPage("inv_operation", operation_response)

#: Cytoscape.js, copied from node_modules by ``make`` (no CDN; see docs/web.md).
_GRAPH_LIBRARY = STATIC_DIR / "vendor" / "cytoscape.min.js"


@router.get(
    "/investigate/operations/{operation_id}",
    name="inv_operation",
)
def operation_page(ctx: ReadDep, operation_id: int) -> HTMLResponse:
    """One operation: timeline, route map, contact graph, its ads, why they
    were linked, and the investigators' notes."""
    return _OPERATION.show(ctx, operation_id, "investigation.operation.read")


@router.post("/investigate/operations/{operation_id}/notes", name="inv_operation_note")
async def add_note(ctx: DecideDep, operation_id: int) -> Response:
    """Add a note to the operation (encrypted, audited, kept across re-imports)."""
    form = await _OPERATION.posted_form(ctx, operation_id, "note-form", ("text",))
    again = ctx.repeated(form)
    if again is not None:
        return again
    op = crud.get_operation(ctx.session, viewer=ctx.user, operation_id=operation_id)
    try:
        data = OperationNoteIn(text=str(form.get("text") or ""))
    except ValidationError:
        raise BadRequest(
            "write the note (at least 3 characters, at most 4,000)", field="text"
        ) from None
    note = crud.add_operation_note(ctx.session, actor=ctx.user, operation=op, data=data)
    kept = back_query(ctx.request.query_params)
    answer = ctx.created(
        f"/investigate/operations/{op.id}?{kept + '&' if kept else ''}noted=1#notes"
    )
    # the note's text is never written to the audit log
    ctx.audit.commit(
        "investigation.operation.note",
        resource_type="inv_operation",
        resource_id=op.id,
        detail=f"{op.op_key}; note {note.id}",
    )
    return answer


def leads_back_query(params: Any) -> str:
    """The leads list's query (decision shown, page) a lead page was opened
    with, for its "All leads" link and its decision form; "" when none or
    not a valid one."""
    status = str(params.get("status") or "")
    page = str(params.get("page") or "1")
    if status not in STATUS_LABELS:
        status = ""
    number = int(page) if page.isdigit() and len(page) <= 7 else 1
    query = {"status": status, "page": str(number) if number > 1 else ""}
    return urlencode({k: v for k, v in query.items() if v})


@router.get("/investigate/leads", name="inv_leads")
def leads_page(
    ctx: ReadDep,
    page: Annotated[Page, paged(LEADS_PAGE_SIZE)],
    query: Annotated[dict[str, str], text_query(status=16)],
) -> HTMLResponse:
    """Missing-person leads: poster case, ad, score; undecided first."""
    status = query["status"] if query["status"] in STATUS_LABELS else ""
    leads, total = crud.list_leads(
        ctx.session, viewer=ctx.user, status=status, **page.window
    )
    return ctx.render(
        "investigate/leads.html",
        read=Read(
            "investigation.leads.read",
            resource_type="inv_lead",
            detail=f"page {page.number}, {len(leads)} of {total}",
        ),
        leads=leads,
        chance=chance,
        **page.fields(total),
        query=urlencode({"status": status} if status else {}),
        list_query=leads_back_query({"status": status, "page": str(page.number)}),
        status=status,
        status_labels=STATUS_LABELS,
    )


def _comparisons(lead: InvLead) -> list[dict[str, Any]]:
    rows = []
    for field, ev in (lead.evidence or {}).items():
        weight = float(ev.get("log2_bayes_factor") or 0.0)
        rows.append(
            {
                "field": field,
                "level": level_words(ev.get("level")),
                "detail": ev.get("detail", ""),
                "weight": weight,
                "strength": _strength(weight),
            }
        )
    return sorted(rows, key=lambda r: -abs(r["weight"]))


def _years(birth: str, on: dt.datetime | None) -> int | None:
    try:
        born = dt.date.fromisoformat(str(birth)[:10])
    except ValueError:
        return None
    if on is None:
        return None
    day = on.date()
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _checks(
    ctx: PageCtx, lead: InvLead, ad: InvAd | None, operation_id: int | None
) -> list[str]:
    """Age on the ad date and place against the route, in words."""
    poster = lead.poster or {}
    out: list[str] = []
    if ad is not None:
        expected = _years(poster.get("birth_date") or "", ad.posted_at)
        about = ""
        if expected is None and str(poster.get("age_at_missing") or "").isdigit():
            # no birth date: the age when missing plus the years since
            since = _years(poster.get("missing_date") or "", ad.posted_at)
            if since is not None:
                expected = int(poster["age_at_missing"]) + max(since, 0)
                about = "about "
        claimed = (ad.facts or {}).get("ages") or []
        if expected is not None:
            said = ", ".join(str(a) for a in claimed) or "no age"
            minor = " (a minor on the ad date)" if expected < 18 else ""
            out.append(
                f"Age: {about}{expected} on the ad date{minor}; the ad claims {said}."
            )
    state = str(poster.get("state") or "")
    if state and operation_id is not None:
        op = crud.get_operation(ctx.session, viewer=ctx.user, operation_id=operation_id)
        stops = [f"{r.get('city') or '?'}, {r.get('state')}" for r in op.route or []]
        same = [s for s in stops if s.endswith(f", {state}")]
        where = f"{poster.get('city') or '?'}, {state}"
        out.append(
            f"Place: missing from {where}; the operation's route "
            f"({' -> '.join(stops) or 'no places'}) "
            + (
                f"passes through {state} ({'; '.join(same)})."
                if same
                else f"never reaches {state}."
            )
        )
    return out


def _photos(ctx: PageCtx, lead: InvLead, ad: InvAd | None) -> dict[str, Any]:
    """The photo comparison in words, and the two pictures when both are kept."""
    poster, pictures = crud.lead_images(ctx.session, lead, ad)
    out: dict[str, Any] = {"sentence": None, "poster_url": None, "ad_url": None}
    read = photo_words(poster.phash if poster else None, [p.phash for p in pictures])
    if read is not None and poster is not None:
        what, distance = read
        ev = (lead.evidence or {}).get("photo") or {}
        weight = ev.get("log2_bayes_factor")
        strength = (
            _strength(float(weight))
            if isinstance(weight, int | float)
            else PHOTO_STRENGTH[what]
        )
        out["sentence"] = f"photo: {what} (pHash distance {distance}), {strength}"
        closest = min(
            pictures, key=lambda p: hamming(int(p.phash, 16), int(poster.phash, 16))
        )
        if poster.stored and closest.stored:
            out["poster_url"] = f"/investigate/images/{poster.sha256}"
            out["ad_url"] = f"/investigate/images/{closest.sha256}"
    if any(p.minor for p in [*pictures, *([poster] if poster else [])]):
        out["note"] = (
            "Pictures of a minor are kept only as perceptual hashes: none is "
            "stored or shown."
        )
    elif read is None:
        out["note"] = "No photo to compare on one side or both."
    elif not ctx.settings.investigate_store_images:
        out["note"] = (
            "Pictures are not kept (setting investigate_store_images is off): "
            "only their perceptual hashes are compared."
        )
    elif out["poster_url"] is None:
        out["note"] = "The pictures were not kept by the import."
    return out


def lead_response(
    ctx: PageCtx,
    lead_id: int,
    *,
    form_error: dict[str, Any] | None = None,
    read: Read | None = None,
) -> HTMLResponse:
    """Render the lead page (also again, status 400, after a refused decision;
    ``read``: the page read's audit event, see :meth:`PageCtx.render`)."""
    lead = crud.get_lead(ctx.session, viewer=ctx.user, lead_id=lead_id)
    ad, operation_id = crud.lead_ad(ctx.session, lead)
    decider = ctx.session.get(User, lead.decided_by_id) if lead.decided_by_id else None
    return ctx.render(
        "investigate/lead.html",
        decided_by=decider.display_name if decider else None,
        status_code=400 if form_error else 200,
        read=read,
        lead=lead,
        poster=lead.poster or {},
        ad=_ad_view(ad) if ad is not None else None,
        operation_id=operation_id,
        comparisons=_comparisons(lead),
        checks=_checks(ctx, lead, ad, operation_id),
        photos=_photos(ctx, lead, ad),
        decisions=DECISION_LABELS,
        status_labels=STATUS_LABELS,
        sex_word=sex_word,
        chance=chance,
        form_error=form_error,
        list_query=leads_back_query(ctx.request.query_params),
    )


#: The lead page (the decision form posts back to it).
_LEAD = _RecordPage("inv_lead", lead_response)


@router.get("/investigate/leads/{lead_id}", name="inv_lead")
def lead_page(ctx: ReadDep, lead_id: int) -> HTMLResponse:
    """A lead: the poster beside the ad, each comparison's evidence and weight."""
    return _LEAD.show(ctx, lead_id, "investigation.lead.read")


@router.post("/investigate/leads/{lead_id}/decision", name="inv_lead_decide")
async def decide(ctx: DecideDep, lead_id: int) -> Response:
    """Record confirmed / ruled out / needs more, with the reason (audited)."""
    form = await _LEAD.posted_form(
        ctx, lead_id, "decision-form", ("decision", "reason")
    )
    # a double click or a resend answers with the first one's page, not an error
    again = ctx.repeated(form)
    if again is not None:
        return again
    lead = crud.get_lead(ctx.session, viewer=ctx.user, lead_id=lead_id)
    try:
        data = LeadDecision(
            decision=str(form.get("decision") or ""),  # type: ignore[arg-type]
            reason=str(form.get("reason") or ""),
        )
    except ValidationError as exc:
        field, _ = first_error(exc)
        message = (
            "choose a decision"
            if field == "decision"
            else "say in a few words why (at least 3 characters)"
        )
        raise BadRequest(message, field=field) from None
    crud.decide_lead(
        ctx.session,
        actor=ctx.user,
        cipher=ctx.cipher,
        lead=lead,
        data=data,
    )
    kept = leads_back_query(ctx.request.query_params)
    answer = ctx.created(
        f"/investigate/leads/{lead.id}?{kept + '&' if kept else ''}decided=1"
    )
    ctx.audit.commit(
        f"investigation.lead.{data.decision}",
        resource_type="inv_lead",
        resource_id=lead.id,
        detail=f"{lead.case_key} / {lead.ad_key}"
        + (f"; care intake {lead.intake_id}" if lead.intake_id else ""),
    )
    return answer


def _handoff(ctx: PageCtx, lead_id: int) -> tuple[InvLead, bytes]:
    """A decided lead (named for the audit, should it be denied) and its
    evidence bundle."""
    ctx.audit.target("inv_lead", lead_id)
    lead = crud.get_lead(ctx.session, viewer=ctx.user, lead_id=lead_id)
    if lead.status == "new":
        raise BadRequest("record a decision before making a hand-off record")
    return lead, crud.handoff_bundle(ctx.session, lead)


@router.get(
    "/investigate/leads/{lead_id}/handoff",
    name="inv_lead_handoff",
)
def handoff_page(ctx: ReadDep, lead_id: int) -> HTMLResponse:
    """A printable hand-off record: the evidence, who decided, when, its SHA-256.

    Never sent anywhere: the investigator prints it or saves it as PDF and
    hands it to the agency (NCMEC, law enforcement). Each one is audited.
    """
    lead, bundle = _handoff(ctx, lead_id)
    digest = hashlib.sha256(bundle).hexdigest()
    return ctx.render(
        "investigate/handoff.html",
        read=Read(
            "investigation.lead.handoff",
            resource_type="inv_lead",
            resource_id=lead.id,
            detail=f"sha256 {digest}",
        ),
        lead=lead,
        bundle=json.loads(bundle),
        digest=digest,
        made_at=dt.datetime.now(dt.UTC),
        status_labels=STATUS_LABELS,
        level_words=level_words,
        sex_word=sex_word,
    )


@router.get("/investigate/leads/{lead_id}/handoff.json", name="inv_lead_bundle")
def handoff_bundle(ctx: ReadDep, lead_id: int) -> Response:
    """The evidence bundle itself: the bytes whose SHA-256 the record prints."""
    lead, bundle = _handoff(ctx, lead_id)
    ctx.audit.commit(
        "investigation.lead.export",
        resource_type="inv_lead",
        resource_id=lead.id,
        detail=f"sha256 {hashlib.sha256(bundle).hexdigest()}",
    )
    return Response(
        bundle,
        media_type="application/json",
        headers={
            "Content-Disposition": (
                f'attachment; filename="lead-{lead.case_key}-{lead.ad_key}.json"'
            )
        },
    )
