"""The deck's two example ads, with their expected extraction."""

from __future__ import annotations

from nowrongdoor.ads import OUTPUT_KEYS, document_text, extract

TYLER_TITLE = (
    "%%YUMMY PLESURE $$ 80hh 160 hr!!! I$$ **BEST N TYLER * 24/7* aim to please "
    "& indephn - 30"
)
TYLER = (
    "ARE you tired of the same ran down girls whois nonting that you were looking "
    "for. well you found the right lady only if you are willing to be "
    "pleased-satisfied I am open-minded down to earth, yummy plesure, Available "
    "now.you wont regret. Up scale company. Clean men who respect a woman. Never "
    "setale for less.Cause i will be the best part of your day/nite. NO cops. "
    "SERIES CALLERS ONLY! REAL PIC. Indapendint no roomates. very clean relax "
    "setting,INN CALLS ONLY! call 903 312 1887\n\nPoster's age: 30\n\n"
    "- Location: Tyler\n- User first posted December 2013\n- Post ID: 25265660 tyler"
)
ASHLEE = (
    "SeXy* Petite* Bomb\nHello fellas Im Ashlee I'm a friendly bombshell ready to "
    "please. I Love to play and be a dream fulfiller. Treat your self and feel "
    "Relaxed Relieved and Rejuvenated\n100% Juicy\n100% All Woman\n100% All Fun\n"
    "75 near Downtown, Dallas\nPost ID: 35830090 dallas"
)


def test_tyler_ad() -> None:
    record = extract(TYLER, title=TYLER_TITLE)
    assert tuple(record) == OUTPUT_KEYS
    assert record["id"] == "25265660"
    assert record["phones"] == ["+19033121887"]
    assert record["ages"] == [30]
    assert record["rates"] == [
        {"amount": 80.0, "minutes": 30},
        {"amount": 160.0, "minutes": 60},
    ]
    assert record["locations"] == [{"city": "Tyler", "state": "TX"}]
    doc = document_text(TYLER, TYLER_TITLE)
    codes = {i["code"]: i for i in record["indicators"]}
    assert set(codes) >= {
        "law_enforcement_avoidance",
        "hotel_incall",
        "always_available",
    }
    for hit in record["indicators"]:
        assert doc[hit["start"] : hit["end"]] == hit["evidence"]
    assert codes["law_enforcement_avoidance"]["evidence"] == "NO cops"
    assert codes["hotel_incall"]["evidence"] == "INN CALLS"
    assert codes["always_available"]["evidence"] == "24/7"
    assert "youth" not in codes and "age_18_19" not in codes
    assert 0.4 < record["score"] < 0.8


def test_ashlee_ad() -> None:
    record = extract(ASHLEE)
    assert record["id"] == "35830090"
    assert record["names"] == ["Ashlee"]
    assert record["locations"] == [{"city": "Dallas", "state": "TX"}]
    assert "build:petite" in record["descriptors"]
    assert record["phones"] == []  # redacted in the deck
    assert record["rates"] == []  # "75 near Downtown" is a street, not a price
    assert record["ages"] == []
