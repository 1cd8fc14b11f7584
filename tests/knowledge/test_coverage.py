"""Every slide title of the seed deck maps to knowledge-base entries."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from _kb_deck import COVERAGE, DECK, known_texts, title_candidates

from nowrongdoor.knowledge import load_knowledge

DECK_TEXT = DECK.read_text(encoding="utf-8")
MAP: dict[str, Any] = yaml.safe_load(COVERAGE.read_text(encoding="utf-8"))
SECTIONS: list[dict[str, Any]] = MAP["sections"]
TITLES = [s["title"] for s in SECTIONS]
IGNORED = {item["text"] for item in MAP["not_sections"]}


def test_titles_are_unique() -> None:
    dupes = sorted({t for t in TITLES if TITLES.count(t) > 1})
    assert not dupes, f"{COVERAGE.name}: titles listed twice: {dupes}"


@pytest.mark.parametrize("section", SECTIONS, ids=TITLES)
def test_title_has_known_ids(section: dict[str, Any]) -> None:
    kb = load_knowledge()
    ids = section.get("ids") or []
    assert ids, f"{COVERAGE.name}: deck section {section['title']!r} maps to no id"
    unknown = [i for i in ids if i not in kb.entries]
    assert not unknown, (
        f"{COVERAGE.name}: deck section {section['title']!r} names unknown ids "
        f"{unknown}"
    )


@pytest.mark.parametrize("title", TITLES)
def test_title_is_in_the_deck(title: str) -> None:
    assert title.lower() in known_texts(DECK_TEXT), (
        f"{COVERAGE.name}: {title!r} is not a line or paragraph of {DECK.name}"
    )


def test_every_title_like_line_of_the_deck_is_mapped() -> None:
    listed = set(TITLES) | IGNORED
    missing = [c for c in title_candidates(DECK_TEXT) if c not in listed]
    assert not missing, (
        f"deck titles with no entry in {COVERAGE.name} (add them under sections "
        f"with their ids, or under not_sections with a reason): {missing}"
    )


def test_deck_sources_name_listed_titles() -> None:
    listed = {t.lower() for t in TITLES}
    bad = [
        f"{entry.id}: {title!r}"
        for entry in load_knowledge()
        for title in entry.deck_titles
        if title.lower() not in listed
    ]
    assert not bad, f"sources naming a slide title not in {COVERAGE.name}: {bad}"


def test_every_section_of_the_kb_is_reached_from_the_deck() -> None:
    kb = load_knowledge()
    mapped = {i.split(".", 1)[0] for s in SECTIONS for i in s["ids"]}
    assert set(kb.sections) <= mapped, sorted(set(kb.sections) - mapped)


def test_candidate_finder_notices_a_new_slide() -> None:
    extra = DECK_TEXT + "\n\n\n\nBrand New Slide Title\n\n- a bullet\n"
    assert "Brand New Slide Title" in title_candidates(extra)
    assert "Brand New Slide Title" not in title_candidates(DECK_TEXT)
