"""Words of dates of birth in more languages: months, days, Chinese numerals (private).

Tables for :mod:`nowrongdoor.ads._births`, read only after a birth cue. The
languages besides English, Spanish, Portuguese and French (read since batches
6 and 7) are a judgement, not a measurement: Chinese, the language of many ads
for massage businesses and their workers (Polaris, *Human Trafficking in
Illicit Massage Businesses*, 2018), and Italian, German and Russian, European
languages of escort listings in US cities. docs/evaluation.md, batch 13, says
what is left out.
"""

from __future__ import annotations

from nowrongdoor.text import normalize

__all__ = [
    "DAY_FIRST_CUES",
    "FOREIGN_DAYS",
    "FOREIGN_MONTHS",
    "GUARDED_MONTHS",
    "RUSSIAN_CUES",
    "ZH_DIGITS",
    "ZH_NUMERAL",
    "numbered",
    "zh_number",
]


def _fold(word: str) -> str:
    """A word as the ad's normalised text spells it: Cyrillic letters shaped like
    Latin ones ("р", "о", "а", "с", "е") are folded to them there."""
    return normalize(word).text.lower()


def numbered(*rows: str) -> dict[str, int]:
    """Words to numbers: the words of row k (space-separated) are number k + 1,
    spelled as the normalised text spells them (:func:`_fold`)."""
    return {
        _fold(name): number
        for number, names in enumerate(rows, 1)
        for name in names.split()
    }


#: Month names in Italian (full, and the abbreviations of the Accademia della
#: Crusca's usage: "gen.", "feb.", "mag.", "giu.", "lug.", "ott.", "dic."),
#: German (Duden: "Januar" / "Jänner", "März" / "Maerz", "Okt.", "Dez.") and
#: Russian in the genitive, the case a date uses ("5 мая 2008"; Rosenthal,
#: *Справочник по правописанию и стилистике*, § "даты"). Italian "set" and
#: "ott", German "mai" and "dez" are already in the Portuguese and Spanish
#: rows of the caller's table.
FOREIGN_MONTHS: dict[str, int] = numbered(
    "gennaio gen januar jänner jaenner января янв",
    "febbraio februar февраля фев",
    "märz maerz marz mär марта мар",
    "aprile апреля апр",
    "maggio mag мая",
    "giugno giu juni июня",
    "luglio lug juli июля",
    "agosto августа авг",
    "settembre сентября сен сент",
    "ottobre ott oktober okt октября окт",
    "novembre ноября ноя",
    "dicembre dezember декабря дек",
)

#: Month abbreviations that are also everyday words, read as a month only where
#: a date shows them to be one: Portuguese "out." (outubro; ABNT NBR 6023) is
#: the English "out", so it is a month only before a period, a slash or a
#: hyphen ("3 de out. de 2008", "03/out/2008", "22-out-2007"), before a
#: four-digit year ("3 out 2009") or after "de" ("9 de out de 2008"); "out of
#: town 3 days" stays English.
GUARDED_MONTHS: dict[str, int] = {"out": 10}

# French cardinal days 1-31 (Académie française, *Dictionnaire*, "vingt",
# "et"; the 1990 spelling reform's hyphens, "vingt-et-un", are accepted too)
# and the Italian "primo" (the first of the month: "il primo aprile").
_FR_UNITS = "un deux trois quatre cinq six sept huit neuf".split()
_FR_TEENS = "dix onze douze treize quatorze quinze seize".split()


def _french_days() -> dict[str, int]:
    """French day words 1-31, multi-word ones joined by hyphens."""
    days: dict[str, int] = {}
    for value, word in enumerate(_FR_UNITS + _FR_TEENS, start=1):
        days[word] = value
    for value, unit in ((17, "sept"), (18, "huit"), (19, "neuf")):
        days[f"dix-{unit}"] = value
    for tens, word in ((20, "vingt"), (30, "trente")):
        days[word] = tens
        days[f"{word}-et-un"] = tens + 1
        if tens == 20:
            for value, unit in enumerate(_FR_UNITS[1:], start=2):
                days[f"{word}-{unit}"] = tens + value
    return days


#: Day words to numbers (multi-word days joined by hyphens: "vingt-et-un").
FOREIGN_DAYS: dict[str, int] = _french_days() | {"primo": 1}

#: Birth cues whose language writes all-numeric dates day first only (German,
#: DIN 5008; Russian, GOST R 7.0.97): "Geburtsdatum: 05.03.2009" is 5 March.
#: After other cues a date whose first two numbers can both be the month is
#: read both ways (the caller keeps the younger age).
DAY_FIRST_CUES = ("geb", "jahrgang", *map(_fold, ("родил", "дата", "год")))

#: Russian birth cues, as a regular expression over the normalised text:
#: "родилась" / "родился" (was born), "дата рождения" (date of birth), "год
#: рождения" (year of birth).
RUSSIAN_CUES = (
    rf"{_fold('родил')}(?:{_fold('ась')}|{_fold('ся')})|"
    rf"(?:{_fold('дата')}|{_fold('год')})\s+{_fold('рождения')}"
)

#: Chinese digits, with 〇 and 零 (and the circle ○ often typed for 〇) for 0
#: and 两 for 2.
ZH_DIGITS: dict[str, int] = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
#: One Chinese numeral character: a digit, 十 (ten), 廿 (twenty), 卅 (thirty).
ZH_NUMERAL = "[" + "".join(ZH_DIGITS) + "十廿卅]"


def zh_number(written: str) -> int | None:
    """The value of a number in Chinese numerals or ASCII digits.

    A year is written digit by digit ("二〇〇八" 2008, "零八" 8); a month or
    day with 十 ("十" 10, "十二" 12, "二十一" 21, "廿一" 21, "三十" 30).
    """
    if written.isdigit() and written.isascii():
        return int(written)
    if all(ch in ZH_DIGITS for ch in written):
        return int("".join(str(ZH_DIGITS[ch]) for ch in written))
    tens_marks = {"十": None, "廿": 2, "卅": 3}
    mark = next((ch for ch in written if ch in tens_marks), None)
    if mark is None or written.count(mark) != 1:
        return None
    head, _, tail = written.partition(mark)
    if mark == "十":
        if len(head) > 1 or (head and head not in ZH_DIGITS):
            return None
        tens = ZH_DIGITS[head] if head else 1
    elif head:
        return None
    else:
        tens = tens_marks[mark] or 0
    if len(tail) > 1 or (tail and tail not in ZH_DIGITS):
        return None
    return tens * 10 + (ZH_DIGITS[tail] if tail else 0)
