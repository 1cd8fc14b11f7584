"""Phone numbers from de-obfuscated ad text (private).

The numeric view (``nowrongdoor.text.numeric_view``) has already turned number
words and look-alike letters into digits. Here digit runs (digits joined by at
most six separator characters, underscores and asterisks included) are cut into
candidate numbers on digit-group boundaries, and each candidate is validated
with ``phonenumbers``: impossible numbers (unassigned area codes, 555-555-5555,
123-456-7890) are rejected.

A number must come from one contiguous written number. Its digit groups must
have the layout of a written phone number (:func:`_nanp_layout`): 3-3-4, 3-7,
6-4 or 10 digits (after an optional lone "1"), where any block may instead be
written in ones and pairs ("9 0 3", "nine zero three", "10 10", "thirty-one
99 4 eight 2"). So a date or time
("2019 11 02 - 14") is no number, and a number written twice in two styles
("3 1 7 - 4 0 2 - 1 1 8 7 317 four zero two 1187") gives two copies of itself,
never a number glued from the end of one and the start of the other.

A number split by an area-code label ("area code 317 then 555-0287", "(317 area)
555 0287", "555-0287, area code 317") is read by :func:`_labelled_area_codes`:
only with the label, a three-digit area code and a seven-digit local number
(3-4) on its two sides, and no digit between them.

A run that starts with "+" and a country code other than 1, or with the
international prefix "00", is parsed for its own region; if that is not a valid
number the run gives nothing (it is never forced into +1).
"""

from __future__ import annotations

import re
from functools import lru_cache

from nowrongdoor.ads._span import Span

__all__ = ["area_code_state", "find_phones"]

# A line break may fall inside a number ("call 312\n555\n0281"): a number split
# over lines is still one written number; the layout check (3-3-4, ...) and the
# list rule (:func:`_in_list`) keep lines of prices and times apart.
_SEP = r"(?:\W|_)"
# A separator spelled as a word between two groups: "469 dot 555 dot 0357",
# "4 6 9 dash 5 5 5 dash ...", "512 space 555 space 0294". Only these words: any
# other word ends a run, and the layout check still applies to the groups.
_SEP_WORD = r"(?i:\W{1,3}(?:dot|dash|hyphen|period|point|space)\W{1,3})"
# The look-ahead skips every position that cannot start a run (same matches).
_RUN = re.compile(rf"(?=[+\d])\+?\d(?:(?:{_SEP}{{0,6}}|{_SEP_WORD})\d)*")
_GROUP = re.compile(r"\d+")
# A run labelled as an identifier is not a phone: "Order #4695550350", "invoice
# no. 312 555 0298", "tracking number: 7135550292". The label needs its "#",
# "no." or "number": "my # 469..." and "new # ..." are phones.
_ID_LABEL = re.compile(
    r"\b(?:order|invoice|receipt|ref(?:erence)?|ticket|confirmation|tracking|"
    r"acct|account|sku|item|serial|po|lic(?:ense|ence)?|permit|case)\s*"
    r"(?:#|no\.|number)\s*[:.]?\s*$",
    re.I,
)
#: A currency sign: a group written after one is a price, never part of a phone.
_CURRENCY = re.compile(r"[$\u00a2-\u00a5\u20ac]")
#: NANP blocks: area code, exchange, line; or area code + 7, or 6 + line, or 10.
_LAYOUTS = ((3, 3, 4), (3, 7), (6, 4), (10,))


_NANP_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)


@lru_cache(maxsize=1)
def _nanp_regions() -> tuple[tuple[re.Pattern[str] | None, re.Pattern[str]], ...]:
    """Each NANP region's rules from the ``phonenumbers`` metadata, compiled once.

    For every region of country code 1, in the order ``phonenumbers`` tries
    them: its leading-digits pattern (``None`` when it has none) and one
    pattern that fully matches exactly the 10-digit national numbers its
    metadata gives a known number type (the general description and one of
    the type descriptions, with their possible lengths). This is
    ``phonenumbers.is_valid_number`` for +1 numbers without its per-call
    overhead (``tests/ads/test_phones_nanp.py`` checks them against it).
    """
    from phonenumbers import PhoneMetadata
    from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

    def usable(desc: object) -> str | None:
        if desc is None:
            return None
        lengths = getattr(desc, "possible_length", ()) or ()
        pattern = getattr(desc, "national_number_pattern", None)
        if (lengths and 10 not in lengths) or not pattern:
            return None
        return str(pattern)

    out: list[tuple[re.Pattern[str] | None, re.Pattern[str]]] = []
    for region in COUNTRY_CODE_TO_REGION_CODE[1]:
        meta = PhoneMetadata.metadata_for_region(region.upper(), None)
        if meta is None:
            continue
        general = usable(meta.general_desc)
        kinds = [usable(getattr(meta, name)) for name in _NANP_TYPES]
        kinds.append(usable(meta.fixed_line))
        if not meta.same_mobile_and_fixed_line_pattern:
            kinds.append(usable(meta.mobile))
        types = [k for k in kinds if k is not None]
        if general is None or not types:
            typed = "(?!)"
        else:
            typed = f"(?=(?:{general})$)(?:" + "|".join(f"(?:{t})" for t in types) + ")"
        lead = re.compile(meta.leading_digits) if meta.leading_digits else None
        out.append((lead, re.compile(typed)))
    return tuple(out)


def nanp_valid(national: str) -> bool:
    """``phonenumbers.is_valid_number`` for the +1 number with these 10 digits.

    The region is the first NANP region (in ``phonenumbers``' order) whose
    leading digits match, or, for a region without leading digits, which
    gives the number a type; the number is valid when that region's metadata
    gives it a type.
    """
    for lead, typed in _nanp_regions():
        if lead is not None:
            if lead.match(national):
                return typed.fullmatch(national) is not None
        elif typed.fullmatch(national) is not None:
            return True
    return False


@lru_cache(maxsize=65536)
def _validate(digits: str, international: bool) -> str | None:
    import phonenumbers

    if not international:
        # A NANP candidate is already 10 digits (or "1" and 10): it is checked
        # against the compiled NANP metadata (nanp_valid), which gives
        # phonenumbers' answer several times faster than calling it.
        national = digits[-10:]
        if national[3:6] == "555" and national[6:8] == "01":
            return None  # 555-0100..0199 are reserved for fiction (NANPA)
        return "+1" + national if nanp_valid(national) else None
    try:
        number = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _nanp_shape(digits: str) -> bool:
    """Cheap NANP check before asking phonenumbers (area code and exchange 2-9)."""
    if len(digits) == 11:
        if digits[0] != "1":
            return False
        digits = digits[1:]
    return len(digits) == 10 and digits[0] >= "2" and digits[3] >= "2"


@lru_cache(maxsize=4096)
def _nanp_layout(lengths: tuple[int, ...]) -> bool:
    """Do digit groups of these lengths have the layout of one written number?

    A leading "1" may stand alone or open the first group ("1-903-...",
    "1903..."); the rest must split into the blocks of one of ``_LAYOUTS``, each
    block written as one group or as groups of one or two digits.
    """
    options = [lengths]
    if lengths and lengths[0] == 1:
        options.append(lengths[1:])
    if lengths and lengths[0] in (4, 11):
        options.append((lengths[0] - 1, *lengths[1:]))
    return any(_fits(rest, layout) for rest in options for layout in _LAYOUTS)


def _fits(lengths: tuple[int, ...], layout: tuple[int, ...]) -> bool:
    k = 0
    for block in layout:
        if k >= len(lengths):
            return False
        if lengths[k] == block:
            k += 1
            continue
        total = 0
        while k < len(lengths) and lengths[k] <= 2 and total + lengths[k] <= block:
            total += lengths[k]
            k += 1
        if total != block:
            return False
    return k == len(lengths)


def find_phones(text: str) -> list[Span[str]]:
    """Find valid phone numbers in text whose digits are already de-obfuscated.

    Every way of cutting a digit run into a number on digit-group boundaries
    that has the layout of one written number is validated; when candidates
    overlap, the one written most uniformly wins (one kind of separator inside,
    as in "903.312.1887"), so an age or a price just before or after a number
    ("age 15. 9 0 3 ...") is not glued onto it.

    Args:
        text: Text from ``numeric_view`` (digits written as digits).

    Returns:
        Validated numbers (E.164) in text order, with spans in ``text``.
    """
    hits: list[Span[str]] = []
    runs = list(_RUN.finditer(text)) if _has_area_label(text) else []
    for run in runs or _RUN.finditer(text):
        body = run.group()
        if len(body) < 8:
            continue  # fewer than 8 digits (most runs: prices, times, ages)
        base = run.start()
        if _ID_LABEL.search(text, max(0, base - 30), base):
            continue  # "Order #4695550350": an identifier
        spans = [(m.start() + base, m.end() + base) for m in _GROUP.finditer(body)]
        if sum(e - s for s, e in spans) < 8:
            continue
        if body.startswith("+") and not body[1:].startswith("1"):
            hit = _international(text, spans, run.start())
            if hit is not None:
                hits.append(hit)
            continue
        if body.startswith("00"):
            if text[spans[0][0] : spans[0][1]] == "00":
                spans = spans[1:]
            else:
                spans = [(spans[0][0] + 2, spans[0][1]), *spans[1:]]
            if spans:
                hit = _international(text, spans, run.start())
                if hit is not None:
                    hits.append(hit)
            continue
        candidates = _candidates(text, spans)
        chosen: list[tuple[int, int, str]] = []
        for _score, i, j, e164 in sorted(candidates):
            if any(i <= b and a <= j for a, b, _ in chosen):
                continue
            chosen.append((i, j, e164))
        if chosen and _in_list(text, spans, [(i, j) for i, j, _ in chosen]):
            continue  # a list of prices or times, not a phone
        hits.extend(Span(e164, spans[i][0], spans[j][1]) for i, j, e164 in chosen)
    if runs:
        hits.extend(_labelled_area_codes(text, runs, hits))
    hits.sort(key=lambda h: h.start)
    return hits


# An area-code label, in English, Spanish ("código de área") and French
# ("indicatif régional", "code régional"); Mexico's "lada" and Brazil's "DDD"
# open codes of other lengths, outside the NANP, and are not read.
_AREA_LABEL = (
    r"(?:area\s*code|c[oó]digo\s+de\s+[aá]rea|indicatif(?:\s+r[ée]gional)?"
    r"|code\s+r[ée]gional)"
)
# The words that open a label (searched first: each starts with a letter, so
# the search is a quick scan), then what makes one of them a label: "area
# code", or "area" right after a digit ("(317 area)"), or the other labels.
_AREA_WORD = re.compile(r"[aá]rea|c[oó]digo|indicatif|code", re.I)
_AREA_LABEL_AT = re.compile(rf"(?i:{_AREA_LABEL})")
_DIGIT_BEFORE = re.compile(r"\d\W{0,2}$")
# Substrings of every label, tested on the lower-cased text before any regex.
_AREA_HINTS = ("rea", "digo", "indicatif", "gional")


def _has_area_label(text: str) -> bool:
    """Does the text hold an area-code label (a cheap test before runs are kept)?"""
    low = text.lower()
    if not any(word in low for word in _AREA_HINTS):
        return False
    for m in _AREA_WORD.finditer(text):
        if _AREA_LABEL_AT.match(text, m.start()) is not None:
            return True
        if m.group()[-3:].lower() == "rea" and _DIGIT_BEFORE.search(
            text, max(0, m.start() - 3), m.start()
        ):
            return True
    return False


# Between a label's area code and the local number: no digit, a few words.
_GAP = r"[^\d$]{0,30}"
# "area code 317 ... 555-0287", "Area Code: 702 / Number: 555-0433": the text
# before the area code, and after it up to the local number.
_LABEL_BEFORE = re.compile(rf"(?i:\b{_AREA_LABEL}(?:\s+(?:is|es|é|est))?\W{{0,3}})$")
# "(317 area) 555 0287", "317 area code: 555 0287": the text after the code.
_LABEL_AFTER = re.compile(rf"(?i:\W{{0,2}}(?:{_AREA_LABEL}|area)\b){_GAP}")
# "555-0287 area code 317": the text between the local number and the code.
# "555-0261 (713 area)": a bracket or a comma between the local number and a
# code labelled after it.
_OPEN_CODE = re.compile(r"\s*[,;(/]?\s*")
# An opening bracket inside a digit run starts a new piece ("555-0261 (713").
_BRACKET = re.compile(r"\s*\(\s*")
_LOCAL_THEN_LABEL = re.compile(
    rf"{_GAP}(?i:\b{_AREA_LABEL}(?:\s+(?:is|es|é|est))?\W{{0,3}})"
)


def _labelled_area_codes(
    text: str, runs: list[re.Match[str]], found: list[Span[str]]
) -> list[Span[str]]:
    """Numbers whose area code is given apart, with a label (see the module).

    Two neighbouring pieces of digit runs that no number was read from (a run
    is cut at an opening bracket: "555-0261 (713 area)"): one written as an
    area code (3 digits, or three single ones), the other as a local number
    (3-4 or 7 digits, or their digits one by one), and the text between them
    an area-code label and a few words with no digit, the code first ("area
    code 317 then 555-0287", "(317 area) 555 0287") or the local number first
    ("555-0287 area code 317", "555-0261 (713 area)"). A price, a time or an
    age is no such run.
    """
    out: list[Span[str]] = []
    pieces: list[tuple[int, int]] = []
    k = 0  # the hits are in the order of the runs they were read from
    for r in runs:
        while k < len(found) and found[k].end <= r.start():
            k += 1
        if (
            (k < len(found) and found[k].start < r.end())
            or ":" in r.group()
            or _CURRENCY.search(text, max(0, r.start() - 2), r.start())
        ):
            continue
        start = r.start()
        for cut in _BRACKET.finditer(r.group()):
            pieces.append((start, r.start() + cut.start()))
            start = r.start() + cut.end()
        pieces.append((start, r.end()))
    for (a0, a1), (b0, b1) in zip(pieces, pieces[1:], strict=False):
        between = text[a1:b0]
        if len(between) > 60 or "\n\n" in between:
            continue
        a_digits, b_digits = text[a0:a1], text[b0:b1]
        if _shape(a_digits, (3,)) and _shape(b_digits, (3, 4)):
            labelled = _LABEL_AFTER.fullmatch(between) is not None or (
                _LABEL_BEFORE.search(text, max(0, a0 - 40), a0) is not None
                and re.fullmatch(_GAP, between) is not None
            )
            code, local = a_digits, b_digits
        elif _shape(a_digits, (3, 4)) and _shape(b_digits, (3,)):
            labelled = _LOCAL_THEN_LABEL.fullmatch(between) is not None or (
                _LABEL_AFTER.match(text, b1) is not None
                and _OPEN_CODE.fullmatch(between) is not None
            )
            code, local = b_digits, a_digits
        else:
            continue
        if not labelled:
            continue
        digits = re.sub(r"\D", "", code) + re.sub(r"\D", "", local)
        if not _nanp_shape(digits):
            continue
        e164 = _validate(digits, False)
        if e164 is not None:
            out.append(Span(e164, a0, b1))
    return out


def _shape(written: str, layout: tuple[int, ...]) -> bool:
    """Are the digit groups of a run written as these blocks (or in ones and
    pairs)?"""
    lengths = tuple(len(g) for g in _GROUP.findall(written))
    return _fits(lengths, layout) or (layout == (3, 4) and _fits(lengths, (7,)))


def _in_list(
    text: str, spans: list[tuple[int, int]], taken: list[tuple[int, int]]
) -> bool:
    """Is this run a list of numbers ("roses: 100 / 160 / 260 / 500 / 1000")?

    A list writes every item the same way: one separator between all groups.
    When two or more groups of three or more digits belong to no number read
    from the run, the numbers read are items of the list (prices), not a
    phone. Two numbers in a row ("312 555 0295 312 555 0296") leave no group
    over; a digit or two beside a number ("903 312 1887 for 80hh", where "for"
    reads 4) is not a list.
    """
    seps = {text[spans[k][1] : spans[k + 1][0]] for k in range(len(spans) - 1)}
    if len(seps) != 1:
        return False
    over = [
        k
        for k, (s, e) in enumerate(spans)
        if e - s >= 3 and not any(i <= k <= j for i, j in taken)
    ]
    return len(over) >= 2


def _international(
    text: str, spans: list[tuple[int, int]], start: int
) -> Span[str] | None:
    """The longest valid number from the first group on, for its own region."""
    digits = ""
    best: Span[str] | None = None
    for j, (s, e) in enumerate(spans):
        digits += text[s:e]
        if len(digits) > 15:
            break
        if len(digits) >= 8:
            e164 = _validate(digits, True)
            if e164 is not None and not e164.startswith("+1"):
                best = Span(e164, start, spans[j][1])
    return best


def _candidates(
    text: str, spans: list[tuple[int, int]]
) -> list[tuple[tuple[int, int], int, int, str]]:
    """Valid NANP numbers over groups ``i..j``, with a sort key (best first)."""
    out: list[tuple[tuple[int, int], int, int, str]] = []
    groups = [text[s:e] for s, e in spans]
    seps = [text[spans[k][1] : spans[k + 1][0]] for k in range(len(spans) - 1)]
    for i in range(len(groups)):
        if _CURRENCY.search(text, max(0, spans[i][0] - 2), spans[i][0]):
            continue  # "$350 | $500 | $1200": a price opens no number
        digits = ""
        for j in range(i, len(groups)):
            if j > i and _CURRENCY.search(seps[j - 1]):
                break  # nor does a number go on past a price
            digits += groups[j]
            n = len(digits)
            if n > 11:
                break
            if n < 10 or not _nanp_shape(digits):
                continue
            if n == 11 and not (groups[i] == "1" or len(groups[i]) in (4, 11)):
                continue  # a leading "1" must stand alone: "1-903-...", "1903..."
            if not _nanp_layout(tuple(len(g) for g in groups[i : j + 1])):
                continue
            e164 = _validate(digits, False)
            if e164 is not None and e164.startswith("+1"):
                out.append(((len(set(seps[i:j])), i), i, j, e164))
                break
    return out


@lru_cache(maxsize=4096)
def area_code_state(e164: str) -> str | None:
    """The US state or territory (postal abbreviation) of a NANP number's area code.

    From the table derived from the geocoding data shipped with ``phonenumbers``
    (see ``nowrongdoor.ads._reference``); ``None`` for numbers outside the US and
    area codes not tied to one state (toll-free, non-geographic).
    """
    if not e164.startswith("+1") or len(e164) != 12:
        return None
    from nowrongdoor.ads._reference import load_area_codes

    return load_area_codes().get(e164[2:5])
