"""Phone and age forms of batches 4, 6 and 7 of the obfuscated set, written apart.

Each case is one rule (docs/ads.md); the set itself is
tests/data/ads_obfuscated.jsonl (README tests/data/ads_obfuscated.md).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from nowrongdoor.ads import extract
from nowrongdoor.ads._birth_words import zh_number
from nowrongdoor.ads._births import BIRTH_MONTHS, MONTHS, ordinal_value
from nowrongdoor.ads._evaluate import evaluate_records
from nowrongdoor.ads._numbers import age_from_birth

SET = Path(__file__).resolve().parents[1] / "data" / "ads_obfuscated.jsonl"


def _x(text: str, posted_at: str | None = None) -> dict:
    return extract(text, posted_at=posted_at, use_lexicon=False)


@pytest.mark.parametrize(
    ("written", "phones"),
    [
        ("\u2479\u2474\u2476 \u2478\u2478\u2478 0\u2475\u2476\u247a", ["+16135550237"]),
        ("\u248f\u2488\u248a.\u248c\u248c\u248c.0\u2489\u248d\u248f", ["+18135550268"]),
        (
            "\u278f\u278a\u278c \u278e\u278e\u278e \U0001f10c\u278b\u278d\u2791",
            ["+16135550248"],
        ),
        (
            "\u0e58\u0e51\u0e53 \u0e55\u0e55\u0e55 \u0e50\u0e52\u0e54\u0e56",
            ["+18135550246"],
        ),
    ],
)
def test_phones_in_digit_forms_nfkc_leaves(written: str, phones: list[str]) -> None:
    assert _x(written)["phones"] == phones


@pytest.mark.parametrize(
    ("written", "phones"),
    [
        ("cuatro uno cinco, cinco cinco cinco, cero dos ocho ocho", ["+14155550288"]),
        ("whats: nove um seis 555 zero tres tres sete", ["+19165550337"]),
        ("tres amigas, dos horas, cinco estrellas, uno mas", []),
    ],
)
def test_phones_in_spanish_and_portuguese_words(
    written: str, phones: list[str]
) -> None:
    assert _x(written)["phones"] == phones


@pytest.mark.parametrize(
    ("written", "phones"),
    [
        ("text 6 1 5 dot 5 5 5 dot 0 2 7 7", ["+16155550277"]),
        (
            "eight one three hyphen five five five hyphen zero two six six",
            ["+18135550266"],
        ),
        ("615 space 555 space 0277", ["+16155550277"]),
        ("4 point 5 stars, 2 dot 0 update, 150 dash 200", []),
    ],
)
def test_separators_written_as_words(written: str, phones: list[str]) -> None:
    assert _x(written)["phones"] == phones


@pytest.mark.parametrize(
    ("written", "phones"),
    [
        ("call 8lS.SSS.OZgZ", ["+18155550292"]),
        ("(g1Z) SSS-OZgS", ["+19125550295"]),
        ("ll2 SSS OZgZ", []),  # area code 112 does not exist
    ],
)
def test_numbers_written_in_letters(written: str, phones: list[str]) -> None:
    assert _x(written)["phones"] == phones


@pytest.mark.parametrize(
    ("written", "phones"),
    [
        ("invoice no. 615-555-0277", []),
        ("tracking number: 6155550277", []),
        ("Ticket #615 555 0277", []),
        ("my # 615 555 0277", ["+16155550277"]),
        ("new number 615 555 0277", ["+16155550277"]),
    ],
)
def test_identifier_labels(written: str, phones: list[str]) -> None:
    assert _x(written)["phones"] == phones


@pytest.mark.parametrize(
    ("written", "ages"),
    [
        ("she is 15, shy", [15]),
        ("shes 17 and new", [17]),
        ("he's only 16", [16]),
        ("she's 5'7 135lbs", []),
        ("she is 100% legit", []),
        ("she's 15 min away", []),
        ("she is 21+ only", []),
        ("tengo dieciséis años", [16]),
        ("Lina, 20 años", [20]),
        ("vinte e tres anos", [23]),
        ("12 años de experiencia", []),
        ("edad 16", [16]),
        ("\u2474\u247a y/o", [17]),
        ("models 18-24 wanted", []),
        ("girls 19-23 needed", []),
        ("girls 19-23 available", [19, 23]),
    ],
)
def test_age_cues(written: str, ages: list[int]) -> None:
    assert _x(written)["ages"] == ages


@pytest.mark.parametrize(
    ("written", "posted_at", "ages"),
    [
        ("born in '10", "2026-07-01", [15]),
        ("born 10, shy", "2026-07-01", [15]),
        ("b. '10", "2026-07-01", [15]),
        ("born 10 min away", "2026-07-01", []),
        ("since '10, est. '10", "2026-07-01", []),
        ("DOB 23/08/2009", "2026-07-01", [16]),  # day first: 23 is no month
        ("DOB 23/05/2009", "2026-07-01", [17]),
        ("DOB 23/06/2009", "2026-06-30", [17]),  # the day counts: birthday passed
        ("DOB 30/06/2009", "2026-06-23", [16]),
        ("dob 06/07/2009", "2026-06-20", [16]),  # June 7 or July 6: the younger
        ("dob 06/07/2009", "2026-07-20", [17]),  # both passed
        ("born 11/20/09", "2026-07-01", [16]),  # a two-digit year after a date
        ("born '07", None, []),
        # year first is ISO 8601 order, year-month-day: one reading, to the day
        ("DOB: 2009-06-30", "2026-06-23", [16]),
        ("dob 2009/06/20, new here", "2026-06-23", [17]),
        ("born 2009.12.01", "2026-07-01", [16]),
        ("DOB 2009-13-01", "2026-07-01", [16]),  # no month 13: the year alone
        # the other ways a date of birth is labelled
        ("date of birth 14/03/2009", "2026-07-01", [17]),
        ("Birthdate: 2010-01-15", "2026-07-01", [16]),
        ("birthday 15/01/2010 call me", "2026-07-01", [16]),
        ("birthday special 2 for 1", "2026-07-01", []),
    ],
)
def test_birth_dates(written: str, posted_at: str | None, ages: list[int]) -> None:
    assert _x(written, posted_at)["ages"] == ages


@pytest.mark.parametrize(
    ("written", "posted_at", "ages"),
    [
        # the month as a word, English: month first, day first, ordinals, periods
        ("born June 9, 2009 xo", "2026-06-09", [17]),  # the birthday itself
        ("born June 9, 2009 xo", "2026-06-08", [16]),
        ("DOB: 9 June 2009", "2026-06-10", [17]),
        ("b. Jun 9th 2009", "2026-01-01", [16]),
        ("born 9th of June '09 sweet", "2026-07-01", [17]),
        ("DOB Aug. 30, 2010", "2026-08-29", [15]),
        ("date of birth: the 2nd of Feb 2008", "2026-02-02", [18]),
        ("born on Oct 31st, 2009", "2026-11-01", [17]),
        ("DOB 07-Jul-2008", "2026-07-06", [17]),
        ("born FEBRUARY 14 2011", "2026-03-01", [15]),
        ("birthday: Sept 1 '07", "2026-09-01", [19]),
        # Spanish: "de" / "del" between the parts, "el" / "en" after the cue
        ("nacida el 2 de julio de 2009", "2026-07-01", [16]),
        ("nacido el 2 de julio del 2009", "2026-07-02", [17]),
        ("nací el 11 de nov. de 2008", "2026-12-01", [18]),
        ("fecha de nacimiento: 3 de agosto de 2010", "2026-08-04", [16]),
        ("fecha de nacimiento 02/11/2009", "2026-06-01", [16]),  # 2 Nov or Feb 11
        ("nací en 2008", "2026-06-01", [17]),
        # month and year only: the youngest age (docs/ads.md)
        ("born Oct 2008", "2026-09-01", [17]),
        ("born Oct 2008", "2026-11-01", [18]),
        ("born in October of 2008", "2026-10-15", [17]),  # same month: not passed
        ("nacida en octubre de 2008", "2026-11-01", [18]),
        ("DOB: Feb. '09", "2026-03-01", [17]),
        ("DOB Feb 30, 2008", "2026-03-01", [18]),  # no 30 Feb: month and year
        # a bare two-digit year before a word
        ("born 04 in Ohio", "2026-06-01", [21]),
        ("born 08 and raised in Reno", "2026-06-01", [17]),
        ("born 98 in NYC", "2026-06-01", [27]),
        ("born 10 mins from the strip", "2026-06-01", []),
        ("born 11 miles out", "2026-06-01", []),
        ("born 12 weeks early", "2026-06-01", []),
        ("born 9 2 love", "2026-06-01", []),
        ("born 10 Oct, new", "2026-06-01", []),  # a day and a month, no year
        # dates that are no birth: no cue before them
        ("available June 9, 2026", "2026-06-01", []),
        ("here since Oct 2018", "2026-06-01", []),
        ("in town Jun 9 - Jun 12 only", "2026-06-01", []),
        ("desde el 9 de junio de 2026", "2026-06-01", []),
        ("born and raised, June 2010 grad", "2026-06-01", []),
        ("my birthday is June 9th", "2026-06-01", []),
        ("reborn Oct 2024", "2026-06-01", []),
        ("updated Nov 14, 2025 - Nov 20", "2026-06-01", []),
        # batch 7: English days as ordinal words or words, and the "bday" cue
        ("born the ninth of May 2010", "2026-05-08", [15]),
        ("DOB: the twenty-second of June, 2008", "2026-06-22", [18]),
        ("b. October thirtieth 2009", "2026-11-01", [17]),
        ("born on the eleventh of Jan '10", "2026-01-10", [15]),
        ("b-day: 2nd of April 2009", "2026-04-03", [17]),
        ("bday 11/30/09 new", "2026-12-01", [17]),
        ("bday is June 5th 2010", "2026-06-04", [15]),
        # Portuguese, French, Spanish word days
        ("nascida em 9 de agosto de 2008", "2026-08-08", [17]),
        ("nasceu no dia 3 de setembro de 2009", "2026-09-03", [17]),
        ("nascida em janeiro de 2010", "2026-03-01", [16]),
        ("née le 5 juillet 2009", "2026-07-06", [17]),
        ("née le 1er décembre 2008", "2026-11-30", [17]),
        ("née en février 2009", "2026-02-10", [16]),
        ("nacida el tres de junio de 2009", "2026-06-03", [17]),
        ("nascida em primeiro de outubro de 2008", "2026-09-30", [17]),
        ("nascida em 1º de agosto de 2009", "2026-08-01", [17]),
        ("nasceu em 2 de novembro de 2009", "2026-11-03", [17]),
        # Vietnamese and Chinese
        ("sinh ngay 2 thang 9 nam 2009", "2026-09-01", [16]),
        ("sinh năm 2010", "2026-06-01", [15]),
        ("出生于2009年8月", "2026-09-01", [17]),
        ("2010年5月6日生まれ", "2026-05-06", [16]),
        # no birth: no cue, no year, a month that is a word elsewhere
        ("open the second of May 2026 only", "2026-04-01", []),
        ("disponible le 3 mai 2026", "2026-04-01", []),
        ("bday special, 2 girls", "2026-04-01", []),
        ("born 05 out of Ohio", "2026-04-01", [20]),  # "out" is no month here
        ("2026年5月开业", "2026-04-01", []),
    ],
)
def test_birth_dates_with_month_names(
    written: str, posted_at: str, ages: list[int]
) -> None:
    assert _x(written, posted_at)["ages"] == ages


@pytest.mark.parametrize(
    ("written", "ages"),
    [
        ("in town Jun 19 - Jun 22, incall", []),  # a range of dates
        ("in town Jun 19 - 22 only", []),
        ("pics taken Aug 16, 2025", []),  # a date with its year
        ("pics from 16-Aug-2025", []),
        ("Jan 23, curvy", [23]),  # Jan is a name too: no date without a year
        ("ask for Jun, 24.", [24]),
        ("Mya - 22 - Dec special", [22]),
    ],
)
def test_a_day_beside_a_month_name_is_no_age(written: str, ages: list[int]) -> None:
    assert _x(written)["ages"] == ages


def test_month_names() -> None:
    assert MONTHS["sept"] == MONTHS["septiembre"] == MONTHS["set"] == 9
    assert MONTHS["ene"] == MONTHS["january"] == 1
    assert MONTHS["dic"] == MONTHS["dec"] == 12
    assert len(set(MONTHS.values())) == 12


def test_age_from_a_full_date_of_birth() -> None:
    posted = dt.date(2026, 3, 20)
    assert age_from_birth(2009, 3, posted, 14) == 17  # 14 March has passed
    assert age_from_birth(2009, 3, posted, 20) == 17  # the birthday itself
    assert age_from_birth(2009, 3, posted, 21) == 16
    assert age_from_birth(2009, 3, posted) == 16  # no day: maybe not yet


@pytest.mark.parametrize(
    ("written", "ages"),
    [
        ("turning 16 on sunday", [15]),
        ("gonna turn 18 soon", [17]),
        ("he turns 17 tomorrow", [16]),
        ("turning 18 today, come celebrate", [18]),
        ("turning nineteen in june", [18]),
        ("just turned 17", [17]),
        ("had my 17th birthday yesterday", [17]),
        ("it's my eighteenth bday", [18]),
        ("my 16th birthday is tomorrow", [15]),
        ("my twenty-first birthday is next month", [20]),
        ("my 16th birthday", []),  # passed or to come: not said
        ("in my 17th year", []),
        ("your 21st birthday party", []),
        ("turning 30 min from downtown", []),
        ("turn 18 and get in free", []),
        ("the twenty-first of the month", []),
        ("Kandi, 20, first time here", [20]),
    ],
)
def test_ages_said_as_phrases(written: str, ages: list[int]) -> None:
    assert _x(written)["ages"] == ages


def test_ordinal_and_day_words() -> None:
    assert ordinal_value("fourth") == 4
    assert ordinal_value("20-first") == ordinal_value("twenty first") == 21
    assert ordinal_value("thirtieth") == 30
    assert ordinal_value("primeiro") == ordinal_value("premier") == 1
    assert ordinal_value("nueve") == ordinal_value("nove") == 9
    assert ordinal_value("century") is None
    assert BIRTH_MONTHS["março"] == BIRTH_MONTHS["mars"] == 3
    assert BIRTH_MONTHS["déc"] == BIRTH_MONTHS["dezembro"] == 12
    assert BIRTH_MONTHS["novembro"] == BIRTH_MONTHS["novembre"] == 11
    assert "out" not in BIRTH_MONTHS and "mars" not in MONTHS
    assert len(set(BIRTH_MONTHS.values())) == 12


@pytest.mark.parametrize(
    ("written", "posted_at", "ages"),
    [
        # Portuguese "out." is October only where a date shows it
        ("nascida em 2 de out. de 2009", "2026-10-01", [16]),
        ("DN: 15-out-2008", "2026-10-20", [18]),
        ("nasci em out. 2009", "2026-11-01", [17]),
        ("born 07 out of Texas", "2026-04-01", [18]),
        ("nasci em SP, out 3 dias", "2026-04-01", []),
        ("a partir de 2 de out. de 2026", "2026-04-01", []),
        # French days as words
        ("née le vingt-neuf février 2008", "2026-03-01", [18]),
        ("née le trente et un janvier 2010", "2026-03-01", [16]),
        ("née le six juillet 2009", "2026-03-01", [16]),
        ("libre le six juillet 2026", "2026-03-01", []),
        # Chinese numerals, full-width digits
        ("一九九九年八月出生", "2026-03-01", [26]),
        ("出生日期：二〇一〇年二月廿八日", "2026-03-01", [16]),
        ("生日 ０９年１２月", "2026-03-01", [16]),
        ("我二〇〇九年生的", "2026-03-01", [16]),
        ("二〇二六年八月来", "2026-03-01", []),
        # Spanish ordinal days, Italian, German, Russian
        ("nacida el 2do de julio de 2009", "2026-03-01", [16]),
        ("nato il 30 ottobre 2008", "2026-03-01", [17]),
        ("NATO 2008 summit", "2026-03-01", []),
        ("geboren am 1. Jänner 2009", "2026-03-01", [17]),
        ("Geburtsjahr 2007", "2026-03-01", [18]),
        ("geb. 06.03.2009", "2026-03-20", [17]),  # German: 6 March, day first
        ("DOB 06.03.2009", "2026-03-20", [16]),  # elsewhere: June 3 is younger
        ("Родилась 30 июня 2009", "2026-03-01", [16]),
        ("год рождения 2008", "2026-03-01", [17]),
        ("буду 5 июня 2026", "2026-03-01", []),
        # batch 14's misses: a word between the cue and a year, "nascimento",
        # "out" before a year, the form label 出生年月
        ("nascida em 2009", "2026-03-01", [16]),
        ("née en 2008", "2026-03-01", [17]),
        ("родился в 2007", "2026-03-01", [18]),
        ("Nascimento 14 out 2008", "2026-03-01", [17]),
        ("out 2009 tour dates", "2026-03-01", []),
        ("出生年月日：2009年1月2日", "2026-03-01", [17]),
    ],
)
def test_birth_dates_in_more_languages(
    written: str, posted_at: str, ages: list[int]
) -> None:
    assert _x(written, posted_at)["ages"] == ages


def test_more_languages_tables() -> None:
    assert ordinal_value("vingt et un") == ordinal_value("vingt-et-un") == 21
    assert ordinal_value("dix sept") == 17 and ordinal_value("primo") == 1
    assert BIRTH_MONTHS["maggio"] == BIRTH_MONTHS["mai"] == 5
    assert BIRTH_MONTHS["okt"] == BIRTH_MONTHS["ottobre"] == 10
    assert zh_number("二〇〇八") == 2008 and zh_number("二十一") == 21
    assert zh_number("十二") == 12 and zh_number("十十") is None


def _batch(number: int) -> list:
    from nowrongdoor.ads import iter_ads

    return [
        ad for ad in iter_ads(SET) if ad.extra.get("meta", {}).get("batch") == number
    ]


# Measured 2026-12-07 (docs/evaluation.md, "Batch 4"): batch 4 (153 snippets, 75
# phones, 54 ages) 1.000 / 1.000 on both after its rules; batch 5 (44 snippets, 20
# phones, 15 ages, held out) phones 1.000 / 1.000, ages 1.000 / 1.000 after the
# "wanted" rule (0.882 / 1.000 on its one held-out run). One invented or lost value
# fails here. Batch 6 (78 snippets, 6 phones, 52 ages: dates of birth with month
# names, month and year, a bare two-digit year before a word, and dates that are no
# birth): ages 0.143 / 0.019 (1, 6, 51) before its rules, 1.000 / 1.000 after.
# Batch 7 (94 snippets, 7 phones, 65 ages: word and ordinal days, Portuguese,
# French, Vietnamese and Chinese dates, age phrases, 28 near misses): ages 0.364 /
# 0.062 (4, 7, 61) before its rules, 1.000 / 1.000 after. Batch 8 (34 snippets,
# 2 phones, 24 ages, held out): ages 1.000 / 0.958 (23, 0, 1) on its one run
# (Portuguese "novembro" was missing from the month table), 1.000 / 1.000 after.
# Batch 9 (30 snippets, 12 ages: age limits in English, Spanish and Portuguese, some
# beside a real age): ages 0.353 / 1.000 (12, 22, 0) before the age-limit rule,
# 1.000 / 1.000 after. Batch 10 (19 snippets, 12 ages, 4 phones: backpage-style
# titles run into the next field's label, "Latina - 21 Date: Dec 05", and labels
# that are units): ages 1.000 / 0.083 (1, 0, 11) before its rule, 1.000 / 1.000 after.
# Batch 11 (28 snippets, 14 ages: limits after the number, "18yrs+", "21 and up",
# "años y más", "pra cima", beside real ages, and near misses): ages 0.481 / 0.929
# (13, 14, 1) before the limit patterns were merged, 1.000 / 1.000 after. Batch 12
# (33 snippets, 17 ages: heights without their marks, "im 56 very petite", real
# ages beside heights, older posters): ages 0.739 / 1.000 (17, 6, 0) before the
# height rule, 1.000 / 1.000 after.
# Batch 13 (70 snippets, 3 phones, 51 ages: Portuguese "out.", French days as
# words, Chinese numerals, Spanish "1ro", Italian, German and Russian dates of
# birth, 20 near misses): ages 0.900 / 0.176 (9, 1, 42) before its rules, 1.000 /
# 1.000 after. Batch 14 (37 snippets, 2 phones, 28 ages, held out): ages 1.000 /
# 0.893 (25, 0, 3) on its one run, 1.000 / 1.000 after.


@pytest.mark.parametrize(
    ("number", "ads"),
    [
        (4, 153),
        (5, 44),
        (6, 78),
        (7, 94),
        (8, 34),
        (9, 30),
        (10, 19),
        (11, 28),
        (12, 33),
        (13, 70),
        (14, 37),
    ],
)
def test_batch_floors(number: int, ads: int) -> None:
    report = evaluate_records(_batch(number))
    assert report.ads == ads
    phones, ages = report.fields["phones"], report.fields["ages"]
    assert phones.fp == 0 and phones.fn == 0, phones.as_dict()
    assert ages.fp == 0 and ages.fn == 0, ages.as_dict()
