"""Glossary and training pages built from the knowledge base (private).

No person data: these pages are readable without signing in.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from nowrongdoor.care.web._session import ViewerDep, text_query
from nowrongdoor.care.web._templating import is_htmx, render
from nowrongdoor.knowledge import (
    Entry,
    Indicator,
    KnowledgeBase,
    LexiconTerm,
    UnknownEntryError,
    load_knowledge,
)

router = APIRouter()

#: Training modules, in teaching order: (section, heading, why it matters).
TRAINING_ORDER: tuple[tuple[str, str], ...] = (
    ("response", "How to respond"),
    ("definitions", "What human trafficking is"),
    ("legal", "The law"),
    ("risk_groups", "Who is at risk"),
    ("indicators", "Indicators"),
    ("doors", "There is no wrong door"),
    ("barriers", "Why victims don't disclose"),
    ("lexicon", "Pimp-culture language"),
    ("roles", "Trafficker roles"),
    ("recruitment", "Recruitment"),
    ("industries", "Industries and venues"),
    ("pathways", "The pathway: Prevent, Survive, Thrive"),
    ("partners", "Partners"),
    ("resources", "Resources and hotlines"),
)

#: Sections the glossary lists when no search is given.
GLOSSARY_SECTIONS = ("definitions", "lexicon", "legal", "indicators", "pathways")


def glossary_groups(kb: KnowledgeBase) -> list[tuple[str, list[Entry]]]:
    """Glossary sections present in the knowledge base, entries sorted by title.

    Args:
        kb: The knowledge base.

    Returns:
        ``(section title, entries)`` pairs.
    """
    groups: list[tuple[str, list[Entry]]] = []
    for name in GLOSSARY_SECTIONS:
        if name in kb.sections:
            section = kb.sections[name]
            groups.append(
                (section.title, sorted(section.entries, key=lambda e: e.title.lower()))
            )
    return groups


def training_modules(kb: KnowledgeBase) -> list[tuple[str, str, list[Entry]]]:
    """Training modules in teaching order, then any other section.

    Args:
        kb: The knowledge base.

    Returns:
        ``(section name, heading, entries)`` triples.
    """
    modules: list[tuple[str, str, list[Entry]]] = []
    seen: set[str] = set()
    for name, heading in TRAINING_ORDER:
        if name in kb.sections:
            modules.append((name, heading, list(kb.sections[name].entries)))
            seen.add(name)
    for name, section in kb.sections.items():
        if name not in seen:
            modules.append((name, section.title, list(section.entries)))
    return modules


@router.get("/glossary", name="glossary")
def glossary(
    request: Request,
    viewer: ViewerDep,
    search: Annotated[dict[str, str], text_query(q=200)],
) -> HTMLResponse:
    """The glossary: lexicon terms with their meanings, definitions, indicators."""
    kb = load_knowledge()
    query = search["q"].strip()
    hits = kb.search(query, limit=50) if query else []
    template = "glossary_results.html" if is_htmx(request) else "glossary.html"
    return render(
        request,
        template,
        viewer,
        q=query,
        hits=hits,
        groups=[] if query else glossary_groups(kb),
    )


@router.get("/glossary/{entry_id}", name="kb_entry")
def glossary_entry(request: Request, viewer: ViewerDep, entry_id: str) -> HTMLResponse:
    """One knowledge-base entry with its source and related entries."""
    kb = load_knowledge()
    try:
        entry = kb.get(entry_id)
    except UnknownEntryError as exc:
        return render(
            request,
            "kb_missing.html",
            viewer,
            status_code=404,
            entry_id=entry_id,
            suggestions=exc.suggestions,
        )
    related = [kb.entries[ref] for ref in entry.see_also if ref in kb.entries]
    return render(request, "kb_entry.html", viewer, entry=entry, related=related)


@router.get("/training", name="training")
def training(request: Request, viewer: ViewerDep) -> HTMLResponse:
    """Staff training built from the knowledge base, in teaching order."""
    kb = load_knowledge()
    modules = training_modules(kb)
    minors = [e for e in kb if isinstance(e, Indicator) and e.population == "minor"]
    adults = [e for e in kb if isinstance(e, Indicator) and e.population == "adult"]
    return render(
        request,
        "training.html",
        viewer,
        modules=modules,
        minor_indicators=minors,
        adult_indicators=adults,
        lexicon_count=len(kb.lexicon),
    )


def is_lexicon(entry: Entry) -> bool:
    """True when ``entry`` is a lexicon term (used by templates)."""
    return isinstance(entry, LexiconTerm)
