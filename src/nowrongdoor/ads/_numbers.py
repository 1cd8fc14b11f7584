"""Claimed ages and rates from the numeric view of an ad (private).

Ages are read in 12-60 (the Memex extractor stopped at 18-50 and so could never see
a minor). A birth year ("born 2004", "b. 2005", "DOB 03/2006") gives an age only with
the ad's post date: the youngest age the poster can be on that date
(:func:`age_from_birth`, docs/ads.md "Ages from a birth year"); a date read
day first or month first gives the younger of its ages. Rates are amounts
with a duration: qv/qk/quickie = 15 minutes, hh/half hour = 30, hr/hour = 60,
"2 hrs" = 120; "roses" and "donations" are amounts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from nowrongdoor.ads._births import (
    MONTHS,
    ORDINAL_WORD,
    age_from_birth,
    find_birth_ages,
    is_date_day,
    ordinal_value,
    post_date,
)
from nowrongdoor.ads._span import Span, SpanSet
from nowrongdoor.text import CaselessPattern, guard_pattern, lower_text

__all__ = [
    "RateHit",
    "MIN_AGE",
    "age_from_birth",
    "post_date",
    "MAX_AGE",
    "MAX_LABELLED_AGE",
    "find_ages",
    "find_rates",
]

MIN_AGE = 12
MAX_AGE = 60
#: After an explicit age label ("Age: 64", "Poster's age: 69") older ages are read.
MAX_LABELLED_AGE = 99


@dataclass(frozen=True, slots=True)
class RateHit:
    """A rate (amount, minutes or ``None``) and its span in the scanned text."""

    amount: float
    minutes: int | None
    start: int
    end: int
    weak: bool = False


_N = r"(?P<n>\d(?:[ .]?\d)?)"
# What may not follow a number said to be someone's age ("I'm 17", "she is 16"):
# a duration, a price, a time, a height, a weight. A limit after it ("I'm 18+",
# "18 and up") is dropped by :func:`_age_limit`, as after every age pattern.
_NOT_AN_AGE_AFTER = (
    r"(?!\s*(?:min|hr|hour|h\b|\$|rose|%|am\b|pm\b|ft|feet|foot|'|\"|\.\d|"
    r",\d|/|lbs?|kg|cm|in\b|inch|x|k\b|\d))"
)
_NOT_AN_AGE_AFTER_TURN = (
    r"(?!\s*(?:min|hr|hour|h\b|\$|%|am\b|pm\b|ft|feet|'|\"|\.\d|,\d|/|lbs?|kg|"
    r"cm|x\b|k\b|\d|\+))"
)
_AGE_PATTERNS: list[tuple[tuple[str, ...], CaselessPattern | re.Pattern[str]]] = [
    # "Poster's age: 30", "age 16", "Age:17", "age - sixteen" (already digits);
    # Spanish "edad: 17" and Portuguese "idade 17" are the same label.
    (
        ("age", "edad", "idade"),
        CaselessPattern(
            rf"\b(?:age|edad|idade)\s*(?:is|[:=\-~]|of)?\s*{_N}"
            r"(?!\s*(?:\+|and up|\d|%|\$))"
        ),
    ),
    # "17 years old", "17yrs old", "17-year-old", "16 years young"
    (
        ("yr", "year"),
        CaselessPattern(
            rf"(?<![\d$]){_N}\s*[-]?\s*(?:years?|yrs?|yr)[\s\-]*(?:old|young)\b"
        ),
    ),
    # "17 años", "tengo 19 años", "dezessete anos", "j'ai 19 ans" (Spanish,
    # Portuguese, French "years"), not "10 años de experiencia", "10 ans
    # d'expérience" ("years of"), "en", "atrás" ("ago"), nor a time ago or a
    # duration: "hace 15 años", "há 15 anos", "il y a 2 ans" (ago), "depuis 15
    # ans" (for), "pendant 12 ans" (during).
    (
        ("años", "anos", "ans"),
        CaselessPattern(
            r"(?<!\bhace\s)(?<!\bh[aá]\s)(?<!\bfaz\s)(?<!\by\sa\s)"
            r"(?<!\bdepuis\s)(?<!\bpendant\s)"
            rf"(?<![\d$]){_N}\s*(?:años|anos|ans)\b"
            r"(?!\s*(?:de|d['’]|en|em|atr[aá]s|ago|exp)(?![a-z]))"
        ),
    ),
    # "24 yrs", "19 yr" (not "10 yrs experience")
    (
        ("yr",),
        CaselessPattern(
            rf"(?<![\d$]){_N}\s*(?:yrs?|yr)\b"
            r"(?!\s*(?:of|exp|experience|in|ago|old|young))",
        ),
    ),
    # "I'm Nadia, 32," / "Sophia, 27," after a name cue
    (
        ("i", "call", "this", "name"),
        CaselessPattern(
            r"\b(?:i'?m|i\s+am|im|call|it'?s|this\s+is|my\s+name\s+is)\s+"
            r"[A-Z][a-z]{1,14},?\s+(?P<n>\d\d)\s*"
            r"(?=[,.!;]|$|\s+(?:yrs|years|yo|y/o)\b)",
        ),
    ),
    # "17yo", "17 y/o", "17 y.o.", "17yoa"
    (
        ("y",),
        CaselessPattern(rf"(?<![\d$]){_N}\s*(?:y\s?/\s?o|y\.\s?o\.?|yo|yoa)(?![a-z])"),
    ),
    # "I'm 17", "im 16", "I am only 15", "i'm just 17"
    (
        ("i",),
        CaselessPattern(
            rf"\b(?:i'?m|i\s+am|ima)\s+(?:only\s+|just\s+|a\s+|like\s+)?{_N}"
            + _NOT_AN_AGE_AFTER,
        ),
    ),
    # Someone else's age, as a third party writes it: "she is 16", "she's 16",
    # "shes only 15", "he is 17"; not "she's 5'4", "she is 100% real", "she's 20
    # min away"
    (
        ("he",),
        CaselessPattern(
            rf"\b(?:she|he)(?:'?s|\s+is)\s+(?:only\s+|just\s+)?{_N}"
            + _NOT_AN_AGE_AFTER,
        ),
    ),
    # "just turned 18", "barely 18"
    (
        ("turned", "barely"),
        CaselessPattern(rf"\b(?:just\s+)?(?:turned|barely)\s+{_N}(?!\s*(?:\d|%|\$))"),
    ),
    # "turning 17", "about to turn 18", "she turns 17 on friday": not yet that
    # age, so one less (the youngest she can be, as for a birth year); "turning
    # 18 today" is that age. Not "turning 30 min from", "turn 21 and get ...".
    (
        ("turn",),
        CaselessPattern(
            r"\b(?P<next>(?:(?:about|going|fixing)\s+to|gonna)\s+turn|turn(?:ing|in'?|s))"
            rf"\s+{_N}{_NOT_AN_AGE_AFTER_TURN}(?P<now>\s+today\b)?"
        ),
    ),
    # An ordinal birthday: "just had my 16th birthday", "celebrated my
    # seventeenth bday", "today is my 17th birthday" give that age; "my 18th
    # birthday is next week" one less. "your 18th birthday", "21st birthday
    # parties" and "in my 16th year" (literally 15, often meant as 16) are none.
    (
        ("birthday", "bday", "b-day"),
        CaselessPattern(
            r"\b(?P<past>(?:just\s+)?(?:had|celebrated)\s+|today\s+is\s+|it'?s\s+)?my\s+"
            rf"(?:(?P<n>1[2-9]|[2-5]\d)(?:st|nd|rd|th)|(?P<ord>{ORDINAL_WORD}))"
            r"\s+(?:birthday|bday|b-day)\b"
            r"(?:\s+(?:is\s+)?(?:(?P<now>today)|(?P<next>next|tomorrow|soon|coming|in\s)))?"
        ),
    ),
    # "sweet 16"
    (("sweet",), CaselessPattern(rf"\bsweet\s+{_N}\b")),
    # "16teen" / "6teen" style
    (("teen",), CaselessPattern(r"\b(?P<teen>1?[3-9])\s?teen\b")),
    # "About me: 31", "ABOUT ME - 27 |"
    (
        ("about",),
        CaselessPattern(
            rf"\babout\s+me\s*[:=\-~]?\s*{_N}"
            r"(?!\s*(?:\d|%|\$|min|hr|hour|lbs?|kg|cm|ft|am\b|pm\b|'|\"|/|\.\d|,\d))",
            re.M,
        ),
    ),
    # A backpage-style title line inside the text: "Curvy Angel - 23 - Downtown",
    # "New pics - 22 -": a two-digit number set off by spaced dashes after a word.
    (
        (" -", "\n-", "\t-"),
        re.compile(r"(?<=[A-Za-z!).])\s+-\s*(?P<n>[1-5]\d)\s*(?=-\s|-$|$)", re.M),
    ),
    # The same title in a scraped page whose line breaks are gone: the next field's
    # label follows ("Petite Latina - 21 Date: Dec 05", "CORRECTO!! - 19 Publicado:
    # domingo"). The title has two words or more, and the label is a capitalised
    # word (up to three) and a colon, and does not start with a unit ("Rates - 30
    # Min: $100", "High Desert - 40 HoursJob ID:" in a job ad run together).
    (
        (" -",),
        re.compile(
            r"(?<=[\w!.)'&] )[A-Za-z][\w'&]*[!.)]*\s+-\s*(?P<n>[1-5]\d)\s+"
            r"(?=(?!(?i:min|hour|hr|rose|mile|lb|kg|cm|ft|feet|inch|usd|dollar|"
            r"donation|buck))"
            r"[A-Z][A-Za-z']*(?:\s[A-Za-z']+){0,2}\s?:)"
        ),
    ),
]
# A backpage-style title has " - 30" at its end or between dashes: the poster's age.
_TITLE_AGE = re.compile(r"(?<=[A-Za-z!).])\s+-\s*(?P<n>\d\d)\s*(?=-|$)")
# A range: "21-45", "30 to 55", "25 - 60". Neither end is a claim of one's age.
# The other end has one or two digits: in "Sky - 20 - 817.555.0317" the dash
# sets the age apart from a phone, and 20-817 is no range of ages.
_RANGE_BEFORE = re.compile(r"(?<!\d)\d\d?\s*(?:-|to|~)\s*$", re.I)
_RANGE_AFTER = re.compile(r"^\s*(?:-|to|~)\s*\d\d?(?!\d)", re.I)
# An age limit, not an age, said after the number or its age words: "18+", "18yrs+",
# "21 and up", "21 & up", "25 or older", "18 years old or more", "18 años o más",
# "25 años y más", "18 anos ou mais", "30 anos pra cima" (Portuguese "and up"),
# "18 ans et plus" (French).
# A "+" spaced on both sides joins two people ("Mia 21yo + Lexi 23yo"): no limit.
# After an age claim or age words, "and up for" is "willing" ("I'm 19 and up for
# anything", group ``up_for``); after a bare number it is a limit ("Gentlemen 21
# and up for incall").
_LIMIT_AFTER = re.compile(
    r"(?:\+|\s+\+(?!\s)|\s*(?:(?:and\s+|&\s*)(?:up(?P<up_for>\s+for)?|over|older|above)\b|"
    r"or\s+(?:older|over|above|more)\b|[oy]\s+m[aá]s\b|ou\s+mais\b|et\s+plus\b|"
    r"pa?ra\s+cima\b))",
    re.I,
)
# An age limit said before the number, in English, Spanish or Portuguese: "must
# be over 18 years old", "at least 21 years old", "mayores de 18 años", "maiores
# de 18 anos", "acima de 18 anos", "+18 años", French "plus de 18 ans", "moins
# de 18 ans", "au moins 21 ans". A site's or an advertiser's rule
# about who may look or call is nobody's age (as "I am at least 18 years of age"
# is not read); the dig-ads-classifier ads carry such notices (docs/evaluation.md).
_LIMIT_BEFORE = re.compile(
    r"(?:\b(?:over|under|above|below|at\s+least|older\s+than|younger\s+than|"
    r"minimum(?:\s+age)?(?:\s+(?:is|of))?|min\.?\s+age|"
    r"m[aá]s\s+de|mais\s+de|mayor(?:es)?\s+de|maior(?:es)?\s+de|"
    r"menor(?:es)?\s+de|acima\s+de|abaixo\s+de|a\s+partir\s+de|"
    r"plus\s+de|moins\s+de|au\s+moins)|\+)\s*$",
    re.I,
)


def _age_limit(text: str, start: int, end: int) -> bool:
    """Whether the age words at ``text[start:end]`` state an age limit."""
    if _LIMIT_BEFORE.search(text, max(0, start - 24), start) is not None:
        return True
    after = _LIMIT_AFTER.match(text, end)
    return after is not None and after.group("up_for") is None


# A height written without its foot and inch marks is read as an age: "petite,
# im 56 very petite" (5'6"), "she's 5 4 and petite", "Height: 56". A number of
# 40-69 (4'0" to 6'9") claimed without age words ("I'm 56", "she is 54", a bare
# number) is a height when a height word is in its clause: the words between the
# clause breaks on either side. "im 56 and still love to dance" and "Mature lady,
# im 56, 5'4 and petite" stay ages; "56 years old", "Age: 56" and a title's
# " - 56 -" are always ages.
# Units are left out: "ft" is also a town's ("visiting Ft Worth"), and a unit
# right after the number already stops the age patterns ("I'm 56 inches").
_HEIGHT_WORDS = re.compile(
    r"\b(?:petite|tall|short|tiny|height|ht|estatura|altura|mido|mide)\b", re.I
)
# Right after a height label ("Height - 56", "Altura: 58") the number is a height
# even in a title's " - NN" slot, where a clause's height word ("Petite Latina -
# 56") is not enough.
_HEIGHT_LABEL = re.compile(r"\b(?:height|ht|estatura|altura)\s*[:=\-~]?\s*$", re.I)
_CLAUSE_BREAK = re.compile(r"[,.;!?|()\n]")
_HEIGHT_SPAN = 40
# The age patterns whose number carries no age word, each with whether a height
# word in the clause makes it a height (else only a height label does).
_HEIGHT_PRONE = {
    ("i",): True,
    ("he",): True,
    ("about",): True,
    (" -", "\n-", "\t-"): False,
    (" -",): False,
}


def _height_not_age(
    text: str, start: int, end: int, value: int, clause: bool = True
) -> bool:
    """Whether the age ``value`` read at ``text[start:end]`` is a height in feet."""
    if not 40 <= value <= 69:
        return False
    if _HEIGHT_LABEL.search(text, max(0, start - _HEIGHT_SPAN), start) is not None:
        return True
    if not clause:
        return False
    before = _CLAUSE_BREAK.split(text[max(0, start - _HEIGHT_SPAN) : start])[-1]
    after = _CLAUSE_BREAK.split(text[end : end + _HEIGHT_SPAN])[0]
    return bool(_HEIGHT_WORDS.search(before) or _HEIGHT_WORDS.search(after))


# A range of ages: "18-35", "25 to 29", "from 18 to 25".
_AGE_RANGE = re.compile(
    r"(?<![\w$.])(?<!\w-)(?P<a>[1-5]\d)\s*(?:-|to|~)\s*(?P<b>[1-6]\d)"
    r"(?![\w%$]|\s*(?:-\s*\d|min|hr|hour|\$))",
    re.I,
)
# Whose ages a range gives, read in the words before it (same sentence).
_AGE_RANGE = re.compile(guard_pattern(_AGE_RANGE.pattern, re.I), re.I)
# What every _AGE_RANGE match holds; starting with a class, it is scanned for
# in C, where _AGE_RANGE's look-behinds are tried at every digit.
_AGE_RANGE_GATE = re.compile(r"[1-5]\d\s*(?:-|to|~)\s*[1-6]\d", re.I)
_CLIENT_WORDS = re.compile(
    r"\b(?:men|man|gentlem[ae]n|gents?|guys?|clients?|customers?|males?|callers?|"
    r"seeing|see|date|dating|accept(?:ing)?)\b",
    re.I,
)
_PROVIDER_WORDS = re.compile(
    r"\b(?:girls?|ladies|lady|women|woman|females?|models?|providers?|escorts?|"
    r"hostess(?:es)?|dancers?|age)\b",
    re.I,
)

_PREFERENCE = re.compile(
    r"\s*(?:years?\s*(?:old\s*)?|yrs?\s*)?(?:preferred|only|welcome|accepted|please|"
    r"wanted|needed|required)\b",
    re.I,
)


_SENTENCE_BREAK = re.compile(r"[.!?\n|]")
_NUMBER = re.compile(r"\d+(?:[ .]\d)?")


def _provider_ranges(text: str) -> list[tuple[int, int, int, int]]:
    """Age ranges of the advertised people: "ladies between 18-35", "Age 25-29".

    A range of clients ("gentlemen 25-60", "seeing men 30 to 55") claims nobody's
    age, nor does a preference ("age 21-40 preferred"); a range with no word
    saying whose it is is not read either.
    """
    out: list[tuple[int, int, int, int]] = []
    if _AGE_RANGE_GATE.search(text) is None:
        return out
    for m in _AGE_RANGE.finditer(text):
        a, b = int(m.group("a")), int(m.group("b"))
        if not (MIN_AGE <= a < b <= MAX_AGE):
            continue
        before = _SENTENCE_BREAK.split(text[max(0, m.start() - 60) : m.start()])[-1]
        words = before.split()[-6:]
        window = " ".join(words)
        if _CLIENT_WORDS.search(window) or not _PROVIDER_WORDS.search(window):
            continue
        if _PREFERENCE.match(text, m.end()):
            # "age 21-40 preferred": whom the poster will see; "models 18-22
            # wanted": whom an employer will hire. Neither is anyone's age.
            continue
        out.append((a, b, m.start(), m.end()))
    return out


def _in_range(text: str, start: int, end: int) -> bool:
    """Is the number at ``start:end`` one end of a range ("21-45", "30 to 55")?"""
    digits = _NUMBER.search(text[start:end])
    if digits is None:
        return False
    n_start, n_end = start + digits.start(), start + digits.end()
    return bool(
        _RANGE_BEFORE.search(text[max(0, n_start - 12) : n_start])
        or _RANGE_AFTER.match(text[n_end : n_end + 12])
    )


def _age_value(m: re.Match[str], labelled: bool = False) -> int | None:
    groups = m.groupdict()
    teen = groups.get("teen")
    if teen:
        value = int(teen[-1]) + 10
    elif groups.get("ord"):
        value = ordinal_value(groups["ord"]) or 0
    else:
        raw = m.group("n").replace(" ", "").replace(".", "")
        value = int(raw)
    if "past" in groups and not (groups["past"] or groups["now"] or groups["next"]):
        return None  # "my 16th birthday" alone: passed or to come, the ad does not say
    if groups.get("next") and not groups.get("now"):
        value -= 1  # "turning 17", "my 18th birthday is next week": not yet
    top = MAX_LABELLED_AGE if labelled else MAX_AGE
    return value if MIN_AGE <= value <= top else None


def find_ages(
    text: str,
    title: str | None = None,
    lower: str | None = None,
    posted: dt.date | None = None,
) -> list[Span[int]]:
    """Find claimed ages 12-60.

    Args:
        text: Numeric view of the ad text.
        title: Numeric view of the ad title, if any (its trailing " - NN").
        lower: ``nowrongdoor.text.lower_text(text)``, if the caller has it.
        posted: The ad's post date; birth years give ages only with it.

    Returns:
        Age hits with spans in ``text`` (the title age gets span ``(-1, -1)``).
    """
    hits: list[Span[int]] = []
    taken = SpanSet()
    if lower is None:
        lower = lower_text(text)
    folded = lower if lower is not None else text.lower()
    for keywords, pattern in _AGE_PATTERNS:
        # Two tests that a match needs: the set lookup first, then keywords.
        if isinstance(pattern, CaselessPattern) and not pattern.may_match(lower):
            continue  # surely no match (see CaselessPattern.may_match)
        if not any(map(folded.__contains__, keywords)):
            continue
        # Only digits are read from the groups, so a match on the lower-cased
        # text serves as well (see CaselessPattern.fast).
        compiled, subject = (
            pattern.fast(text, lower)
            if isinstance(pattern, CaselessPattern)
            else (pattern, text)
        )
        for m in compiled.finditer(subject):
            value = _age_value(m, labelled="age" in keywords)
            if value is None:
                continue
            span = m.span()
            if taken.overlaps(*span):
                continue
            if _in_range(text, *span):
                continue
            taken.add(*span)
            if _age_limit(text, *span):
                continue
            clause = _HEIGHT_PRONE.get(keywords)
            if clause is not None and _height_not_age(text, *span, value, clause):
                continue
            hits.append(Span(value, span[0], span[1]))
    if "-" in text or "to" in folded or "~" in text:
        for a, b, start, end in _provider_ranges(text):
            if taken.overlaps(start, end):
                continue
            taken.add(start, end)
            hits.append(Span(a, start, end))
            hits.append(Span(b, start, end))
    births = find_birth_ages(text, posted, lower, (MIN_AGE, MAX_AGE)) if posted else []
    for hit in births:
        if not taken.overlaps(hit.start, hit.end):
            taken.add(hit.start, hit.end)
            hits.append(hit)
    if title:
        for tail in _TITLE_AGE.finditer(title):
            value = int(tail.group("n"))
            if MIN_AGE <= value <= MAX_AGE:
                hits.append(Span(value, -1, -1))
                break
    hits.sort(key=lambda h: h.start)
    return hits


_DUR = (
    r"(?P<dur>qv|qk|qkie|quickie|quick\s?visit|q\.v\.|"
    r"hhr|hh|half\s?(?:an?\s)?(?:hour|hr)|1/2\s?(?:hour|hr|h)|"
    r"(?P<mins>15|20|30|45|60|90)\s?(?:min(?:ute)?s?|mins?)|"
    r"(?P<hrs>[1-3])\s?(?:hours?|hrs?|h)|"
    r"overnight|overnite|"
    r"full\s(?:hour|hr)|hour|hr|h)(?![a-z])"
)
_AMT = (
    r"(?P<cur>\$\s?)?(?P<amt>\d{2,4})"
    r"(?!\d|,\d|\.\d|\s?%|\s?(?:lbs?|kg|cm|yo|y/o|years?|yrs?|ft|min|miles?|mi\b|k\b"
    r"|am\b|pm\b))"
    r"(?P<unit>\s?(?:\$|usd|dollars?|roses?|r\b|donations?|bucks|bills))?"
)
_AMT_NAMED = _AMT.replace("(?P<", "(?P<b_")
_DUR_B = _DUR.replace("(?P<", "(?P<b_")
# The groups read from rate matches are digits, "$" and words compared in lower
# case, so these run on the lower-cased text (see CaselessPattern.fast).
_RATE_A = CaselessPattern(
    rf"(?<![\w.]){_AMT}\s?(?P<sep>/|per|for\s(?:a|an|one|1)|for|a|an|-|:|=|x)?\s?"
    rf"(?:(?:1|one)\s?)?{_DUR}"
)
_RATE_B = CaselessPattern(
    rf"(?<![\w]){_DUR_B}\s?(?P<b_sep>[:=\-~>@/]|is|for|rate|only)?\s?{_AMT_NAMED}"
)
_AMOUNT = CaselessPattern(rf"(?<![\w.]){_AMT}")
_MIN_AMOUNT = 20
_DIGIT = re.compile(r"\d")
#: "$15/hr" is a price; "12 hr" without a currency sign is not.
_MIN_CURRENCY_AMOUNT = 10
_MAX_AMOUNT = 3000


def _minutes(groups: dict[str, str | None], prefix: str = "") -> int | None:
    dur = (groups.get(prefix + "dur") or "").lower().replace(" ", "")
    if groups.get(prefix + "mins"):
        return int(groups[prefix + "mins"] or 0)
    if groups.get(prefix + "hrs"):
        return 60 * int(groups[prefix + "hrs"] or 0)
    if dur.startswith(("qv", "qk", "quick", "q.v")):
        return 15
    if dur.startswith(("hh", "half", "1/2")):
        return 30
    if dur.startswith("over"):
        return None
    return 60


def _rates(
    pattern: re.Pattern[str],
    text: str,
    prefix: str,
    taken: tuple[tuple[int, int], ...],
) -> list[RateHit]:
    out: list[RateHit] = []
    pos = 0
    while True:
        m = pattern.search(text, pos)
        if m is None:
            break
        if any(s < m.end() and m.start() < e for s, e in taken):
            pos = m.start() + 1  # retry just after: "1 hour - 40" -> "hour - 40"
            continue
        pos = m.end()
        groups = m.groupdict()
        amount = int(groups[prefix + "amt"] or 0)
        if not _MIN_CURRENCY_AMOUNT <= amount <= _MAX_AMOUNT:
            continue
        minutes = _minutes(groups, prefix)
        dur = (groups.get(prefix + "dur") or "").lower()
        if minutes == 60 and amount == 24 and not groups.get(prefix + "cur"):
            continue  # "24 hr" is availability, not a price
        bare_h = dur == "h" and not (
            groups.get(prefix + "cur")
            or groups.get(prefix + "unit")
            or (groups.get(prefix + "sep") or "").strip() in ("/", ":", "=")
        )
        if amount < _MIN_AMOUNT and not groups.get(prefix + "cur"):
            continue  # "$15/hr" is a price; "12 hr" is not
        out.append(RateHit(float(amount), minutes, m.start(), m.end(), weak=bare_h))
    # A bare "h" ("H 150") is a rate only beside other rates written the same way.
    if all(hit.weak for hit in out):
        return []
    return out


def find_rates(
    text: str, taken: tuple[tuple[int, int], ...] = (), lower: str | None = None
) -> list[RateHit]:
    """Find rates with their durations.

    Both orders are read ("80hh 160 hr" and "hh 80 / hr 160"); when both readings
    apply to one ad the one that explains more prices wins. Amounts marked as
    roses or donations with no duration are kept with ``minutes=None``.

    Args:
        text: Numeric view of the ad text.
        taken: Spans already read as phones or ages; rates may not overlap them.
        lower: ``nowrongdoor.text.lower_text(text)``, if the caller has it.

    Returns:
        Rate hits with spans in ``text``.
    """
    if _DIGIT.search(text) is None:
        return []
    if lower is None:
        lower = lower_text(text)
    # A pattern that surely has no match gives no rate (see _rates).
    a = (
        _rates(*_RATE_A.fast(text, lower), "", taken)
        if _RATE_A.may_match(lower)
        else []
    )
    b = (
        _rates(*_RATE_B.fast(text, lower), "b_", taken)
        if _RATE_B.may_match(lower)
        else []
    )
    primary, other = (b, a) if len(b) > len(a) else (a, b)
    chosen = list(primary)
    for hit in other:
        if not any(h.start < hit.end and hit.start < h.end for h in chosen):
            chosen.append(hit)
    folded = lower if lower is not None else text.lower()
    amounts = "rose" in folded or "donation" in folded  # the only units read here
    for m in _AMOUNT.finditer_spans(text, lower) if amounts else ():
        unit = (m.group("unit") or "").strip().lower()
        if not unit.startswith(("rose", "donation")):
            continue
        if any(h.start <= m.start() < h.end for h in chosen) or any(
            s < m.end() and m.start() < e for s, e in taken
        ):
            continue
        amount = int(m.group("amt"))
        if _MIN_AMOUNT <= amount <= _MAX_AMOUNT:
            chosen.append(RateHit(float(amount), None, m.start(), m.end()))
    chosen.sort(key=lambda h: h.start)
    return chosen


_BARE = re.compile(
    guard_pattern(r"(?<![\w$#@%'\"/.,])(?P<n>[1-5]\d)(?![\w%$'\"/]|,\d|\.\d)")
)
_SEPARATORS = frozenset(",-|~*!?;:.")
# Words that make a neighbouring bare number a price, a duration or a measure.
_RATE_WORDS = frozenset(
    """
    qv qk qkie quickie hh hhr hr hrs hour hours h min mins minute minutes half full
    roses rose donation donations special specials rate rates price prices usd
    dollars dollar bucks for per x lbs lb kg cm ft feet in inches inch miles mi
    years yrs year days day weeks week am pm st nd rd th
    """.split()
)
_ALLOWED_BEFORE = frozenset("only just age aged and".split())
_ALLOWED_AFTER = frozenset("and but yrs years yo".split())
_ROAD = re.compile(
    r"(?:\b(?-i:I|US|SR|CR|FM)|\b(?:hwy|highway|route|rte|rt|exit|interstate))\s*-?\s*$",
    re.I,
)
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\W*$")
# Tens digits hyphenated to a unit ordinal are an ordinal: the numeric view
# writes "twenty-first" as "20-first" ("twenty-first century", "the
# thirty-first"), which is no age.
_ORDINAL_TAIL = re.compile(
    r"-?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)(?![a-z])", re.I
)
_WORD_AFTER = re.compile(r"^\W*([A-Za-z]+)")


def find_bare_ages(
    text: str, taken: tuple[tuple[int, int], ...] = ()
) -> list[Span[int]]:
    """Ages written as a bare number in an ad's profile line.

    "Sexy Tina, nineteen, 5'3", "Mya - 22 - ebony", "Kandi 21, thick", "only 16
    but...": a two-digit number 12-59 set apart by separators (or after a name),
    with no price, duration or measure word on either side. Call it after phones,
    ages and rates are known and pass their spans as ``taken``.

    Args:
        text: Numeric view of the ad text.
        taken: Spans already read as something else.

    Returns:
        Age hits with spans in ``text``.
    """
    from nowrongdoor.ads._people import _NOT_NAME_BEFORE_NUMBER, _ok

    hits: list[Span[int]] = []
    for m in _BARE.finditer(text):
        start, end = m.span()
        if any(s < end and start < e for s, e in taken):
            continue
        value = int(m.group("n"))
        if not MIN_AGE <= value <= MAX_AGE:
            continue
        before = text[max(0, start - 30) : start]
        after = text[end : end + 30]
        prev_char = before.rstrip()[-1:] if before.strip() else ""
        next_char = after.lstrip()[:1]
        word_before = _WORD_BEFORE.search(before)
        word_after = _WORD_AFTER.search(after)
        wb = word_before.group(1) if word_before else ""
        wa = word_after.group(1) if word_after else ""
        if wb.lower() in _RATE_WORDS or wa.lower() in _RATE_WORDS:
            continue
        if (wb.lower() in MONTHS or wa.lower() in MONTHS) and is_date_day(
            text, start, end
        ):
            continue  # a day of a date: "Dec 12 - Dec 15", "Oct 14, 2025"
        if _in_range(text, start, end):
            continue  # a range: "ages 13-17", "men 25-60"
        if _ORDINAL_TAIL.match(text, end):
            continue  # an ordinal: "20-first" is "twenty-first"
        if _ROAD.search(before):
            continue  # a road: "off I-35", "Route 66", "exit 42"
        if _LIMIT_AFTER.match(text, end):
            continue  # an age limit: "21 and up", "18+"
        if _height_not_age(text, start, end, value):
            continue  # a height: "Height: 56", "56 very petite"
        left = (
            prev_char == ""
            or prev_char in _SEPARATORS
            or not prev_char.isascii()
            or (prev_char.isalpha() and wb.lower() in _ALLOWED_BEFORE)
            or (
                prev_char.isalpha()
                and wb[:1].isupper()
                and _ok(wb)
                and wb.lower() not in _NOT_NAME_BEFORE_NUMBER
            )
        )
        # A line break sets a profile line's age apart ("Kitty 23\n5'4 125lbs").
        line_end = "\n" in after[: len(after) - len(after.lstrip())]
        right = (
            line_end
            or next_char == ""
            or next_char in _SEPARATORS
            or not next_char.isascii()
            or wa.lower() in _ALLOWED_AFTER
        )
        if left and right:
            hits.append(Span(value, start, end))
    return hits
