"""Every lexicon term against its own positive and negative examples."""

from __future__ import annotations

import re

import pytest

from nowrongdoor.knowledge import LexiconTerm, load_knowledge

TERMS = load_knowledge().lexicon
IDS = [t.id for t in TERMS]

#: Words the slides list that are ordinary in everyday speech.
EVERYDAY = [
    "lexicon.daddy",
    "lexicon.bottom",
    "lexicon.the_game",
    "lexicon.the_life",
    "lexicon.square",
    "lexicon.family",
    "lexicon.team",
    "lexicon.folks",
    "lexicon.stable",
    "lexicon.player",
    "lexicon.p",
    "lexicon.16",
    "lexicon.304",
    "lexicon.boyfriend",
    "lexicon.party",
    "lexicon.quota",
    "lexicon.out_of_pocket",
    "lexicon.turn_out",
]

#: Every term on the deck's pimp-culture slides (and the economics slide's quota).
DECK_TERMS = [
    "MOB",
    "pimp",
    "PIMP",
    "P",
    "16",
    "daddy",
    "boyfriend",
    "mack",
    "prostitute",
    "ho",
    "wifey",
    "bitch",
    "304",
    "bottom",
    "player",
    "guerilla",
    "romeo",
    "square",
    "the game",
    "the life",
    "hustlin",
    "stable",
    "family",
    "team",
    "folks",
    "turn out",
    "party",
    "knockin'",
    "renegade",
    "choosing up",
    "out of pocket",
    "quota",
]


@pytest.mark.parametrize("term", TERMS, ids=IDS)
def test_positive_examples_match(term: LexiconTerm) -> None:
    missed = [s for s in term.examples_positive if not term.matches(s)]
    assert not missed, f"{term.id}: positive examples not matched: {missed}"


@pytest.mark.parametrize("term", TERMS, ids=IDS)
def test_negative_examples_do_not_match(term: LexiconTerm) -> None:
    wrong = {
        s: [m.group(0) for m in term.find(s)]
        for s in term.examples_negative
        if term.matches(s)
    }
    assert not wrong, f"{term.id}: negative examples matched: {wrong}"


@pytest.mark.parametrize("term", TERMS, ids=IDS)
def test_every_pattern_is_exercised_by_a_positive_example(term: LexiconTerm) -> None:
    unused = [
        p.pattern
        for p in term.compiled()
        if not any(p.search(s) for s in term.examples_positive)
    ]
    assert not unused, f"{term.id}: patterns no positive example uses: {unused}"


@pytest.mark.parametrize("term", TERMS, ids=IDS)
def test_negative_examples_exist(term: LexiconTerm) -> None:
    assert term.examples_negative, f"{term.id} has no negative example"


@pytest.mark.parametrize("term", TERMS, ids=IDS)
def test_ambiguous_terms_carry_context(term: LexiconTerm) -> None:
    if term.ambiguous:
        assert term.context_note and term.context_patterns
        # the everyday sense must appear among the negatives, with the word in it
        used = [
            s
            for s in term.examples_negative
            if any(p.search(s) for p in term.compiled())
        ]
        assert used, f"{term.id}: no negative example uses the everyday word"


@pytest.mark.parametrize("entry_id", EVERYDAY)
def test_everyday_words_are_ambiguous(entry_id: str) -> None:
    term = load_knowledge().get(entry_id)
    assert isinstance(term, LexiconTerm)
    assert term.ambiguous and term.context_note


def test_every_deck_term_is_in_the_lexicon() -> None:
    terms = {t.term for t in TERMS}
    missing = [t for t in DECK_TERMS if t not in terms]
    assert not missing, missing


def test_terms_not_on_the_deck_cite_a_url() -> None:
    for term in TERMS:
        if term.term not in DECK_TERMS:
            assert term.source.startswith("https://"), term.id


def test_ambiguous_word_needs_context_nearby() -> None:
    daddy = load_knowledge().get("lexicon.daddy")
    assert isinstance(daddy, LexiconTerm)
    far = "Daddy was at work. " + "x" * 200 + " The money is in the bank."
    assert not daddy.matches(far)
    assert daddy.matches("Daddy took the money.")
    assert [m.group(0) for m in daddy.find("Daddy took the money.")] == ["Daddy"]


def test_strong_pattern_counts_without_context() -> None:
    bottom = load_knowledge().get("lexicon.bottom")
    assert isinstance(bottom, LexiconTerm)
    assert not bottom.matches("see the bottom of the page")
    hits = bottom.find("she was the bottom girl")
    assert [m.group(0) for m in hits] == ["bottom girl"]


def test_patterns_are_word_bounded() -> None:
    pimp = load_knowledge().get("lexicon.pimp")
    assert isinstance(pimp, LexiconTerm)
    assert not pimp.matches("pimples")
    assert all(isinstance(p, re.Pattern) for p in pimp.compiled())
