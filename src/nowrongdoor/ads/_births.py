"""Ages from birth years and dates of birth, on an ad's post date (private).

A birth year ("born 2004", "b. 2005", "DOB 03/2006") or a date of birth ("DOB
14/03/2009", "born March 3, 2008", "nacida el 14 de marzo de 2009") gives an age
only with the ad's post date: the youngest age the poster can be on that date
(:func:`age_from_birth`, docs/ads.md "Ages from a birth year"); a date read day
first or month first gives the younger of its ages.
"""

from __future__ import annotations

import datetime as dt
import re

from nowrongdoor.ads._birth_words import (
    DAY_FIRST_CUES,
    FOREIGN_DAYS,
    FOREIGN_MONTHS,
    GUARDED_MONTHS,
    RUSSIAN_CUES,
    ZH_NUMERAL,
    numbered,
    zh_number,
)
from nowrongdoor.ads._span import Cover, Span

__all__ = [
    "BIRTH_MONTHS",
    "MONTHS",
    "ORDINAL_WORD",
    "age_from_birth",
    "find_birth_ages",
    "is_date_day",
    "ordinal_value",
    "post_date",
]


#: Month names in English and Spanish, full and abbreviated, to their numbers.
#: Spanish abbreviations as the Real Academia Española lists them ("ene.",
#: "abr.", "ago.", "sept." / "set.", "dic."; Ortografía 2010, apéndice 2).
MONTHS: dict[str, int] = numbered(
    "january jan enero ene",
    "february feb febrero",
    "march mar marzo",
    "april apr abril abr",
    "may mayo",
    "june jun junio",
    "july jul julio",
    "august aug agosto ago",
    "september sept sep septiembre setiembre set",
    "october oct octubre",
    "november nov noviembre",
    "december dec diciembre dic",
)
#: Month names read in a date of birth after a birth cue: :data:`MONTHS` and the
#: Portuguese and French names, full and abbreviated (Portuguese abbreviations
#: as ABNT NBR 6023 lists them, "fev.", "abr.", "set.", "dez.", and "mai" as
#: ads write it; French as the Office québécois de la langue française's Banque
#: de dépannage linguistique lists them, "janv.", "févr.", "avr.", "juill.",
#: "déc.", and the common "juil."). Portuguese "out." (outubro) is left out: it
#: is an English word. Only dates after a birth cue use them, so a bare number
#: beside "mai" or "mars" elsewhere is read as before.
BIRTH_MONTHS: dict[str, int] = (
    MONTHS
    | numbered(
        "janeiro janvier janv",
        "fevereiro fev février fevrier févr fevr",
        "março mars",
        "avril avr",
        "maio mai",
        "junho juin",
        "julho juillet juill juil",
        "août aout",
        "setembro septembre",
        "outubro octobre",
        "novembro novembre",
        "dezembro dez décembre decembre déc",
    )
    | FOREIGN_MONTHS
)

# Days written as words. English ordinals ("the fourth of July", "March
# twenty-first"; the numeric view has already made "twenty" 20, so
# "twenty-first" arrives as "20-first"); Spanish and Portuguese cardinals 1-11
# and "primero" / "primeiro" (the day 1: "el primero de mayo", RAE, Diccionario
# panhispánico de dudas, "fecha"); French "premier" ("le premier avril",
# written "1er" in digits). Spanish and Portuguese 12-31 are digits already in
# the numeric view ("veintiuno" -> 21).
_ORDINAL_UNITS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
    "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
    "nineteenth"
).split()
_ORDINAL_TENS = {"twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50}
_TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_CARDINAL_DAYS: dict[str, int] = numbered(
    "uno um primero primeiro premier",
    "dos dois",
    "tres três",
    "cuatro quatro",
    "cinco",
    "seis",
    "siete sete",
    "ocho oito",
    "nueve nove",
    "diez dez",
    "once onze",
)
_ORDINAL_VALUES: dict[str, int] = {
    **{word: number for number, word in enumerate(_ORDINAL_UNITS, start=1)},
    **_ORDINAL_TENS,
}
#: An ordinal written in words: "fourth", "sixteenth", "twentieth", and a tens
#: word or tens digits before a unit ordinal ("twenty-first", "20-first").
_ORDINALS = (
    r"(?:20|30|40|50|twenty|thirty|forty|fifty)[\s\-]?(?:"
    + "|".join(_ORDINAL_UNITS[:9])
    + r")|"
    + "|".join(sorted(_ORDINAL_VALUES, key=len, reverse=True))
)
ORDINAL_WORD = rf"(?:{_ORDINALS})(?![a-z])"
_JOINED = re.compile(r"[\s\-]+")
_COMPOUND = re.compile(r"(\d\d|[a-z]+)[\s\-]?([a-z]+)")


def ordinal_value(word: str) -> int | None:
    """The number of an ordinal or day word: "fourth" 4, "20-first" 21, "uno" 1."""
    word = word.lower()
    if word in _ORDINAL_VALUES:
        return _ORDINAL_VALUES[word]
    if word in _CARDINAL_DAYS:
        return _CARDINAL_DAYS[word]
    joined = _JOINED.sub("-", word)
    if joined in FOREIGN_DAYS:
        return FOREIGN_DAYS[joined]
    m = _COMPOUND.fullmatch(word)
    if m is None or m.group(2) not in _ORDINAL_VALUES:
        return None
    tens = int(m.group(1)) if m.group(1).isdigit() else _TENS_WORDS.get(m.group(1))
    return None if tens is None else tens + _ORDINAL_VALUES[m.group(2)]


# A birth cue: "born", "b." (lower case only: "Suite B. 2005" is an address),
# "DOB", "D.O.B.", "birth year", "year of birth", "date of birth", "birthdate",
# "birthday", "bday" / "b-day" / "b'day"; in Spanish "nacida" / "nacido",
# "nací", "nació", "fecha de nacimiento"; in Portuguese "nascida" / "nascido",
# "nasci", "nasceu", "data de nascimento"; in French "née" / "né" (with or
# without the accent) before "le" or "en", "date de naissance"; in Vietnamese
# "sinh ngày" / "ngày sinh" (born on the day / date of birth) and "sinh năm" /
# "năm sinh" (born in the year / year of birth). Without a cue a year or a date
# is no birth: "since 2004", "est. 2004", "available March 3, 2026", "desde el
# 3 de marzo de 2026", "disponible le 14 mars 2026". Batch 13 adds the
# Portuguese "DN" / "d.n.", "nasc." and "nascimento" (birth), the Italian
# "nata" / "nato" before "il" or "nel" ("NATO" alone is no cue) and "data di
# nascita", the German "geb.", "geboren", "Geburtsdatum", "Geburtsjahr" and
# "Jahrgang" (year of birth), and the Russian "родилась" / "родился" (was
# born), "дата рождения" (date of birth) and "год рождения" (year of birth).
_BIRTH_CUE = (
    r"(?<![\w.])(?P<cue>born(?:\s+in)?|(?-i:b)\.|d\.?o\.?b\.?|birth\s*year|"
    r"year\s+of\s+birth|date\s+of\s+birth|birth\s*date|birth\s*day|b[\-']?day|"
    r"(?:nacid[ao]s?|nac[ií]|naci[óo]|nascid[ao]s?|nasci|nasceu)"
    r"(?![a-záéíóúñçãõâêô])(?:\s+(?:en|el)\b)?|"
    r"n[ée]e?(?=\s+(?:le|en)\b)|"
    r"sinh\s+(?:ng[àa]y|n[ăa]m)|(?:ng[àa]y|n[ăa]m)\s+sinh|"
    r"(?:fecha|data)\s+de\s+nacimiento|data\s+de\s+nascimento|"
    r"date\s+de\s+naissance|(?-i:DN)|d\.n\.|nasc\.|nascimento|"
    r"nat[ao](?=\s+(?:il|nel)\b)|data\s+di\s+nascita|"
    r"geb\.|geboren|geburts(?:datum|jahr)|jahrgang|" + RUSSIAN_CUES + r")"
    r"\s*(?:[:\-]\s*)?"
)
# Words between a cue and its date: "born on", "nacida el", "née le", "nascida
# em", "nata nel", "geboren am", "родилась в" (in).
_BIRTH_PREP = r"(?:(?:on|in|is|el|en|em|no\s+dia|a|le|il|nel|am|im|в)\s+)?"
_BIRTH = re.compile(
    _BIRTH_CUE
    + _BIRTH_PREP
    + r"(?:(?P<a>\d{1,2})\s*(?P<sep>[/.\-])\s*(?:(?P<b>\d{1,2})\s*(?P=sep)\s*)?)?"
    r"(?P<year>(?:19|20)\d\d|'\d\d|\d\d)(?![\d/])",
    re.I,
)
# Year first is ISO 8601's order, year-month-day ("DOB: 2009-06-30",
# "born 2009/06/20"): one reading, never day-month.
_BIRTH_YEAR_FIRST = re.compile(
    _BIRTH_CUE + r"(?P<year>(?:19|20)\d\d)\s*(?P<sep>[/.\-])\s*(?P<month>\d{1,2})"
    r"\s*(?P=sep)\s*(?P<day>\d{1,2})(?![\d/])",
    re.I,
)
# A date with its month as a word. With the month a word the order is never in
# doubt: "March 3, 2008", "Sept. 14 2009", "March the 3rd, 2009" (month first);
# "3 March 2008", "3rd of March '08", "14-Sep-2009", "14 de marzo de 2009" (day
# first); "Dec 2008", "December of 2008", "diciembre de 2008" (month and year).
_MONTH = (
    r"(?P<month>"
    + "|".join(sorted(BIRTH_MONTHS, key=len, reverse=True))
    + "|"
    + "|".join(
        rf"{word}(?=\.|\s*[/\-]|\s+(?:19|20)\d\d\b)|(?<=de\s){word}"
        for word in sorted(GUARDED_MONTHS)
    )
    + r")\.?(?![a-záéíóúñçûôäöüßа-яё])"
)
# A day in digits ("3", "3rd", "1º", French "1er", Spanish "1ro", "1ero",
# "2do", "3ro", "4to", RAE, Ortografía 2010, "abreviaturas de ordinales") or
# in words ("fourth", "twenty-first", "uno", "primeiro", "premier", French
# "deux", "vingt et un", "dix-sept", Italian "primo").
_DAY_WORDS = sorted(
    [*_CARDINAL_DAYS, *(w.replace("-", r"[\s\-]+") for w in FOREIGN_DAYS)],
    key=len,
    reverse=True,
)
_DAY = (
    r"(?:(?P<day>\d{1,2})(?:st|nd|rd|th|º|°|er|ero|ro|do|to|vo|mo|no)?(?![\d\w])|"
    r"(?P<wday>" + _ORDINALS + "|" + "|".join(_DAY_WORDS) + r")(?![a-zê]))"
)
_SEP = r"[\s,./\-]*"
_OF = r"(?:(?:of|de|del)\s+)?"
_YEAR = r"(?P<year>(?:19|20)\d\d|'\d\d|(?P<short>\d\d))(?![\d/:])"
_BIRTH_MONTH = re.compile(
    _BIRTH_CUE
    + _BIRTH_PREP
    + r"(?:the\s+)?(?:"
    + rf"{_MONTH}{_SEP}(?:the\s+)?{_DAY}{_SEP}{_OF}{_YEAR}"
    + rf"|{_DAY.replace('day>', 'd2>')}{_SEP}{_OF}"
    + _MONTH.replace("month>", "m2>")
    + rf"{_SEP}{_OF}{_YEAR.replace('year>', 'y2>').replace('short>', 's2>')}"
    + rf"|{_MONTH.replace('month>', 'm3>')}{_SEP}{_OF}"
    + r"(?P<y3>(?:19|20)\d\d|'\d\d)(?![\d/:])"
    + ")",
    re.I,
)
# Dates whose month is a number beside a word. Vietnamese: "sinh ngày 14
# tháng 3 năm 2009" (day, "tháng" month, "năm" year), or "tháng 3 năm 2009".
# Chinese (and Japanese) year-month-day with 年 月 日: after a cue ("出生日期：
# 2009年3月14日", "生日 2010年5月", "出生于2008年") or before one ("2008年出生",
# "2008年生まれ"). The order is fixed by the words, so there is one reading.
# Batch 13: the numbers may be Chinese numerals ("二〇〇八年三月五日出生", a
# year digit by digit, a month or day with 十: "十二月", "二十一日"), and a
# two-digit year after a cue ("生日：零八年十月"); full-width digits are ASCII
# in the numeric view already (NFKC).
_ZH_YEAR = rf"(?:19|20)\d\d|[一二]{ZH_NUMERAL}{{3}}"
_ZH_DAY = rf"\d{{1,2}}|{ZH_NUMERAL}{{1,3}}"
_BIRTH_NUMBERED = re.compile(
    _BIRTH_CUE
    + r"(?:(?P<vd>\d{1,2})\s+)?th[áa]ng\s+(?P<vm>\d{1,2})\s*,?\s*(?:n[ăa]m\s+)?"
    r"(?P<vy>(?:19|20)\d\d)(?!\d)"
    r"|(?:出生(?:日期|年月日?|于|於)?|生日|生于|生於)\s*:?\s*"
    rf"(?P<zy>{_ZH_YEAR}|\d\d|{ZH_NUMERAL}{{2}})\s*年"
    rf"(?:\s*(?P<zm>{_ZH_DAY})\s*月(?:\s*(?P<zd>{_ZH_DAY})\s*[日号號])?)?"
    rf"|(?<![\d〇零○一二三四五六七八九])(?P<zy2>{_ZH_YEAR})\s*年"
    rf"(?:\s*(?P<zm2>{_ZH_DAY})\s*月(?:\s*(?P<zd2>{_ZH_DAY})\s*[日号號])?)?"
    r"\s*(?:出生|生まれ|生(?!日))",
    re.I,
)
_BIRTH_CUES = (
    "born",
    "b.",
    "dob",
    "d.o.b",
    "birth",
    "nac",
    "bday",
    "b-day",
    "b'day",
    "nasc",
    "naiss",
    "née",
    "né ",
    "nee ",
    "sinh",
    "生",
    "dn",
    "d.n",
    "nata",
    "nato",
    "nascita",
    "geb",
    "jahrgang",
    *DAY_FIRST_CUES[2:],
)
# A bare two-digit year after "born" ("born 09, petite", "born 05 in Texas") may
# be followed by punctuation, the end, or a word that is no unit, month or
# number: "born 10 min from here", "born 10 miles away", "born 12 days late",
# "born 14 Feb" (a day) are no years; "born 2 be wild" has one digit.
_AFTER_BARE_YEAR = re.compile(r"\s*(?:[^\w\s%$+:]|$)")
_WORD_AFTER_BARE_YEAR = re.compile(r"\s+(?P<word>[a-záéíóúñ]+)\b", re.I)
_NOT_AFTER_BARE_YEAR = frozenset(
    """
    s sec secs second seconds min mins minute minutes h hr hrs hour hours d day days
    wk wks week weeks mo mos month months y yr yrs year years yo decade decades am pm
    mi mile miles km k m ft feet foot inch inches cm kg lb lbs block blocks
    x times percent pct dollars bucks usd roses rose oz ounce ounces pound pounds
    minutos horas dias días
    semanas meses años anos millas kilometros kilómetros cuadras
    """.split()
) | frozenset(MONTHS)


def _bare_year_ends(text: str, end: int) -> bool:
    """May the bare two-digit year ending at ``end`` be a year?"""
    if _AFTER_BARE_YEAR.match(text, end):
        return True
    word = _WORD_AFTER_BARE_YEAR.match(text, end)
    if word is None:
        return False
    return word.group("word").lower() not in _NOT_AFTER_BARE_YEAR


_MONTH_WORD = (
    "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")(?![a-záéíóúñ])"
)
_TO = r"(?:-|–|to|thru|through|till|until)"
# A day right after a month name ("Oct 14", "Sept. 14"), or right before one
# ("14-Sep", "14 de marzo").
_MONTH_BEFORE = re.compile(rf"(?<![\w.]){_MONTH_WORD}\.?\s*$", re.I)
_MONTH_AFTER = re.compile(
    rf"(?:st|nd|rd|th)?[\s\-/.]*(?:(?:of|de)\s+)?{_MONTH_WORD}\.?", re.I
)
# What makes it a date: a year after it ("Oct 14, 2025", "14-Sep-2009"), or
# a range of dates ("Dec 12 - Dec 15", "Dec 12 - 15", "Nov 14, 2025 - Nov 20").
_YEAR_AFTER = re.compile(r"(?:st|nd|rd|th)?\s*[,.\-/]?\s*(?:(?:19|20)\d\d|'\d\d)(?!\d)")
_RANGE_AFTER = re.compile(
    rf"(?:st|nd|rd|th)?\s*{_TO}\s*(?:{_MONTH_WORD}\.?\s*)?\d", re.I
)
_RANGE_BEFORE = re.compile(
    rf"{_MONTH_WORD}\.?\s*\d{{1,2}}(?:st|nd|rd|th)?"
    r"(?:\s*,?\s*(?:(?:19|20)\d\d|'\d\d))?\s*"
    rf"{_TO}\s*"
    rf"(?:{_MONTH_WORD}\.?\s*)?$",
    re.I,
)


def is_date_day(text: str, start: int, end: int) -> bool:
    """Is the number at ``start:end`` the day of a date with a month name?

    "Oct 14, 2025", "Sept. 14, 2009", "14-Sep-2009", "Dec 12 - Dec 15": a day
    beside a month name, in a date with a year or in a range of dates. "Jan 23,
    curvy" and "ask for Jun, 24" are left alone: Jan, June, April and May are
    names too.
    """
    before = text[max(0, start - 24) : start]
    if _MONTH_BEFORE.search(before):
        return bool(
            _YEAR_AFTER.match(text, end)
            or _RANGE_AFTER.match(text, end)
            or _RANGE_BEFORE.search(before)
        )
    month = _MONTH_AFTER.match(text, end)
    return month is not None and _YEAR_AFTER.match(text, month.end()) is not None


def _full_year(digits: str, posted: dt.date) -> int:
    """A written year: "2007"; "'07" and "07" are 2007, or 19YY when 20YY is later
    than the post year."""
    value = int(digits.lstrip("'"))
    if len(digits.lstrip("'")) == 4:
        return value
    return 2000 + value if 2000 + value <= posted.year else 1900 + value


def _birth_readings(m: re.Match[str]) -> list[tuple[int | None, int | None]]:
    """The (month, day) readings of a birth date's numbers before its year.

    "03/2006": month 3. "8/14/2006": the first number is the month (US order)
    unless it is over 12: "14/03/2009" is day first. When both numbers can be
    the month ("05/06/2008"), both readings are returned and the caller keeps
    the younger age: the post does not say which order it uses, and a
    possible minor must not be hidden. No valid reading: the year alone.
    """
    a, b = m.group("a"), m.group("b")
    if a is None:
        return [(None, None)]
    first = int(a)
    if b is None:
        return [(first if 1 <= first <= 12 else None, None)]
    second = int(b)
    orders = [(first, second), (second, first)]
    if m.group("cue").lower().startswith(DAY_FIRST_CUES):
        orders = orders[1:]  # German, Russian: day first only
    readings = [
        (month, day) for month, day in orders if 1 <= month <= 12 and 1 <= day <= 31
    ]
    return list(dict.fromkeys(readings)) or [(None, None)]


def post_date(posted_at: str | None) -> dt.date | None:
    """The date of an ad's ``posted_at`` ("2026-03-14T21:05", "2026-03-14"), or None."""
    if not posted_at:
        return None
    try:
        return dt.date.fromisoformat(posted_at.strip()[:10])
    except ValueError:
        return None


def age_from_birth(
    year: int, month: int | None, posted: dt.date, day: int | None = None
) -> int:
    """The youngest age someone born in ``year`` (``month``, ``day``) is on ``posted``.

    With a full date of birth, the age on the post date. Otherwise post year -
    birth year - 1, unless the birth month is known and before the post month
    (the birthday has passed): then post year - birth year. A birth month equal
    to the post month without a day counts as not yet passed. The lower of the
    possible ages is reported because a missed minor costs more than a
    possible minor checked by a reviewer (docs/ads.md "Ages from a birth year").
    """
    age = posted.year - year - 1
    if month is not None and day is not None:
        if (month, day) <= (posted.month, posted.day):
            age += 1
    elif month is not None and month < posted.month:
        age += 1
    return age


def _month_number(word: str) -> int:
    """The number of a month name read by :data:`_MONTH`."""
    word = word.lower()
    return BIRTH_MONTHS.get(word) or GUARDED_MONTHS[word]


def _month_date(
    m: re.Match[str], text: str, posted: dt.date
) -> tuple[int, int | None, int | None] | None:
    """The (year, month, day) of a date of birth with its month as a word.

    A two-digit year without an apostrophe counts only after a day ("March 3,
    08"; "Dec 08" may be 8 December) and not before a unit ("3 March 10 min").
    A day the month does not have ("Feb 30, 2008") leaves the month and year.
    """
    groups = m.groupdict()
    if groups["y3"] is not None:
        return (
            _full_year(groups["y3"], posted),
            _month_number(groups["m3"]),
            None,
        )
    first = groups["month"] is not None
    year = groups["year"] if first else groups["y2"]
    short = groups["short"] if first else groups["s2"]
    if short is not None and not _bare_year_ends(text, m.end()):
        return None
    month = _month_number(groups["month"] if first else groups["m2"])
    digits = groups["day"] if first else groups["d2"]
    day = (
        int(digits)
        if digits is not None
        else ordinal_value(groups["wday"] if first else groups["wd2"]) or 0
    )
    full = _full_year(year, posted)
    try:
        dt.date(full, month, day)
    except ValueError:
        return full, month, None
    return full, month, day


def _numbered_date(
    m: re.Match[str], posted: dt.date
) -> tuple[int, int | None, int | None] | None:
    """The (year, month, day) of a Vietnamese or Chinese date of birth.

    A month outside 1-12 gives nothing; a day the month does not have leaves
    the month and year; a two-digit year is read as :func:`_full_year` does.
    """
    for y, mo, d in (("vy", "vm", "vd"), ("zy", "zm", "zd"), ("zy2", "zm2", "zd2")):
        if m.group(y) is None:
            continue
        year = zh_number(m.group(y))
        month = zh_number(m.group(mo)) if m.group(mo) else None
        day = zh_number(m.group(d)) if m.group(d) else None
        if year is None or (month is not None and not 1 <= month <= 12):
            return None
        if year < 100:
            year = _full_year(f"{year:02d}", posted)
        if not 1900 <= year <= 2099:
            return None
        if month is not None and day is not None:
            try:
                dt.date(year, month, day)
            except ValueError:
                day = None
        return year, month, day
    return None


def find_birth_ages(
    text: str,
    posted: dt.date,
    lower: str | None = None,
    bounds: tuple[int, int] = (12, 60),
) -> list[Span[int]]:
    """Ages from birth years and dates of birth, on the post date.

    Args:
        text: Numeric view of the ad text.
        posted: The date the ad was posted.
        lower: The lower-cased text, if the caller has it.
        bounds: The lowest and highest age read.

    Returns:
        Age hits with spans in ``text``; a birth year after the post date or
        giving an age outside ``bounds`` gives none.
    """
    folded = lower if lower is not None else text.lower()
    if not any(map(folded.__contains__, _BIRTH_CUES)):
        return []
    low, high = bounds
    hits: list[Span[int]] = []
    read = Cover()
    for m in _BIRTH_MONTH.finditer(text):
        date = _month_date(m, text, posted)
        if date is None:
            continue
        read.add(m.start(), m.end())
        age = age_from_birth(date[0], date[1], posted, date[2])
        if low <= age <= high:
            hits.append(Span(age, m.start(), m.end()))
    has_numbered = "sinh" in folded or "生" in text
    for m in _BIRTH_NUMBERED.finditer(text) if has_numbered else ():
        date = _numbered_date(m, posted)
        if date is None or read.covers(m.start()):
            continue
        read.add(m.start(), m.end())
        age = age_from_birth(date[0], date[1], posted, date[2])
        if low <= age <= high:
            hits.append(Span(age, m.start(), m.end()))
    for m in _BIRTH_YEAR_FIRST.finditer(text):
        if read.covers(m.start()):
            continue
        month, day = int(m.group("month")), int(m.group("day"))
        try:
            dt.date(int(m.group("year")), month, day)
        except ValueError:
            continue  # no such date: the year alone, read below
        read.add(m.start(), m.end())
        age = age_from_birth(int(m.group("year")), month, posted, day)
        if low <= age <= high:
            hits.append(Span(age, m.start(), m.end()))
    for m in _BIRTH.finditer(text):
        if read.covers(m.start()):
            continue
        written = m.group("year")
        if len(written) == 2:
            # A bare two-digit year: after a full date ("12/25/08"), or right
            # after "born" before punctuation or a word that is no unit
            # ("born 09,", "born 05 in Texas"; not "born 10 min away").
            dated = m.group("b") is not None
            bare = m.group("a") is None and m.group("cue").lower().startswith("born")
            if not (dated or (bare and _bare_year_ends(text, m.end()))):
                continue
        elif written.startswith("'") and m.group("a") is not None:
            continue  # "3/'07" is no date
        year = _full_year(written, posted)
        ages = [
            age_from_birth(year, month, posted, day)
            for month, day in _birth_readings(m)
        ]
        age = min(ages)
        if low <= age <= high:
            hits.append(Span(age, m.start(), m.end()))
    return hits
