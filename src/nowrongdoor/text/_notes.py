"""Scan a case note for the deck's trafficking indicators (private).

A note is split into sentences and clauses. Sentences that do not assert
anything about the person (a question staff asked, education, training, a song
or a show) are skipped, and so are quoted questions. A match counts only when it
is not negated in its clause ("denies anyone takes her money") and, for rules
about someone else's control, when the clause's subject is someone other than
the person and not a legitimate custodian ("she keeps her passport", "her foster
mother keeps the birth certificates" do not count). Every hit carries its
evidence span, the indicator id and the knowledge-base entries it rests on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from nowrongdoor.text._lexicon import TermMatch, find_lexicon_terms
from nowrongdoor.text._note_rules import NOTE_INDICATORS, NoteIndicator, Rule

if TYPE_CHECKING:
    from nowrongdoor.knowledge import KnowledgeBase

__all__ = ["NoteHit", "note_indicator", "scan_note"]


@dataclass(frozen=True, slots=True)
class NoteHit:
    """One indicator found in a case note.

    Attributes:
        indicator: The indicator id (``documents``, ``money``, ... ``lexicon``).
        title: What the indicator means.
        start: Start of the evidence in the note (character offset).
        end: End of the evidence (exclusive).
        evidence: The note's characters from ``start`` to ``end``.
        citations: Knowledge-base entry ids the indicator rests on (for a
            lexicon hit, the term's entry).
    """

    indicator: str
    title: str
    start: int
    end: int
    evidence: str
    citations: tuple[str, ...]


_BY_ID = {i.id: i for i in NOTE_INDICATORS}


def note_indicator(indicator_id: str) -> NoteIndicator:
    """The indicator with ``indicator_id`` (its title, population, citations).

    Raises:
        KeyError: no such indicator.
    """
    return _BY_ID[indicator_id]


# -- sentences, clauses, what is asserted -----------------------------------------

_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
#: A sentence ends at . ! ? followed by space, unless the dot closes a one-letter
#: abbreviation (U.S., D.C.) or a common title.
_SENTENCE_END = re.compile(r"[.!?]+[\"')]*\s+")
_ABBREVIATIONS = {"dr", "mr", "ms", "mrs", "st", "vs", "etc", "pt", "yo", "e.g", "i.e"}
_CLAUSE_BREAK = re.compile(
    r";|\b(?:but|however|although|though|whereas|yet)\b", re.IGNORECASE
)
#: Sentences that report no fact about the person.
_NOT_ASSERTED = re.compile(
    r"""(?:^\s*|\b(?:i|we|staff|nurse|writer|worker|cm|client|patient|pt|she|youth
    |member|counselor)\s+)asked\s+(?:\w+\s+)?(?:whether|if)\b|\bscreening\s+question
    |\bwarning\s+signs\b|\bred\s+flags\b|\beducat\w+|\btraining\b|\bpolicy\b
    |\bsafety\s+card\b|\bread\s+(?:\w+\s+)?aloud\b|\bsuch\s+as\b|\bphrases?\s+like\b
    |\blyrics?\b|\bsong\b|\bdocumentary\b|\bmovie\b|\bfilm\b|\btv\s+show\b
    |\bfavou?rite\s+show\b|\bshow\s+(?:is\s+)?about\b|\blexicon\b|\bhandout\b
    |\b(?:signs|indicators)\s+of\s+(?:trafficking|exploitation|abuse)\b""",
    re.IGNORECASE | re.VERBOSE,
)
_QUOTED = re.compile(r'"([^"]*)"')
#: 'turned out' in single quotes; not an apostrophe (the workers' phones).
_SINGLE_QUOTED = re.compile(r"(?<!\w)'([^'\n]{1,60}?)'(?!\w)")

# -- negation -----------------------------------------------------------------------

#: Cues that negate the rest of their clause.
_STRONG = re.compile(
    r"""\b(?:den(?:y|ies|ied|ying)|no\s+one|nobody|never|without|neither
    |no\s+(?:indication|sign|signs|evidence|concerns?))\b""",
    re.IGNORECASE | re.VERBOSE,
)
#: Cues that negate only the next few words.
_WEAK = re.compile(r"\b(?:not|no|none|cannot)\b|n't\b", re.IGNORECASE)
_WEAK_SCOPE = 5
_SCOPE_BREAK = {"because", "who", "that", "which", "when", "so", "and", "after"}
#: "if she doesn't bring in $500" is a condition, not a denial.
_CONDITIONAL = re.compile(
    r"""\b(?:if|unless|or|until|when)\s+(?:\w+\s+){0,2}?(?:doesn'?t|does\s+not|don'?t
    |do\s+not|can'?t|cannot|isn'?t|is\s+not|won'?t|fails?\s+to)\b""",
    re.IGNORECASE | re.VERBOSE,
)


def _negated(prefix: str, *, strong_only: bool = False) -> bool:
    """Whether a clause's text before a match negates it.

    Strong cues ("denies", "no one", "never") reach to the clause's start; weak
    ones ("not", "no", "n't") only over the few words before the match, within
    its comma segment. ``strong_only`` ignores weak cues (for a word's use, which
    a negated verb does not deny: "not allowed to talk to squares").
    """
    prefix = _CONDITIONAL.sub(lambda m: " " * len(m.group()), prefix)
    if _STRONG.search(prefix):
        return True
    if strong_only:
        return False
    words = re.findall(r"[\w']+", prefix.rsplit(",", 1)[-1])[-_WEAK_SCOPE:]
    for index in range(len(words) - 1, -1, -1):
        if words[index].lower() in _SCOPE_BREAK:
            words = words[index + 1 :]
            break
    return bool(_WEAK.search(" ".join(words)))


# -- who is the subject --------------------------------------------------------------

_SELF = {"she": "her", "he": "his", "they": "their", "i": "my", "we": "our"}
_SKIP = {
    "also", "still", "always", "only", "usually", "now", "then", "just", "even",
    "often", "sometimes", "else", "really", "is", "was", "are", "were", "has",
    "have", "had", "been", "be", "will", "would", "can", "could", "does", "did",
    "do", "all", "who", "apparently", "reportedly",
}  # fmt: skip
#: People who may legitimately hold a person's things (parents of a minor,
#: foster carers, payees, caseworkers, clinic staff) - and the writer of the note.
_LEGIT = {
    "foster", "parents", "parent", "mom", "mother", "dad", "father", "grandma",
    "grandmother", "grandpa", "grandfather", "grandparents", "guardian", "payee",
    "caseworker", "counselor", "nurse", "staff", "security", "i", "we", "team",
    "clinic", "hospital", "shelter", "program", "county", "church", "school",
    "dcs", "cps", "doctor", "therapist", "advocate",
}  # fmt: skip
_LEGIT_PAIRS = {
    ("case", "manager"), ("case", "worker"), ("social", "worker"),
    ("care", "manager"), ("front", "desk"),
}  # fmt: skip
_CONJUNCTIONS = {"and", "then", "or", "also", "but"}
_POSSESSIVE = re.compile(r"\b(her|his|their|my|our|the)\b", re.IGNORECASE)


def _other_subject(prefix: str, matched: str) -> bool:
    """Whether the clause's subject is someone else and not a legitimate holder."""
    words = [w.lower() for w in re.findall(r"[\w']+", prefix)]
    index = len(words) - 1
    while index >= 0 and words[index] in _SKIP:
        index -= 1
    subject = words[index] if index >= 0 else ""
    near = words[max(0, index - 3) : index + 1]
    if any(w in _LEGIT for w in near):
        return False
    if any(pair in _LEGIT_PAIRS for pair in zip(near, near[1:], strict=False)):
        return False
    if re.search(r"\b(?:her|his|their|my)\s+own\b", matched, re.IGNORECASE):
        return False  # "keeps her own tips"
    if subject in _CONJUNCTIONS:
        # "She works at a bar and keeps her tips": the subject opens the clause
        first = next((w for w in words[:3] if w in _SELF), None)
        subject = first or subject
    owner = _POSSESSIVE.search(matched)
    whose = owner.group(1).lower() if owner else ""
    if subject in _SELF and (
        _SELF[subject] == whose or (whose == "the" and subject in {"she", "i", "we"})
    ):
        return False
    return True


# -- scanning -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Sentence:
    start: int
    end: int
    asserted: bool


def _sentences(text: str) -> list[_Sentence]:
    out: list[_Sentence] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        before = re.search(r"([\w.]+)$", text[start : m.start()])
        word = before.group(1) if before else ""
        # "U.S.", "D.C." and titles do not end a sentence
        if word.lower() in _ABBREVIATIONS or re.fullmatch(r"(?:[A-Z]\.)*[A-Z]", word):
            continue
        out.append(_Sentence(start, m.end(), True))
        start = m.end()
    if start < len(text):
        out.append(_Sentence(start, len(text), True))
    result = []
    for s in out:
        body = text[s.start : s.end]
        asserted = not (_NOT_ASSERTED.search(body) or body.rstrip().endswith("?"))
        result.append(_Sentence(s.start, s.end, asserted))
    return result


def _prepare(text: str) -> str:
    """The note for matching: quoted questions blanked, quote marks as spaces.

    Every change keeps the length, so offsets stay those of the original note.
    """
    work = text.translate(_QUOTES)

    def blank_question(m: re.Match[str]) -> str:
        inner = m.group(1).strip().rstrip(".,'\"")
        if inner.endswith("?"):
            return " " * len(m.group())
        return " " + m.group(1) + " "

    work = _QUOTED.sub(blank_question, work).replace('"', " ")
    return _SINGLE_QUOTED.sub(lambda m: " " + m.group(1) + " ", work)


def _clause_start(work: str, sentence: _Sentence, pos: int) -> int:
    start = sentence.start
    for m in _CLAUSE_BREAK.finditer(work, sentence.start, pos):
        start = m.end()
    return start


def _rule_hits(
    work: str, sentences: list[_Sentence], indicator: NoteIndicator, rule: Rule
) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for sentence in sentences:
        if not sentence.asserted:
            continue
        body = work[sentence.start : sentence.end]
        if rule.needs is not None and not rule.needs.search(body):
            continue
        if rule.unless is not None and rule.unless.search(body):
            continue
        for m in rule.pattern.finditer(work, sentence.start, sentence.end):
            clause = _clause_start(work, sentence, m.start())
            prefix = work[clause : m.start()]
            if _negated(prefix):
                continue
            if rule.subject == "other" and not _other_subject(prefix, m.group()):
                continue
            spans.append((m.start(), m.end()))
    return spans


_PLATFORM = r"""(?:instagram|insta|snapchat|snap|facebook|tiktok|tinder|discord
    |mocospace|kik|whatsapp|grindr|plenty\s+of\s+fish|hinge|bumble|twitter|roblox
    |an?\s+(?:dating|gaming|chat|social)\s+(?:app|site|website)|an\s+app
    |social\s+media|the\s+internet|online)"""
_ONLINE = re.compile(
    rf"""\b(?:met|meeting|meet|talking|talks|talked|chatting|chats|chatted|knows?
    |messag\w+)\b[^.;]{{0,50}}?\b(?:on\s+|through\s+|from\s+|via\s+)?{_PLATFORM}\b
    |\bonline\s+(?:boyfriend|girlfriend|partner|friend)\b
    |\b{_PLATFORM}\s+(?:boyfriend|friend)\b""",
    re.IGNORECASE | re.VERBOSE,
)
_OLDER = re.compile(
    r"""\b(?:much\s+|a\s+lot\s+|way\s+)?older\s+(?:man|men|guy|boyfriend|partner
    |male)\b|\b(?:grown|adult)\s+(?:man|men|guy)\b
    |\b(?:1[89]|[2-6]\d)[-\s]year[-\s]old\s+(?:man|guy|boyfriend|male)\b
    |\b(?:1[89]|[2-6]\d)\s*(?:y/?o|yrs?\s+old|years\s+old)\s+(?:man|male|guy
    |boyfriend)\b
    |\bage\s+(?:1[89]|[2-6]\d)\b|\bin\s+his\s+(?:20s|30s|40s|50s|twenties|thirties
    |forties)\b|\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|many)\s+years\s+
    older\b|\b(?:boyfriend|he|man|guy|partner)\s+(?:who\s+)?is\s+(?:19|[2-6]\d)\b
    |\bmuch\s+older\b
    |\ba\s+lot\s+older\b""",
    re.IGNORECASE | re.VERBOSE,
)
_GIFTS = re.compile(
    r"""\b(?:buys?|bought|sends?|sent|gives?|gave|pays?\s+for|paid\s+for)\s+
    (?:her\s+|them\s+)?(?:a\s+|an\s+|new\s+|expensive\s+)*(?:clothes|shoes|phone
    |iphone|gifts?|gift\s+cards?|money|nails|hair|purse|bags?|jewelry|tickets?
    |bus\s+ticket|plane\s+ticket|hotel|things|packages)\b|\bgifts?\b|\bgift\s+cards\b
    |\bpackages\b|\b(?:bus|plane|train)\s+ticket\b|\btrip\b|\bvisit\s+him\b
    |\b(?:gave|gives|give)\s+her\s+(?:a\s+)?rides?\b|\bdrove\s+her\s+to\b
    |\bcome\s+(?:and\s+)?see\s+him\b|\bmeet\s+him\b|\blive\s+with\s+him\b
    |\bfly\s+her\b|\bhotel\s+stays\b""",
    re.IGNORECASE | re.VERBOSE,
)


_MINOR = re.compile(
    r"""\b(?:teens?|teenager|youth|minor|juvenile|student|girl|1[0-7]\s*(?:-?\s*year
    [-\s]old|yo|y/o|yrs?)|(?:age|aged)\s+1[0-7]|(?:she|he)\s+is\s+1[0-7])\b""",
    re.IGNORECASE | re.VERBOSE,
)
#: For a minor, any adult man is an older partner.
_ADULT = re.compile(
    r"\b(?:a|an)\s+(?:adult\s+)?(?:man|guy)\b|\b(?:1[89]|[2-6]\d)[-\s]year[-\s]old\b",
    re.IGNORECASE,
)


def _online_partner(work: str, sentences: list[_Sentence]) -> list[tuple[int, int]]:
    """An older partner met online, with gifts, money or travel, or with a minor.

    The deck: older partners and money from unknown sources in a minor's social
    history; recruitment through social media with gifts and promises.
    """
    found: dict[str, list[tuple[int, int, int]]] = {}
    body = " ".join(work[s.start : s.end] for s in sentences if s.asserted)
    minor = bool(_MINOR.search(body))
    cues = [("online", _ONLINE), ("older", _OLDER), ("gift", _GIFTS)]
    if minor:
        cues.append(("older", _ADULT))
    for number, sentence in enumerate(sentences):
        if not sentence.asserted:
            continue
        for name, cue in cues:
            for m in cue.finditer(work, sentence.start, sentence.end):
                clause = _clause_start(work, sentence, m.start())
                if not _negated(work[clause : m.start()]):
                    found.setdefault(name, []).append((number, m.start(), m.end()))
    if "online" not in found or "older" not in found:
        return []
    if "gift" not in found and not minor:
        return []
    online = found["online"][0]
    same = [
        span
        for name in ("older", "gift")
        if name in found
        for span in found[name]
        if span[0] == online[0]
    ]
    start = min([online[1], *(s[1] for s in same)])
    end = max([online[2], *(s[2] for s in same)])
    return [(start, end)]


#: Lexicon terms left out of case notes: ordinary clinical words whose trafficking
#: sense the control indicators already capture ("her boyfriend keeps her ID"),
#: or that are ages and dates in a clinical note.
_NOTE_SKIP = {"lexicon.boyfriend", "lexicon.date", "lexicon.p", "lexicon.16"}
#: Everyday words: they count only with another sign of the trafficking sense.
_ORDINARY = {
    "lexicon.daddy", "lexicon.family", "lexicon.team", "lexicon.folks",
    "lexicon.party", "lexicon.bottom", "lexicon.quota", "lexicon.player",
}  # fmt: skip
#: Everyday phrases built on a lexicon word ("it turned out to be", "turns out
#: fine", "the game was on Friday" is left to the context rules).
_ORDINARY_PHRASE = re.compile(
    r"""turn(?:s|ed|ing)?\s+out\s+(?:to|that|well|fine|okay|ok|great|badly|alright)\b""",
    re.IGNORECASE,
)
#: "Daddy" who takes the money or sets a quota is the pimp.
_MONEY_INDICATORS = {"money", "quota", "transactional"}
#: Words around a slang term that show the commercial-sex sense.
_SLANG_ANCHOR = re.compile(
    r"""\b(?:pimp\w*|johns?|motel|hotel|men|girls|for\s+money|sell\w*\s+sex)\b
    |\$\s?\d|\b(?:walk(?:s|ed|ing)?|on|works?|working)\s+the\s+(?:track|blade
    |stroll)\b""",
    re.IGNORECASE | re.VERBOSE,
)
#: Words around an everyday term that show the trafficking sense.
_ORDINARY_ANCHOR = re.compile(
    r"""\b(?:cash|girls|tricks?|johns?|pimp\w*|quota|trap\s+money
    |(?:make|makes|made|bring|brings|brought|without|earn\w*)\s+(?:\w+\s+)?money)\b
    |\$\s?\d""",
    re.IGNORECASE | re.VERBOSE,
)


def _lexicon_hits(
    text: str,
    work: str,
    sentences: list[_Sentence],
    kb: KnowledgeBase | None,
    indicated: dict[int, set[str]],
    taken: list[tuple[int, int]],
) -> list[NoteHit]:
    """The knowledge base's lexicon, used in its trafficking sense.

    Args:
        indicated: Sentence number -> ids of the other indicators hit in it.
        taken: Spans of the other indicators' hits; a term inside one adds
            nothing ("turned her out" is already recruitment).
    """
    if kb is None:
        from nowrongdoor.knowledge import load_knowledge

        kb = load_knowledge()
    strong = {t.id: [re.compile(p, re.IGNORECASE) for p in t.strong_patterns]
              for t in kb.lexicon}  # fmt: skip
    found: list[tuple[int, TermMatch]] = []
    for term in find_lexicon_terms(text, kb):
        if term.term_id in _NOTE_SKIP:
            continue
        number = next(
            (n for n, s in enumerate(sentences) if s.start <= term.start < s.end), None
        )
        if number is None or not sentences[number].asserted:
            continue
        sentence = sentences[number]
        if not work[term.start : term.end].strip():
            continue  # inside a quoted question
        if any(a < term.end and term.start < b for a, b in taken):
            continue
        if _ORDINARY_PHRASE.match(work, term.start):
            continue
        clause = _clause_start(work, sentence, term.start)
        if _negated(work[clause : term.start], strong_only=True):
            continue
        found.append((number, term))
    slang: dict[int, set[str]] = {}
    kept: list[tuple[int, TermMatch]] = []
    for number, term in found:  # slang and unambiguous terms first
        if term.term_id in _ORDINARY:
            continue
        body = work[sentences[number].start : sentences[number].end]
        others = {t.term_id for n, t in found if n == number} - {term.term_id}
        if (
            not term.ambiguous
            or term.in_context
            or number in indicated
            or _SLANG_ANCHOR.search(body)
            or others - _ORDINARY
        ):
            slang.setdefault(number, set()).add(term.term_id)
            kept.append((number, term))
    for number, term in found:
        term_id = term.term_id
        if term_id not in _ORDINARY:
            continue
        body = work[sentences[number].start : sentences[number].end]
        evidence = text[term.start : term.end]
        money_hit = bool(indicated.get(number, set()) & _MONEY_INDICATORS)
        if (
            slang.get(number)
            or any(p.fullmatch(evidence) for p in strong.get(term_id, []))
            or (term.in_context and _ORDINARY_ANCHOR.search(body))
            or (term_id == "lexicon.daddy" and money_hit)
        ):
            kept.append((number, term))
    hits: list[NoteHit] = []
    for _, term in kept:
        start, end = term.start, term.end
        hits.append(
            NoteHit(
                indicator="lexicon",
                title=f"Pimp-culture language: {term.term}",
                start=start,
                end=end,
                evidence=text[start:end],
                citations=(term.term_id,),
            )
        )
    return hits


def scan_note(text: str, kb: KnowledgeBase | None = None) -> tuple[NoteHit, ...]:
    """Find the deck's trafficking indicators in one case note.

    Pure and cached on the note's text (a note version), so a page that shows the
    same note again does no work. Negation ("denies anyone takes her money"),
    quoted questions, education and fiction are not hits; ordinary uses of
    pimp-culture words count only in their trafficking sense.

    Args:
        text: The note.
        kb: Knowledge base for the lexicon; the shipped one by default.

    Returns:
        Hits in text order, at most one per indicator and evidence span.
    """
    if kb is None:
        return _scan_cached(text)
    return _scan(text, kb)


@lru_cache(maxsize=4096)
def _scan_cached(text: str) -> tuple[NoteHit, ...]:
    return _scan(text, None)


def _scan(text: str, kb: KnowledgeBase | None) -> tuple[NoteHit, ...]:
    work = _prepare(text)
    sentences = _sentences(work)
    hits: dict[tuple[str, int, int], NoteHit] = {}
    for indicator in NOTE_INDICATORS:
        spans: list[tuple[int, int]] = []
        if indicator.id == "online_partner":
            spans = _online_partner(work, sentences)
        for rule in indicator.rules:
            spans += _rule_hits(work, sentences, indicator, rule)
        for start, end in spans:
            hits[(indicator.id, start, end)] = NoteHit(
                indicator=indicator.id,
                title=indicator.title,
                start=start,
                end=end,
                evidence=text[start:end],
                citations=indicator.citations,
            )
    indicated: dict[int, set[str]] = {}
    for indicator_id, start, _ in hits:
        for n, sentence in enumerate(sentences):
            if sentence.start <= start < sentence.end:
                indicated.setdefault(n, set()).add(indicator_id)
    taken = [(start, end) for _, start, end in hits]
    for hit in _lexicon_hits(text, work, sentences, kb, indicated, taken):
        hits[(hit.indicator, hit.start, hit.end)] = hit
    return tuple(sorted(hits.values(), key=lambda h: (h.start, h.end, h.indicator)))
