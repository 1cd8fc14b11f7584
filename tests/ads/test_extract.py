"""Extraction of each field, robust to obfuscation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nowrongdoor.ads import OUTPUT_KEYS, explain, extract

KEYCAP = "\ufe0f\u20e3"


def _x(text: str, **kwargs: object) -> dict:
    return extract(text, use_lexicon=False, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "written",
    [
        "903-312-1887",
        "(903) 312-1887",
        "903.312.1887",
        "9033121887",
        "+1 903 312 1887",
        "1-903-312-1887",
        "9 0 3 3 1 2 1 8 8 7",
        "nine0three 3l2 one8eight7",
        "9O3 3l2 I887",
        "nine zero three three one two one eight eight seven",
        "NINE ZERO THREE THREE ONE TWO ONE EIGHT EIGHT SEVEN",
        "n1ne zer0 thr33 3 won too 1 ate 8 sev3n",
        " ".join("".join(d + KEYCAP for d in g) for g in ("903", "312", "1887")),
        "\uff19\uff10\uff13-\uff13\uff11\uff12-\uff11\uff18\uff18\uff17",
        "\u2468\u24ea\u2462 \u2462\u2460\u2461 \u2460\u2467\u2467\u2466",
        "9\u200b0\u200b3\u200b3\u200b1\u200b2\u200b1\u200b8\u200b8\u200b7",
        "903*312*1887",
        "903  .  312  .  1887",
        "903 \u2b50 312 \u2b50 1887",
    ],
)
def test_phone_styles(written: str) -> None:
    assert _x(f"new in town, call {written} now")["phones"] == ["+19033121887"]


@pytest.mark.parametrize(
    "written",
    ["123-456-7890", "555-555-5555", "000-000-0000", "(111) 222-3333", "214-555-0123"],
)
def test_impossible_phones_rejected(written: str) -> None:
    assert _x(f"Reference {written}.")["phones"] == []


def test_phone_next_to_other_numbers() -> None:
    record = _x("Post ID 25265660 call 903 312 1887 for 80hh")
    assert record["phones"] == ["+19033121887"]
    assert record["rates"] == [{"amount": 80.0, "minutes": 30}]


def test_international_number() -> None:
    assert _x("whatsapp +44 7911 123456")["phones"] == ["+447911123456"]


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("mail me ashlee22@gmail.com", "ashlee22@gmail.com"),
        ("Ashlee22 at Gmail dot com", "ashlee22@gmail.com"),
        ("candy (at) yahoo (dot) com", "candy@yahoo.com"),
        ("candy [at] outlook [dot] com", "candy@outlook.com"),
    ],
)
def test_emails(text: str, email: str) -> None:
    assert _x(text)["emails"] == [email]


def test_at_in_ordinary_english_is_not_an_email() -> None:
    assert _x("meet me at home dot com is my site")["emails"] == []


@pytest.mark.parametrize(
    ("text", "handle"),
    [
        ("IG: Candy.Vip", "instagram:candy.vip"),
        ("insta @candy_22", "instagram:candy_22"),
        ("snap me: peachez_xo", "snapchat:peachez_xo"),
        ("sc - bella22", "snapchat:bella22"),
        ("kik: lilbaby_ash", "kik:lilbaby_ash"),
        ("telegram: @brandy.vip", "telegram:brandy.vip"),
        ("https://t.me/brandyvip", "telegram:brandyvip"),
        ("twitter @jadexo", "twitter:jadexo"),
        ("OF: mayaxo", "onlyfans:mayaxo"),
        ("onlyfans.com/mayaxo", "onlyfans:mayaxo"),
    ],
)
def test_handles(text: str, handle: str) -> None:
    assert _x(text)["handles"] == [handle]


def test_platform_word_inside_name_is_not_a_handle() -> None:
    assert _x("ask for Kiki tonight")["handles"] == []


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("I'm 17", 17),
        ("im 16 yo", 16),
        ("sixteen years old", 16),
        ("sevnteen yrs old", 17),
        ("fifteen y/o", 15),
        ("age: 14", 14),
        ("Age thirteen", 13),
        ("l6 yo", 16),
        ("I'm l7", 17),
        ("6teen", 16),
        ("just turned 18", 18),
        ("barely eighteen", 18),
        ("12-year-old", 12),
        ("twenty-two yo", 22),
        ("Poster's age: 30", 30),
        ("I am Nadia, 32, independent", 32),
        ("ebony doll 24 yrs", 24),
    ],
)
def test_ages_including_minors(text: str, age: int) -> None:
    assert _x(text)["ages"] == [age]


@pytest.mark.parametrize(
    "text",
    [
        "I'm 5'4\" and 120 lbs",
        "I am 100% real",
        "15 years experience",
        "available 24 hrs",
        "I'm 11",  # under the 12-60 range the extractor reads
    ],
)
def test_not_ages(text: str) -> None:
    assert _x(text)["ages"] == []


def test_title_age_and_poster_age() -> None:
    record = _x("call me", title="Sweet and fun - 19", poster_age="19")
    assert record["ages"] == [19]
    codes = {i["code"] for i in record["indicators"]}
    assert "age_18_19" in codes


@pytest.mark.parametrize(
    ("text", "rates"),
    [
        ("80hh 160 hr", [(80, 30), (160, 60)]),
        ("hh 80 hr 150", [(80, 30), (150, 60)]),
        ("qv 60, qk 70", [(60, 15), (70, 15)]),
        ("$150/hr", [(150, 60)]),
        ("150 roses per hour", [(150, 60)]),
        ("half hour - 100, full hour - 180", [(100, 30), (180, 60)]),
        ("2 hrs 300", [(300, 120)]),
        ("200 donation", [(200, None)]),
        ("90 minutes $110", [(110, 90)]),
        ("hh/80 h/150", [(80, 30), (150, 60)]),
    ],
)
def test_rates(text: str, rates: list[tuple[int, int | None]]) -> None:
    got = [(r["amount"], r["minutes"]) for r in _x(text)["rates"]]
    assert got == [(float(a), m) for a, m in rates]


@pytest.mark.parametrize(
    "text", ["available 24 hr", "2012 Honda, 98,000 miles, $6,500", "5'4 120 lbs"]
)
def test_not_rates(text: str) -> None:
    assert _x(text)["rates"] == []


def test_locations_and_area_code_state() -> None:
    record = _x("visiting Atlanta, GA this week. call 903-312-1887")
    assert record["locations"] == [
        {"city": "Atlanta", "state": "GA"},
        {"city": None, "state": "TX"},
    ]


def test_same_named_city_resolved_by_area_code() -> None:
    record = _x("in Columbus tonight, call 706-555-2398")
    assert {"city": "Columbus", "state": "GA"} in record["locations"]


def test_everyday_word_city_needs_a_cue() -> None:
    assert _x("I love my Mobile phone")["locations"] == []
    assert _x("in Mobile, AL tonight")["locations"] == [
        {"city": "Mobile", "state": "AL"}
    ]


def test_metadata_city_and_state() -> None:
    record = _x("call me", city="gary", state="Indiana")
    assert record["locations"] == [{"city": "Gary", "state": "IN"}]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Hello fellas Im Ashlee I'm a friendly bombshell", ["Ashlee"]),
        ("ask for Candy or Lexi", ["Candy", "Lexi"]),
        ("my name is JADE", ["Jade"]),
        ("Jasmine here, 5'5", ["Jasmine"]),
        ("Ms. Honey here", ["Honey"]),
        ("I'm New in town", []),
        ("call NINE ZERO ONE", []),
    ],
)
def test_names(text: str, names: list[str]) -> None:
    assert _x(text)["names"] == names


def test_descriptors() -> None:
    record = _x("5'4\" 120 lbs blonde hair blue eyes, tattoos, petite. five foot one")
    assert record["descriptors"] == [
        "height_in:64",
        "weight_lb:120",
        "hair:blonde",
        "eyes:blue",
        "tattoos:yes",
        "build:petite",
        "height_in:61",
    ]


def test_minor_age_is_strong_youth_evidence_with_span() -> None:
    text = "new girl in town, I'm sixteen, call 903 312 1887"
    record = _x(text)
    youth = [i for i in record["indicators"] if i["code"] == "youth"]
    assert {text[i["start"] : i["end"]] for i in youth} == {"new girl", "I'm sixteen"}
    assert max(i["weight"] for i in youth) > 0.9
    assert record["score"] > 0.9


def test_evidence_spans_point_into_obfuscated_original() -> None:
    text = "N\u0435w \u0456n t\u043ewn!! 24/7 \u2764 n\u043e c\u043eps"
    record = _x(text)
    by_code = {i["code"]: i for i in record["indicators"]}
    for hit in record["indicators"]:
        assert text[hit["start"] : hit["end"]] == hit["evidence"]
    assert set(by_code) == {"movement", "always_available", "law_enforcement_avoidance"}


@pytest.mark.parametrize(
    "text",
    [
        "Licensed massage therapist, LMT #MA12345. Deep tissue, 60 min $80. "
        "Call 317-846-2210.",
        "2012 Honda Civic for sale, 98,000 miles, $6,500 obo, cash only. 317-846-2210",
        "Beginner yoga class every Tuesday, drop-in $15. Call 317-846-2210.",
        "Now hiring servers, $17/hr plus tips, apply in person. 317-846-2210",
        "Tutoring for high school students, $40 per hour. 317-846-2210",
    ],
)
def test_benign_look_alikes_score_low(text: str) -> None:
    record = _x(text)
    assert record["score"] < 0.25
    assert "price_outlier" not in {i["code"] for i in record["indicators"]}


def test_price_outlier() -> None:
    record = _x("hh 25, call 903 312 1887")
    assert [i["code"] for i in record["indicators"]] == ["price_outlier"]
    assert record["indicators"][0]["evidence"] == "hh 25"


def test_record_shape_and_id() -> None:
    record = _x("Post ID: 35830090 dallas")
    assert tuple(record) == OUTPUT_KEYS
    assert record["id"] == "35830090"
    assert _x("hello", id="ad-1")["id"] == "ad-1"
    assert _x("hello")["id"].startswith("sha1:")


def test_explain_lists_each_code_with_evidence() -> None:
    text = "NO cops. INN CALLS ONLY. I'm 17"
    lines = explain(_x(text)).splitlines()
    assert lines[0].startswith("score 0.9")
    assert any("youth (0.95)" in line and "I'm 17" in line for line in lines)
    assert any('law_enforcement_avoidance (0.30): "NO cops"' in line for line in lines)
    assert explain(_x("hello")) == "score 0.00: no indicators"


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("Sexy Tina, nineteen, 5'3 petite", 19),
        ("Mya - 22 - ebony", 22),
        ("Kandi 21, thick & pretty", 21),
        ("only 16 but I know", 16),
        ("new girl, 19, incall", 19),
    ],
)
def test_bare_ages_in_profile_lines(text: str, age: int) -> None:
    assert _x(text)["ages"] == [age]


@pytest.mark.parametrize(
    "text",
    [
        "Rates: qv - 60, hh - 100",
        "Dance classes for teens, ages 13-17, Tuesdays",
        "2012 Civic in Tyler, 60,000 miles",
        "Exit 42, then left",
    ],
)
def test_bare_numbers_that_are_not_ages(text: str) -> None:
    assert _x(text)["ages"] == []


def test_names_after_titles_and_cues() -> None:
    assert _x("Text Mr. Allen 614-598-2230")["names"] == ["Allen"]
    assert _x("Call my girl Bella she will")["names"] == ["Bella"]
    assert _x("In call Fort Worth tonight")["names"] == []


def test_bare_h_rate_needs_company() -> None:
    assert [(r["amount"], r["minutes"]) for r in _x("HH 90 / H 150")["rates"]] == [
        (90.0, 30),
        (150.0, 60),
    ]
    assert _x("call 5 h 150")["rates"] == []


def test_low_hourly_wage_is_not_a_price_outlier() -> None:
    record = _x("Experienced nanny, $20/hour. Call Maria (312) 880-4417")
    assert record["rates"] == [{"amount": 20.0, "minutes": 60}]
    assert record["indicators"] == []
    market = _x("hh 25 roses, call 903 312 1887")
    assert [i["code"] for i in market["indicators"]] == ["price_outlier"]


def test_uppercase_l_next_to_digits_is_not_a_digit() -> None:
    text = "visiting Chicago, IL. +1 312 580 9934 qk 80"
    assert _x(text)["phones"] == ["+13125809934"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_extract_never_fails_and_spans_hold(text: str) -> None:
    record = _x(text)
    assert tuple(record) == OUTPUT_KEYS
    for hit in record["indicators"]:
        assert text[hit["start"] : hit["end"]] == hit["evidence"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "nine",
                "0",
                "l",
                "I",
                "O",
                "for",
                "too",
                "IL",
                "3",
                "ate",
                " ",
                "-",
                ".",
                "twenty",
                "teen",
                "\ufe0f\u20e3",
                "\u2468",
                "1",
                "hh",
                "yo",
                "I'm",
                "age",
            ]
        ),
        max_size=40,
    )
)
def test_extract_never_fails_on_digit_soup(parts: list[str]) -> None:
    record = _x("".join(parts))
    assert all(p.startswith("+") for p in record["phones"])


def test_leet_digits_are_not_names_and_possessives_are_not_counts() -> None:
    record = _x("call 9l6 472 Oo55. 5.1.3.7.3.4.3.1.4.3 our girls are discreet")
    assert record["names"] == []
    assert "multiple_providers" not in {i["code"] for i in record["indicators"]}
