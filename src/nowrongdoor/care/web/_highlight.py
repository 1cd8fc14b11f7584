"""Case-note language: lexicon terms and indicators highlighted (private).

Notes are scanned twice, both in the text layer: with
:func:`nowrongdoor.text.find_lexicon_terms` (the knowledge base's pimp-culture
lexicon, normalised so look-alike letters do not hide a term; an ambiguous term
such as "daddy" counts only when its context words are near), and with
:func:`nowrongdoor.text.scan_note` (the deck's indicators for minors and adults:
control of documents, money, phone and movement, debt, someone else booking rooms,
an older partner met online, recruitment, branding, quotas), which is negation
and quotation aware and cached per note text, so showing the same note version
again does no work.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from nowrongdoor.care.web._templating import highlight_spans
from nowrongdoor.text import NoteHit, TermMatch, find_lexicon_terms
from nowrongdoor.text import scan_note as scan_indicators


@dataclass(frozen=True)
class ScannedNote:
    """A note's text with its recognised terms.

    Attributes:
        html: The note as safe HTML, terms and indicator evidence wrapped in
            ``<mark>`` with their meanings.
        terms: The lexicon matches that count, in text order.
        indicators: The deck's indicators the note describes (lexicon hits
            aside), in text order, each with its evidence and citations.
    """

    html: Markup
    terms: tuple[TermMatch, ...]
    indicators: tuple[NoteHit, ...] = ()

    @property
    def suggests_screening(self) -> bool:
        """True when the note uses trafficking language or describes an
        indicator: offer a screening."""
        return bool(self.terms or self.indicators)

    @property
    def indicator_titles(self) -> list[str]:
        """Distinct titles of the indicators found, in order."""
        return list(dict.fromkeys(h.title for h in self.indicators))

    @property
    def term_ids(self) -> list[str]:
        """Distinct knowledge-base ids of the recognised terms, in order."""
        return list(dict.fromkeys(t.term_id for t in self.terms))


def scan_note(text: str) -> ScannedNote:
    """Find the lexicon terms in a note and highlight them.

    Args:
        text: The note as written.

    Returns:
        The highlighted note, the lexicon matches and the indicators found.
    """
    matches = tuple(m for m in find_lexicon_terms(text) if m.in_context)
    found = tuple(h for h in scan_indicators(text) if h.indicator != "lexicon")
    spans = [
        {"start": m.start, "end": m.end, "term_id": m.term_id, "meaning": m.meaning}
        for m in matches
    ]
    # A lexicon term keeps its own mark; indicator evidence is marked where it
    # does not overlap one (the indicator is still listed either way).
    spans += [
        {
            "start": h.start,
            "end": h.end,
            "term_id": h.citations[0] if h.citations else "",
            "meaning": f"Indicator: {h.title}",
        }
        for h in found
        if not any(m.start < h.end and h.start < m.end for m in matches)
    ]
    return ScannedNote(
        html=highlight_spans(text, spans), terms=matches, indicators=found
    )
