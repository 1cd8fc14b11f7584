"""Load and search the knowledge base (private; use :mod:`nowrongdoor.knowledge`)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from nowrongdoor.knowledge._models import Entry, LexiconTerm, SectionFile

__all__ = [
    "KnowledgeBase",
    "KnowledgeError",
    "SearchHit",
    "UnknownEntryError",
    "data_files",
    "load_knowledge",
    "load_knowledge_from",
]


class KnowledgeError(ValueError):
    """The knowledge base data is invalid; the message names the file and entry."""


class UnknownEntryError(KeyError):
    """No entry has the requested id.

    Attributes:
        entry_id: The id that was asked for.
        suggestions: The closest existing ids.
    """

    def __init__(self, entry_id: str, suggestions: list[str]) -> None:
        super().__init__(entry_id)
        self.entry_id = entry_id
        self.suggestions = suggestions

    def __str__(self) -> str:
        hint = f"; closest: {', '.join(self.suggestions)}" if self.suggestions else ""
        return f"no knowledge-base entry has id {self.entry_id!r}{hint}"


@dataclass(frozen=True)
class SearchHit:
    """One search result: the entry, its score and what matched."""

    entry: Entry
    score: float
    matched: str


@dataclass(frozen=True)
class KnowledgeBase:
    """All sections and entries, indexed by id.

    Attributes:
        sections: Section files by section name, in file-name order.
        entries: Every entry by id.
    """

    sections: dict[str, SectionFile]
    entries: dict[str, Entry] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> Entry:
        """Return the entry with ``entry_id``.

        Raises:
            UnknownEntryError: no such id; carries the closest ids.
        """
        try:
            return self.entries[entry_id]
        except KeyError:
            close = difflib.get_close_matches(
                entry_id, list(self.entries), n=3, cutoff=0.4
            )
            raise UnknownEntryError(entry_id, close) from None

    def section(self, name: str) -> tuple[Entry, ...]:
        """Entries of one section.

        Raises:
            KeyError: the section does not exist.
        """
        if name not in self.sections:
            raise KeyError(
                f"no knowledge-base section {name!r}; sections: "
                f"{', '.join(sorted(self.sections))}"
            )
        return self.sections[name].entries

    @property
    def lexicon(self) -> tuple[LexiconTerm, ...]:
        """All pimp-culture lexicon terms."""
        return tuple(e for e in self.entries.values() if isinstance(e, LexiconTerm))

    def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        """Rank entries for a free-text query.

        Ranking, best first: the query is an entry id; the query is a lexicon
        term; a lexicon pattern (spelling variant) matches the whole query; the
        query is an entry title; a lexicon term occurs inside the query; a title
        contains the query as a word; a tag is the query; a title contains it;
        the text contains it as a word; every word of the query occurs in the
        entry. Ties keep knowledge-base order.

        Args:
            query: Words to look for (case-insensitive).
            limit: Most hits to return.

        Returns:
            Hits, best first.
        """
        q = " ".join(query.lower().split())
        if not q:
            return []
        hits: list[SearchHit] = []
        for entry in self.entries.values():
            score, matched = _score(entry, q)
            if score > 0:
                hits.append(SearchHit(entry, score, matched))
        hits.sort(key=lambda h: -h.score)
        return hits[:limit]


def _lexicon_score(entry: LexiconTerm, q: str) -> tuple[float, str]:
    patterns = entry.compiled()
    if entry.term.lower() == q:
        return 100.0, "term"
    if any(p.fullmatch(q) for p in patterns):
        return 90.0, "variant"
    if any(p.search(q) for p in patterns):
        return 70.0, "variant"
    return 0.0, ""


def _score(entry: Entry, q: str) -> tuple[float, str]:
    if entry.id == q:
        return 110.0, "id"
    title = entry.title.lower()
    lexical = _lexicon_score(entry, q) if isinstance(entry, LexiconTerm) else None
    if lexical and lexical[0] >= 90:
        return lexical
    if title == q:
        return 80.0, "title"
    if lexical and lexical[0]:
        return lexical
    word = re.compile(rf"(?<!\w){re.escape(q)}(?!\w)")
    if word.search(title):
        return 60.0, "title"
    tags = [tag.lower() for tag in entry.tags]
    if q in tags:
        return 50.0, "tag"
    if q in title:
        return 40.0, "title"
    text = entry.text.lower()
    found = len(word.findall(text))
    if found:
        return 20.0 + min(10, found), "text"
    words = q.split()
    if len(words) > 1:
        haystack = " ".join([title, text, *tags])
        if all(re.search(rf"(?<!\w){re.escape(w)}", haystack) for w in words):
            return 10.0, "words"
    return 0.0, ""


def _read_section(path: Path, label: str) -> SectionFile:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{label}: not valid YAML: {exc}") from exc
    try:
        return SectionFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        if not first["loc"]:
            raise KnowledgeError(f"{label}: {message}") from exc
        where = _locate(raw, first["loc"])
        raise KnowledgeError(f"{label}: {where}: {message}") from exc


def _locate(raw: object, loc: tuple[int | str, ...]) -> str:
    """Describe a validation error location by entry id where possible."""
    if len(loc) >= 2 and loc[0] == "entries" and isinstance(raw, dict):
        index = loc[1]
        entries = raw.get("entries") or []
        if isinstance(index, int) and index < len(entries):
            item = entries[index]
            entry_id = item.get("id", f"#{index}") if isinstance(item, dict) else index
            rest = ".".join(
                str(p)
                for p in loc[2:]
                if not str(p).isidentifier()
                or p
                not in {
                    "entry",
                    "lexicon",
                    "indicator",
                    "statistic",
                    "resource",
                    "pathway",
                    "partner_type",
                    "legal",
                    "table",
                }
            )
            return f"entry {entry_id}" + (f" field {rest}" if rest else "")
    return "field " + ".".join(str(p) for p in loc)


def load_knowledge_from(paths: Iterable[Path]) -> KnowledgeBase:
    """Build a knowledge base from explicit YAML files.

    Args:
        paths: Section files to read.

    Returns:
        The knowledge base.

    Raises:
        KnowledgeError: a file is malformed, an entry is invalid, an id is
            duplicated or a ``see_also`` id does not exist; the message names the
            file and the entry.
    """
    sections: dict[str, SectionFile] = {}
    entries: dict[str, Entry] = {}
    origin: dict[str, str] = {}
    for path in sorted(paths):
        label = path.name
        section = _read_section(path, label)
        if section.section in sections:
            raise KnowledgeError(
                f"{label}: section {section.section!r} is defined twice"
            )
        sections[section.section] = section
        for entry in section.entries:
            if entry.id in entries:
                raise KnowledgeError(
                    f"{label}: entry {entry.id} duplicates an id already in "
                    f"{origin[entry.id]}"
                )
            entries[entry.id] = entry
            origin[entry.id] = label
    for entry in entries.values():
        for ref in entry.see_also:
            if ref not in entries:
                raise KnowledgeError(
                    f"{origin[entry.id]}: entry {entry.id} field see_also names "
                    f"unknown id {ref!r}"
                )
    ordered = sorted(sections.values(), key=lambda s: (s.order, s.section))
    return KnowledgeBase(
        sections={s.section: s for s in ordered},
        entries={e.id: e for s in ordered for e in s.entries},
    )


def data_files() -> list[Path]:
    """The YAML files shipped in ``nowrongdoor/knowledge/data``."""
    root = resources.files("nowrongdoor.knowledge") / "data"
    return sorted(
        Path(str(item)) for item in root.iterdir() if item.name.endswith(".yaml")
    )


@lru_cache(maxsize=1)
def load_knowledge() -> KnowledgeBase:
    """Load the shipped knowledge base once and cache it.

    Returns:
        The knowledge base.

    Raises:
        KnowledgeError: the shipped data is invalid (a bug caught by the tests).
    """
    return load_knowledge_from(data_files())
