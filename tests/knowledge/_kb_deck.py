"""Read the seed deck's text: its lines, paragraphs and title-like lines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DECK = Path(__file__).parent / "data" / "seed_deck.txt"
COVERAGE = Path(__file__).parent / "data" / "deck_coverage.yaml"

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_NOT_A_TITLE = re.compile(r"^(?:<?https?:|[-▶•]|\d+\.\s)")


def normalize(text: str) -> str:
    """Strip Markdown links, emphasis and escapes; collapse whitespace."""
    text = _LINK.sub(r"\1", text)
    text = text.replace("\\", "").replace("**", "").replace("*", "")
    return " ".join(text.split())


@dataclass(frozen=True)
class Paragraph:
    """A run of non-blank deck lines, with the blank lines before it."""

    line: int
    blanks_before: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return normalize(" ".join(self.lines))


def paragraphs(text: str) -> list[Paragraph]:
    """Split the deck into paragraphs (blank-line separated)."""
    out: list[Paragraph] = []
    blanks = 3
    current: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if normalize(raw):
            if not current:
                start = number
                before = blanks
            current.append(raw)
            blanks = 0
            continue
        if current:
            out.append(Paragraph(start, before, tuple(current)))
            current = []
        blanks += 1
    if current:
        out.append(Paragraph(start, before, tuple(current)))
    return out


def known_texts(text: str) -> set[str]:
    """Every normalised line and paragraph of the deck, lower-cased."""
    found = {normalize(line).lower() for line in text.splitlines()}
    found |= {p.text.lower() for p in paragraphs(text)}
    found.discard("")
    return found


def title_candidates(text: str) -> list[str]:
    """Lines that look like slide titles or slide headings.

    A paragraph of at most 90 characters after three or more blank lines that
    is not a sentence, URL or bullet; or any short line ending in "?"; or a line
    saying "Continued". New slides in a new deck version show up here.
    """
    found: list[str] = []
    for para in paragraphs(text):
        candidate = para.text
        if (
            para.blanks_before >= 3
            and len(candidate) <= 90
            and not candidate.endswith(".")
            and not _NOT_A_TITLE.match(candidate)
        ):
            found.append(candidate)
            continue
        for raw in para.lines:
            line = normalize(raw)
            if (line.endswith("?") and len(line) <= 60) or "Continued" in line:
                found.append(line)
    return list(dict.fromkeys(found))
