"""Typed models of knowledge-base entries (private)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "Entry",
    "Indicator",
    "LegalElement",
    "LexiconTerm",
    "PartnerType",
    "Pathway",
    "Resource",
    "SectionFile",
    "Statistic",
    "Table",
]

ID_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"

Population = Literal["minor", "adult", "any"]

#: Characters either side of an ambiguous term searched for a context pattern.
CONTEXT_WINDOW = 80

SOURCE_PATTERN = r"^(deck: \S.*|https?://\S+)$"


@lru_cache(maxsize=4096)
def _compile_bounded(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(rf"(?<![\w]){p}(?![\w])", re.IGNORECASE) for p in patterns)


class Entry(BaseModel):
    """One cited piece of the deck's knowledge.

    Attributes:
        id: Stable dotted id, ``<section>.<slug>`` (for example ``lexicon.bottom``).
        title: Short human title.
        text: The content, in our own words (statute text may be quoted).
        source: Where it comes from: the deck's slide title (``deck: <title>``;
            several titles separated by ``; ``) or an official URL.
        tags: Free keywords that help search.
        see_also: Ids of related entries.
        references: Further URLs: the ones the deck cites for the entry, or
            official pages that say the same.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["entry"] = "entry"
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    title: Annotated[str, Field(min_length=1)]
    text: Annotated[str, Field(min_length=1)]
    source: Annotated[str, Field(min_length=3, pattern=SOURCE_PATTERN)]
    tags: tuple[str, ...] = ()
    see_also: tuple[str, ...] = ()
    references: tuple[Annotated[str, Field(pattern=r"^https?://\S+$")], ...] = ()

    @property
    def deck_titles(self) -> tuple[str, ...]:
        """The deck slide titles named in ``source`` (empty for a URL source)."""
        if not self.source.startswith("deck: "):
            return ()
        return tuple(t.strip() for t in self.source[6:].split("; ") if t.strip())

    @property
    def section(self) -> str:
        """The section this entry belongs to (the first part of its id)."""
        return self.id.split(".", 1)[0]


class LexiconTerm(Entry):
    """A pimp-culture term, with the patterns that find it in text.

    Attributes:
        term: The canonical spelling as on the slide.
        category: What kind of word it is (role, relationship, activity, rule,
            money, group, code, ...).
        patterns: Case-insensitive regular expressions for the term and its spelling
            variants; each is matched on word boundaries by the text layer.
        ambiguous: True when the word is ordinary in everyday speech ("daddy",
            "game", "family", "16"); a hit then needs context before it counts.
        context_note: Required when ``ambiguous``: how to read the word.
        context_patterns: Regexes for words near an ambiguous term that make the
            trafficking sense likely (for example money, quota, date, track).
        strong_patterns: The subset of ``patterns`` whose phrases carry the
            trafficking sense on their own ("bottom girl", "money over
            bitches"): a hit of one counts without context even for an ambiguous
            term. Each must also be listed in ``patterns``, so a reader that only
            uses ``patterns`` still finds it.
        examples_positive: Sentences every one of which some pattern must match.
        examples_negative: Sentences no pattern may match.
    """

    kind: Literal["lexicon"] = "lexicon"  # type: ignore[assignment]
    term: Annotated[str, Field(min_length=1)]
    category: Annotated[str, Field(min_length=2)]
    patterns: Annotated[tuple[str, ...], Field(min_length=1)]
    ambiguous: bool = False
    context_note: str | None = None
    context_patterns: tuple[str, ...] = ()
    strong_patterns: tuple[str, ...] = ()
    examples_positive: Annotated[tuple[str, ...], Field(min_length=1)]
    examples_negative: tuple[str, ...] = ()

    @field_validator("patterns", "context_patterns", "strong_patterns")
    @classmethod
    def _compiles(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            try:
                re.compile(pattern, re.IGNORECASE)
            except re.error as exc:
                raise ValueError(
                    f"pattern {pattern!r} does not compile: {exc}"
                ) from exc
        return value

    @model_validator(mode="after")
    def _ambiguous_needs_note(self) -> LexiconTerm:
        if self.ambiguous and not self.context_note:
            raise ValueError("an ambiguous term needs a context_note")
        if self.ambiguous and not self.context_patterns:
            raise ValueError("an ambiguous term needs context_patterns")
        stray = [p for p in self.strong_patterns if p not in self.patterns]
        if stray:
            raise ValueError(f"strong_patterns {stray} are not listed in patterns")
        return self

    def compiled(self) -> list[re.Pattern[str]]:
        """The term's patterns compiled case-insensitively on word boundaries."""
        return list(_compile_bounded(self.patterns))

    def compiled_context(self) -> list[re.Pattern[str]]:
        """The context patterns compiled case-insensitively on word boundaries."""
        return list(_compile_bounded(self.context_patterns))

    def find(self, text: str, window: int = CONTEXT_WINDOW) -> list[re.Match[str]]:
        """Occurrences of the term in ``text`` that count, in text order.

        A pattern hit counts on its own for an unambiguous term. For an
        ambiguous term it counts only when a context pattern matches within
        ``window`` characters before or after it (the hit itself excluded). A
        strong-pattern hit always counts.
        This is the reference reading of the lexicon; the text layer may add
        de-obfuscation before calling it.

        Args:
            text: Text to scan.
            window: Characters either side searched for context.

        Returns:
            The matches that count, sorted by position, overlaps removed.
        """
        strong = set(self.strong_patterns)
        hits = [
            (m, source in strong)
            for source, pattern in zip(self.patterns, self.compiled(), strict=True)
            for m in pattern.finditer(text)
        ]
        kept: list[re.Match[str]] = []
        for match, is_strong in sorted(
            hits, key=lambda h: (h[0].start(), -h[0].end(), not h[1])
        ):
            if kept and match.start() < kept[-1].end():
                continue
            if (
                self.ambiguous
                and not is_strong
                and not self._has_context(text, match, window)
            ):
                continue
            kept.append(match)
        return kept

    def matches(self, text: str, window: int = CONTEXT_WINDOW) -> bool:
        """True when the term occurs in ``text`` in a sense that counts."""
        return bool(self.find(text, window))

    def _has_context(self, text: str, match: re.Match[str], window: int) -> bool:
        before = text[max(0, match.start() - window) : match.start()]
        after = text[match.end() : match.end() + window]
        return any(c.search(before) or c.search(after) for c in self.compiled_context())


class Indicator(Entry):
    """A sign that a person may be trafficked.

    Attributes:
        population: Who the sign applies to: ``minor``, ``adult`` or ``any``.
        domain: Area of the sign (history, health, behaviour, control, ...).
        prompt: A short, trauma-informed observation prompt for checklists.
    """

    kind: Literal["indicator"] = "indicator"  # type: ignore[assignment]
    population: Population
    domain: Annotated[str, Field(min_length=2)]
    prompt: str | None = None


class SourceClaim(BaseModel):
    """A figure exactly as its source publishes it, to check an entry against.

    Attributes:
        quote: The source's sentence (or slide text) with the figure, verbatim.
        figure: The figure as written in ``quote`` (``70%``, ``1 in 6``, ``$90``).
        value: The figure as a number, in the entry's unit.
        subject: What the figure counts or is a share of, in the quote's words;
            for a percentage, the population it is a percentage *of*.
        checked: Where and when the quote was read (the cited page, or why not).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    quote: Annotated[str, Field(min_length=1)]
    figure: Annotated[str, Field(min_length=1)]
    value: float
    subject: Annotated[str, Field(min_length=1)]
    checked: Annotated[str, Field(min_length=10)]


class Statistic(Entry):
    """A published figure.

    Attributes:
        value: The number as published.
        unit: Unit of ``value`` (``USD``, ``percent``, ``people``, ``hours``...).
        year: The year the figure refers to, when stated.
        source_claim: The figure and its subject as the source publishes them.
    """

    kind: Literal["statistic"] = "statistic"  # type: ignore[assignment]
    value: float
    unit: Annotated[str, Field(min_length=1)]
    year: int | None = None
    source_claim: SourceClaim

    @model_validator(mode="after")
    def _matches_its_source(self) -> Statistic:
        if self.value != self.source_claim.value:
            raise ValueError(
                f"{self.id}: value {self.value:g} differs from the source's "
                f"{self.source_claim.value:g}"
            )
        if self.source_claim.figure not in self.source_claim.quote:
            raise ValueError(f"{self.id}: source_claim.figure is not in its quote")
        return self


class Resource(Entry):
    """A hotline, tool or reference a person or worker can use.

    Attributes:
        phone: Phone number to call, if any.
        sms: Short code or number to text, if any.
        url: Web address, if any.
    """

    kind: Literal["resource"] = "resource"  # type: ignore[assignment]
    phone: str | None = None
    sms: str | None = None
    url: str | None = None


class Pathway(Entry):
    """A program pathway (Prevent, Survive, Thrive) and its actions."""

    kind: Literal["pathway"] = "pathway"  # type: ignore[assignment]
    pathway: Literal["prevent", "survive", "thrive"]
    who: Annotated[str, Field(min_length=3)]
    actions: Annotated[tuple[str, ...], Field(min_length=1)]


class PartnerType(Entry):
    """A kind of partner the program works with.

    Attributes:
        scope: ``national`` (a named organisation) or ``local`` (a type of agency).
        pathways: Pathways this partner usually serves.
    """

    kind: Literal["partner_type"] = "partner_type"  # type: ignore[assignment]
    scope: Literal["national", "local"]
    pathways: tuple[Literal["prevent", "survive", "thrive"], ...] = ()


class LegalElement(Entry):
    """A statute or legal element, with its citation and, where useful, its words.

    Attributes:
        citation: Formal citation (for example ``22 U.S.C. 7102(11)``).
        quote: The statute's own words, when quoted.
    """

    kind: Literal["legal"] = "legal"  # type: ignore[assignment]
    citation: Annotated[str, Field(min_length=3)]
    quote: str | None = None


class Table(Entry):
    """A published table (for example the survivor-survey tables).

    Attributes:
        columns: Column names, in order.
        rows: One mapping per row, keyed by column name.
        n: Number of respondents the percentages refer to, when stated.
    """

    kind: Literal["table"] = "table"  # type: ignore[assignment]
    columns: Annotated[tuple[str, ...], Field(min_length=1)]
    rows: Annotated[tuple[dict[str, Any], ...], Field(min_length=1)]
    n: int | None = None

    @model_validator(mode="after")
    def _rows_match_columns(self) -> Table:
        for index, row in enumerate(self.rows):
            if set(row) != set(self.columns):
                raise ValueError(
                    f"row {index} has keys {sorted(row)}, expected {list(self.columns)}"
                )
        return self


AnyEntry = Annotated[
    Entry
    | LexiconTerm
    | Indicator
    | Statistic
    | Resource
    | Pathway
    | PartnerType
    | LegalElement
    | Table,
    Field(discriminator="kind"),
]


class SectionFile(BaseModel):
    """One YAML file: a section of the knowledge base.

    Attributes:
        section: Section name; every entry id starts with it.
        title: Human title.
        description: What the section holds.
        order: Position among sections (the deck's order); ties by name.
        kind: Default ``kind`` of the entries.
        entries: The entries, in reading order.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    section: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: Annotated[str, Field(min_length=1)]
    description: str = ""
    order: int = Field(
        1000, description="Position among sections (the deck's order); ties by name."
    )
    kind: str = "entry"
    entries: Annotated[tuple[AnyEntry, ...], Field(min_length=1)]

    @model_validator(mode="before")
    @classmethod
    def _default_kind(cls, data: Any) -> Any:
        """Entries without a ``kind`` take the file's ``kind``."""
        if isinstance(data, dict) and isinstance(data.get("entries"), list):
            kind = data.get("kind", "entry")
            data = dict(data)
            data["entries"] = [
                {"kind": kind, **item}
                if isinstance(item, dict) and "kind" not in item
                else item
                for item in data["entries"]
            ]
        return data

    @model_validator(mode="after")
    def _ids_in_section(self) -> SectionFile:
        for entry in self.entries:
            if entry.section != self.section:
                raise ValueError(
                    f"entry {entry.id} does not start with the section name "
                    f"{self.section!r}"
                )
        return self
