"""Jinja2 environment, page context and small render helpers (private)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from nowrongdoor.care.web._audit_words import action_words
from nowrongdoor.care.web._form_key import hidden_field
from nowrongdoor.care.web._forms import FILTERS, explain_lead
from nowrongdoor.errors import UserInputError
from nowrongdoor.knowledge import KnowledgeBase, Resource, load_knowledge
from nowrongdoor.screening import get_instrument

WEB_DIR = Path(__file__).resolve().parent
TEMPLATE_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

#: Navigation, in order: (path, label, roles allowed; empty = everyone signed in).
NAV: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("/work", "My work", frozenset({"care_manager", "supervisor"})),
    ("/queue", "Work queue", frozenset({"care_manager", "supervisor"})),
    ("/leads", "Ad-match leads", frozenset({"analyst"})),
    ("/investigate", "Operations", frozenset({"investigator"})),
    ("/investigate/leads", "Missing-person leads", frozenset({"investigator"})),
    ("/intake", "Intake", frozenset({"care_manager", "supervisor"})),
    ("/people", "People", frozenset({"care_manager", "supervisor", "admin"})),
    ("/screening", "Screening", frozenset({"care_manager", "supervisor"})),
    ("/decision-aid", "Is it trafficking?", frozenset()),
    ("/partners", "Partners", frozenset({"care_manager", "supervisor", "admin"})),
    ("/inbox", "Referral inbox", frozenset({"partner_user"})),
    ("/dashboard", "Dashboard", frozenset({"supervisor", "admin", "analyst"})),
    ("/oversight", "Audit oversight", frozenset({"supervisor"})),
    ("/admin", "Admin", frozenset({"admin"})),
    ("/glossary", "Glossary", frozenset()),
    ("/training", "Training", frozenset()),
    ("/training/courses", "My training", frozenset()),
    ("/training/records", "Training records", frozenset({"supervisor", "admin"})),
)


@dataclass(frozen=True)
class Viewer:
    """Who is looking at a page: what the templates need to know.

    Attributes:
        user_id: The signed-in user's id, or ``None`` for an anonymous visitor.
        username: Login name shown in the header.
        display_name: Name shown in the header.
        role: Role name (admin, supervisor, care_manager, analyst, partner_user).
        organisation_id: The user's organisation.
        csrf_token: Token every form and htmx request sends back.
    """

    user_id: int | None = None
    username: str = ""
    display_name: str = ""
    role: str = ""
    organisation_id: int | None = None
    csrf_token: str = ""

    @property
    def signed_in(self) -> bool:
        """True for a signed-in user."""
        return self.user_id is not None


ANONYMOUS = Viewer()


def nav_for(viewer: Viewer) -> list[tuple[str, str]]:
    """Navigation links a viewer may follow.

    Args:
        viewer: The person looking at the page.

    Returns:
        ``(path, label)`` pairs, in menu order.
    """
    if not viewer.signed_in:
        return [(p, label) for p, label, roles in NAV if p in PUBLIC_PATHS]
    return [(p, label) for p, label, roles in NAV if not roles or viewer.role in roles]


#: Pages anyone may read without signing in (no person data on them).
PUBLIC_PATHS = frozenset({"/glossary", "/training", "/decision-aid"})


def hotline(kb: KnowledgeBase | None = None) -> Resource | None:
    """The national human-trafficking hotline entry from the knowledge base."""
    kb = kb or load_knowledge()
    entry = kb.entries.get("resources.national_hotline")
    return entry if isinstance(entry, Resource) else None


def _kb_text(entry_id: str) -> str:
    entry = load_knowledge().entries.get(entry_id)
    return entry.text if entry is not None else ""


def _kb_title(entry_id: str) -> str:
    entry = load_knowledge().entries.get(entry_id)
    return entry.title if entry is not None else ""


def service_types(types: list[str] | None) -> str:
    """A directory service's types for a reader: a partner type's code (say
    ``trafficking_housing``, kept for search) is left out when its name from
    the knowledge base is listed beside it; each type starts with a capital."""
    kb = load_knowledge()
    listed = set(types or ())
    shown = []
    for term in types or ():
        entry = kb.entries.get(f"partners.{term}")
        if entry is not None and entry.title.lower() in listed:
            continue
        shown.append(term[:1].upper() + term[1:])
    return ", ".join(shown)


def highlight_spans(text: str, spans: list[dict[str, Any]]) -> Markup:
    """Wrap recognised spans of ``text`` in ``<mark>`` with their meaning.

    Args:
        text: The plain text (escaped here).
        spans: Dicts with ``start``, ``end``, ``term_id``, ``meaning``; overlapping
            spans keep the first (longest-first order is the caller's choice).

    Returns:
        Safe HTML.
    """
    out: list[str] = []
    pos = 0
    for span in sorted(spans, key=lambda s: (s["start"], -s["end"])):
        start, end = int(span["start"]), int(span["end"])
        if start < pos or end <= start:
            continue
        out.append(str(escape(text[pos:start])))
        meaning = str(span.get("meaning") or "")
        term_id = str(span.get("term_id") or "")
        out.append(
            f'<mark class="term" data-term="{escape(term_id)}" '
            f'title="{escape(meaning)}">'
            f"{escape(text[start:end])}"
            f'<span class="term-meaning"> ({escape(_short(meaning))})</span></mark>'
        )
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def instrument_title(instrument_id: str) -> str:
    """A screening instrument's title for a reader (its id when the engine no
    longer ships it: a screening stored before, say)."""
    try:
        return get_instrument(instrument_id).title
    except UserInputError:
        return instrument_id


def _short(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def build_templates() -> Jinja2Templates:
    """The Jinja2 templates object with our filters and globals."""
    templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
    env = templates.env
    env.globals["kb_text"] = _kb_text
    env.globals["kb_title"] = _kb_title
    env.globals["explain_lead"] = explain_lead
    env.globals["form_key"] = hidden_field
    env.filters["short"] = _short
    env.filters["service_types"] = service_types
    env.filters["instrument"] = instrument_title
    env.filters["label"] = lambda value: str(value or "").replace("_", " ")
    env.filters.update(FILTERS)
    env.filters["audit_action"] = action_words
    return templates


TEMPLATES = build_templates()


#: The page policy: no inline or third-party scripts and styles (htmx and app.js
#: are served from /static), no framing. The care app's middleware adds
#: ``Cache-Control: no-store``, ``X-Frame-Options`` and ``nosniff`` to everything.
PAGE_HEADERS: dict[str, str] = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
}


def is_htmx(request: Request) -> bool:
    """Whether htmx sent the request (it wants a fragment, not a whole page)."""
    return request.headers.get("HX-Request") == "true"


def render(
    request: Request,
    template: str,
    viewer: Viewer,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render a page with the shared context (viewer, navigation, hotline).

    Args:
        request: The current request.
        template: Template file name.
        viewer: Who is looking.
        status_code: HTTP status of the response.
        **context: Page-specific values.

    Returns:
        The HTML response.
    """
    nav = nav_for(viewer)
    path = request.url.path
    # The menu entry for this page: the longest matching path (/training/records
    # is "Training records", not also "Training").
    matches = [p for p, _ in nav if path == p or path.startswith(p + "/")]
    base: dict[str, Any] = {
        "viewer": viewer,
        "nav": nav,
        "current_path": path,
        "current_nav": max(matches, key=len) if matches else None,
        "hotline": hotline(),
        "not_rescue": load_knowledge().entries.get("response.not_rescue"),
        "is_htmx": is_htmx(request),
    }
    base.update(context)
    response = TEMPLATES.TemplateResponse(
        request, template, base, status_code=status_code
    )
    response.headers.update(PAGE_HEADERS)
    return response
