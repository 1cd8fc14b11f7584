"""The case-note indicator scanner: labelled notes, negation, quotation, spans."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from nowrongdoor.knowledge import load_knowledge
from nowrongdoor.text import NOTE_INDICATORS, scan_note

DATA = Path(__file__).parent / "data"
NOTES = [
    json.loads(line)
    for line in (DATA / "case_notes.jsonl").read_text(encoding="utf-8").splitlines()
]
AFTER = [
    json.loads(line)
    for line in (DATA / "case_notes_after.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]
IDS = [i.id for i in NOTE_INDICATORS]


def _scores(notes: list[dict]) -> tuple[Counter, Counter, Counter]:
    tp: Counter = Counter()
    fp: Counter = Counter()
    fn: Counter = Counter()
    for note in notes:
        got = {h.indicator for h in scan_note(note["text"])}
        want = set(note["indicators"])
        tp.update(got & want)
        fp.update(got - want)
        fn.update(want - got)
    return tp, fp, fn


def test_the_labelled_set_is_big_enough() -> None:
    assert len(NOTES) >= 300
    benign = sum(1 for n in NOTES if not n["indicators"])
    assert benign >= len(NOTES) / 2
    counts = Counter(i for n in NOTES for i in n["indicators"])
    assert set(counts) == set(IDS)
    assert min(counts.values()) >= 10, counts


@pytest.mark.parametrize("notes", [NOTES, AFTER], ids=["labelled", "after"])
def test_precision_and_recall_overall(notes: list[dict]) -> None:
    tp, fp, fn = _scores(notes)
    t, f, n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    assert t / (t + f) >= 0.9
    assert t / (t + n) >= 0.9


def test_each_indicator_on_the_labelled_notes() -> None:
    tp, fp, fn = _scores(NOTES)
    for indicator in IDS:
        assert tp[indicator] / max(1, tp[indicator] + fp[indicator]) >= 0.85, indicator
        assert tp[indicator] / max(1, tp[indicator] + fn[indicator]) >= 0.85, indicator


def test_every_hit_has_evidence_span_and_known_citations() -> None:
    kb = load_knowledge()
    for note in NOTES:
        for hit in scan_note(note["text"]):
            assert note["text"][hit.start : hit.end] == hit.evidence
            assert hit.evidence.strip()
            assert hit.citations
            for entry_id in hit.citations:
                kb.get(entry_id)  # raises for an unknown id


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("Her boyfriend keeps her passport.", "documents"),
        ("The man she lives with takes all of her money.", "money"),
        ("Her partner took her phone away.", "phone"),
        ("She is not allowed to leave the house.", "movement"),
        ("She owes him for the bus fare and the debt keeps growing.", "debt"),
        ("Someone else answers her phone and books her hotel rooms.", "arranges"),
        (
            "The 14-year-old met an older man on Snapchat who buys her gifts.",
            "online_partner",
        ),
        ("He turns girls out at the truck stop.", "recruitment"),
        (
            "She has his name tattooed on her neck and says he made her get it.",
            "branding",
        ),
        ("She has to bring in $500 a night.", "quota"),
        ("She traded sex for a place to stay.", "transactional"),
        ("She says her pimp keeps the girls working.", "lexicon"),
    ],
)
def test_each_indicator_fires_and_its_denial_does_not(
    text: str, indicator: str
) -> None:
    assert indicator in {h.indicator for h in scan_note(text)}
    assert indicator not in {h.indicator for h in scan_note("Denies that " + text)}


@pytest.mark.parametrize(
    "text",
    [
        "Denies anyone takes her money.",
        "No one else has her phone; she keeps it with her.",
        'Asked "Does anyone hold your ID?" and she said no.',
        'Reviewed warning signs such as "someone keeps your passport".',
        "Her daddy picked her up from school.",
        "The family game night is on Fridays.",
        "She met her monthly sales quota.",
        "Sleeps on the bottom bunk.",
        "The clinic booked a hotel room for the family after the fire.",
        "Her credit card debt keeps growing because of interest.",
        "If she has questions she will call.",
        "She keeps her own passport in a drawer.",
    ],
)
def test_benign_notes_raise_nothing(text: str) -> None:
    assert scan_note(text) == ()


def test_a_negation_reaches_only_its_own_clause() -> None:
    hits = scan_note("Denies anyone takes her money, but her boyfriend keeps her ID.")
    assert [h.indicator for h in hits] == ["documents"]
    assert hits[0].evidence == "keeps her ID"


def test_a_condition_is_not_a_denial() -> None:
    hits = scan_note("If she doesn't bring in $400 he beats her.")
    assert "quota" in {h.indicator for h in hits}


def test_scanning_is_cached_per_note_text() -> None:
    text = "She hands every dollar she makes to him."
    assert scan_note(text) is scan_note(text)


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("Pt's bf holds onto her ID and SS card.", "documents"),
        ("He makes her sleep with men and takes the cash.", "money"),
        ("Her phone gets checked by him daily.", "phone"),
        (
            "Pt states she isn't allowed to go anywhere without her boyfriend.",
            "movement",
        ),
        ("She must pay back $5000 for being brought here.", "debt"),
        ("13 y/o met 25 y/o male on Instagram, he sent her money.", "online_partner"),
        ("She was 'turned out' at 15 by her cousin's boyfriend.", "recruitment"),
        ("She has to make 500 a night.", "quota"),
        ("Her boyfriend sells her to other men.", "transactional"),
    ],
)
def test_other_phrasings_of_the_same_class(text: str, indicator: str) -> None:
    assert indicator in {h.indicator for h in scan_note(text)}


@pytest.mark.parametrize(
    "text",
    [
        "She works at a restaurant and keeps her own tips.",
        "Her mom handles her finances because she is 15.",
        "She has to make 3 deliveries a day.",
        "She sells her car online.",
        "She turned out to be pregnant.",
        "She was recruited to the volleyball team.",
    ],
)
def test_other_ordinary_phrasings(text: str) -> None:
    assert scan_note(text) == ()
