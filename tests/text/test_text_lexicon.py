"""Lexicon matching with spans and context, on a small test knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest

from nowrongdoor.knowledge import KnowledgeBase, load_knowledge_from
from nowrongdoor.text import find_lexicon_terms

LEXICON = """
section: lexicon
title: Test lexicon
description: Terms for tests.
kind: lexicon
entries:
  - id: lexicon.daddy
    term: daddy
    title: Daddy
    category: role
    text: What a pimp may make the victim call him.
    ambiguous: true
    context_note: Ordinary word for a father; counts near money or quota words.
    patterns: ['daddy']
    context_patterns: ['money', 'quota', 'takes?']
    examples_positive: ["my daddy takes the money"]
    source: "deck: Pimp Culture Language"
  - id: lexicon.choosing_up
    term: choosing up
    title: Choosing up
    category: activity
    text: Beginning to work for a pimp; a choosing fee may be charged.
    patterns: ['choos(?:e|ing)\\s+(?:up|fee)', 'choosing\\s+fee']
    examples_positive: ["she paid a choosing fee"]
    source: "deck: Pimp Culture Language"
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    path: Path = tmp_path_factory.mktemp("kb") / "lexicon.yaml"
    path.write_text(LEXICON, encoding="utf-8")
    return load_knowledge_from([path])


def test_unambiguous_term_counts(kb: KnowledgeBase) -> None:
    note = "She said she owed a choosing fee."
    [hit] = find_lexicon_terms(note, kb)
    assert hit.term_id == "lexicon.choosing_up"
    assert note[hit.start : hit.end] == hit.text == "choosing fee"
    assert hit.in_context and not hit.ambiguous


def test_ambiguous_term_needs_context(kb: KnowledgeBase) -> None:
    [hit] = find_lexicon_terms("my daddy takes the money", kb)
    assert hit.in_context
    [hit] = find_lexicon_terms("my daddy drove me to school", kb)
    assert not hit.in_context


def test_obfuscated_term_found_with_original_span(kb: KnowledgeBase) -> None:
    note = "paid the ch\u043e\u043esing\u200b fee"
    [hit] = find_lexicon_terms(note, kb)
    assert hit.text == "ch\u043e\u043esing\u200b fee"


def test_no_terms(kb: KnowledgeBase) -> None:
    assert find_lexicon_terms("an ordinary day at the park", kb) == []
