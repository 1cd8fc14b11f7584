"""The deck's published survey figures, read from the knowledge base (private).

The knowledge base holds the survivor-survey tables as ``survey.*`` Table entries
(and a table of headline facts), each with its citation. This module
only maps their rows onto the survey's answer codes; it copies no figures.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from nowrongdoor.knowledge import Table, load_knowledge
from nowrongdoor.reports._instrument import REPORTING_TABLES, survey_items

__all__ = ["ReferenceTable", "survey_reference"]

#: Which local table a knowledge-base entry feeds, by words in its id or title.
_TABLE_KEYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("mental_health", ("mental",)),
    ("insurance", ("insurance",)),
    ("health", ("health",)),
    ("forms", ("forms_of", "form_of", "types_of_trafficking")),
)


@dataclass(frozen=True)
class ReferenceTable:
    """Published figures for one local table.

    Attributes:
        key: The local table it belongs to (``health``, ``insurance``...).
        entry_ids: Knowledge-base ids the figures come from.
        title: Title of the published table.
        source: Citation (the knowledge-base ``source``).
        n: Respondents the percentages refer to, when stated.
        by_code: ``{answer code: (percent per column...)}``.
        numbers: ``{answer code: number reporting}`` where published.
    """

    key: str
    entry_ids: tuple[str, ...]
    title: str
    source: str
    n: int | None
    by_code: dict[str, tuple[float | None, ...]] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)

    def percents(self, code: str) -> tuple[float | None, ...]:
        """The published percentage(s) for an answer, ``None`` if not published."""
        width = max((len(v) for v in self.by_code.values()), default=1)
        return self.by_code.get(code, (None,) * width)

    def number(self, code: str) -> int | None:
        """The published number reporting an answer, if published."""
        return self.numbers.get(code)


def _norm(text: str) -> str:
    text = re.sub(r"\(.*?\)", " ", text.lower())
    return " ".join(re.findall(r"[a-z0-9]+", text))


def _number(value: Any) -> float | None:
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        match = re.search(r"-?\d+(?:\.\d+)?", value.replace(",", ""))
        if match:
            return float(match.group())
    return None


def _key_for(entry_id: str, title: str) -> str | None:
    words = f"{entry_id} {title}".lower().replace(" ", "_")
    for key, needles in _TABLE_KEYS:
        if any(needle in words for needle in needles):
            return key
    return None


def _match(label: str, options: list[tuple[str, str]]) -> str | None:
    """The answer code whose text best matches a published row label."""
    target = _norm(label)
    best, best_score = None, 0.0
    for code, display in options:
        candidate = _norm(display)
        score = difflib.SequenceMatcher(None, target, candidate).ratio()
        if target and (target in candidate or candidate in target):
            score = max(score, 0.9)
        if score > best_score:
            best, best_score = code, score
    return best if best_score >= 0.6 else None


def _percent_columns(table: Table, count: int) -> list[str]:
    percent = [c for c in table.columns if "percent" in c.lower() or "%" in c]
    if count == 2 and len(percent) >= 2:
        trafficked = [c for c in percent if "traffick" in c.lower()]
        current = [c for c in percent if "current" in c.lower()]
        if trafficked and current:
            return [trafficked[0], current[0]]
    return percent[:count]


def _options_for(key: str) -> tuple[list[tuple[str, str]], int]:
    items = {item.link_id: item for item in survey_items()}
    if key == "age_now":
        return list(items["age-now"].options), 1
    for table_key, _title, columns in REPORTING_TABLES:
        if table_key == key:
            return list(items[columns[0][1]].options), len(columns)
    raise KeyError(key)


def _reference(
    entry: Table,
    key: str,
    by_code: dict[str, tuple[float | None, ...]],
    numbers: dict[str, int],
) -> ReferenceTable | None:
    """The reference figures read from ``entry``, or ``None`` if none matched."""
    if not by_code:
        return None
    return ReferenceTable(
        key=key,
        entry_ids=(entry.id,),
        title=entry.title,
        source=entry.source,
        n=entry.n,
        by_code=by_code,
        numbers=numbers,
    )


def _from_table(entry: Table, key: str) -> ReferenceTable | None:
    options, width = _options_for(key)
    label_col = entry.columns[0]
    percent_cols = _percent_columns(entry, width)
    number_cols = [c for c in entry.columns if "number" in c.lower()]
    by_code: dict[str, tuple[float | None, ...]] = {}
    numbers: dict[str, int] = {}
    for row in entry.rows:
        code = _match(str(row[label_col]), options)
        if code is None:
            continue
        values = [_number(row[c]) for c in percent_cols]
        values += [None] * (width - len(values))
        by_code[code] = tuple(values)
        if number_cols:
            number = _number(row[number_cols[0]])
            if number is not None:
                numbers[code] = int(number)
    return _reference(entry, key, by_code, numbers)


def _from_facts(entry: Table, key: str) -> ReferenceTable | None:
    """Rows of a table of headline facts ("Experienced sex trafficking": 96.75)
    whose text contains an answer's text exactly."""
    options, _width = _options_for(key)
    percent_cols = _percent_columns(entry, 1)
    if not percent_cols:
        return None
    by_code: dict[str, tuple[float | None, ...]] = {}
    for row in entry.rows:
        fact = _norm(str(row[entry.columns[0]]))
        for code, display in options:
            if re.search(rf"\b{re.escape(_norm(display))}\b", fact):
                by_code[code] = (_number(row[percent_cols[0]]),)
    return _reference(entry, key, by_code, {})


def survey_reference() -> dict[str, ReferenceTable]:
    """The deck's survey figures, by local table key (empty if the KB has none).

    Keys: ``health``, ``mental_health``, ``insurance``, ``forms``, ``age_now``.
    """
    tables = [e for e in load_knowledge() if e.section == "survey"]
    out: dict[str, ReferenceTable] = {}
    for entry in tables:
        if not isinstance(entry, Table):
            continue
        key = _key_for(entry.id, entry.title)
        if key is not None and key not in out:
            found = _from_table(entry, key)
            if found is not None:
                out[key] = found
            continue
        for fact_key in ("forms", "age_now"):
            if fact_key not in out:
                found = _from_facts(entry, fact_key)
                if found is not None:
                    out[fact_key] = found
    return out
