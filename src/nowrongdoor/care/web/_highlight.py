"""Case-note language: lexicon terms highlighted with their meaning (private).

Notes are scanned with :func:`nowrongdoor.text.find_lexicon_terms` (the knowledge
base's pimp-culture lexicon, normalised so look-alike letters do not hide a
term). Only hits that count are shown: every unambiguous term, and an ambiguous
one ("daddy", "family") only when its context words are near.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from nowrongdoor.care.web._templating import highlight_spans
from nowrongdoor.text import TermMatch, find_lexicon_terms


@dataclass(frozen=True)
class ScannedNote:
    """A note's text with its recognised terms.

    Attributes:
        html: The note as safe HTML, terms wrapped in ``<mark>`` with meanings.
        terms: The matches that count, in text order.
    """

    html: Markup
    terms: tuple[TermMatch, ...]

    @property
    def suggests_screening(self) -> bool:
        """True when the note uses trafficking language: offer a screening."""
        return bool(self.terms)

    @property
    def term_ids(self) -> list[str]:
        """Distinct knowledge-base ids of the recognised terms, in order."""
        return list(dict.fromkeys(t.term_id for t in self.terms))


def scan_note(text: str) -> ScannedNote:
    """Find the lexicon terms in a note and highlight them.

    Args:
        text: The note as written.

    Returns:
        The highlighted note and the matches that count.
    """
    matches = tuple(m for m in find_lexicon_terms(text) if m.in_context)
    spans = [
        {"start": m.start, "end": m.end, "term_id": m.term_id, "meaning": m.meaning}
        for m in sorted(matches, key=lambda m: (m.start, -(m.end - m.start)))
    ]
    return ScannedNote(html=highlight_spans(text, spans), terms=matches)
