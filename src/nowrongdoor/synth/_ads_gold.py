"""The ad generator's gold-label mode: ads with per-field truth, for evaluation.

Public through :func:`nowrongdoor.synth.ads.generate_gold_ads` (the operations
mode, :func:`nowrongdoor.synth.ads.generate_ads`, shares its phone renderer).

Every ad is assembled from pieces whose truth is known when the piece is written
(a phone number rendered in one of many obfuscated styles, an age written as
words or leet, a rate, a city, a name, descriptors, indicator phrases), so the
gold labels never come from the extractor. Nothing here imports the extractor.
Ads carry only contact details, places, rates, claimed ages and indicator
phrases; never explicit content.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from nowrongdoor.synth._ads_phones import PHONE_STYLES, render_phone

__all__ = ["AREA_CODES", "generate_gold_ads"]

#: Area code -> (state, a city in it) used by the generator (NANPA assignments).
AREA_CODES: dict[str, tuple[str, str]] = {
    "903": ("TX", "Tyler"),
    "214": ("TX", "Dallas"),
    "713": ("TX", "Houston"),
    "806": ("TX", "Lubbock"),
    "317": ("IN", "Indianapolis"),
    "219": ("IN", "Gary"),
    "260": ("IN", "Fort Wayne"),
    "812": ("IN", "Evansville"),
    "312": ("IL", "Chicago"),
    "404": ("GA", "Atlanta"),
    "912": ("GA", "Savannah"),
    "702": ("NV", "Las Vegas"),
    "305": ("FL", "Miami"),
    "239": ("FL", "Fort Myers"),
    "407": ("FL", "Orlando"),
    "313": ("MI", "Detroit"),
    "419": ("OH", "Toledo"),
    "937": ("OH", "Dayton"),
    "513": ("OH", "Cincinnati"),
    "602": ("AZ", "Phoenix"),
    "206": ("WA", "Seattle"),
    "213": ("CA", "Los Angeles"),
    "916": ("CA", "Sacramento"),
    "504": ("LA", "New Orleans"),
    "318": ("LA", "Shreveport"),
    "615": ("TN", "Nashville"),
    "901": ("TN", "Memphis"),
    "704": ("NC", "Charlotte"),
    "919": ("NC", "Raleigh"),
    "303": ("CO", "Denver"),
    "402": ("NE", "Omaha"),
    "918": ("OK", "Tulsa"),
    "502": ("KY", "Louisville"),
    "410": ("MD", "Baltimore"),
    "505": ("NM", "Albuquerque"),
    "414": ("WI", "Milwaukee"),
    "612": ("MN", "Minneapolis"),
    "314": ("MO", "St. Louis"),
    "316": ("KS", "Wichita"),
    "412": ("PA", "Pittsburgh"),
}


def _phone_digits(rng: random.Random, area: str) -> str:
    while True:
        exchange = f"{rng.randint(2, 9)}{rng.randint(0, 9)}{rng.randint(0, 9)}"
        if exchange[1:] == "11" or exchange == "555":
            continue
        return f"{area}{exchange}{rng.randint(0, 9999):04d}"


_AGE_WORDS = {
    12: "twelve",
    13: "thirteen",
    14: "fourteen",
    15: "fifteen",
    16: "sixteen",
    17: "seventeen",
    18: "eighteen",
    19: "nineteen",
    20: "twenty",
    21: "twenty one",
    22: "twenty-two",
    23: "twenty three",
    24: "twenty four",
    25: "twenty five",
}
_AGE_MISSPELT = {
    15: "fiveteen",
    16: "sixten",
    17: "sevnteen",
    18: "eightteen",
    19: "ninteen",
}


def _render_age(rng: random.Random, age: int) -> str:
    forms = [
        f"I'm {age}",
        f"im {age}",
        f"I am {age}",
        f"{age} years old",
        f"{age}yo",
        f"{age} y/o",
        f"{age} yrs old",
        f"age: {age}",
        f"Age {age}",
        f"just turned {age}",
        f"{age}-year-old",
        f"{age} years young",
    ]
    if age in _AGE_WORDS:
        word = _AGE_WORDS[age]
        forms += [f"{word} years old", f"{word} yo", f"age {word}", f"I'm {word}"]
    if age in _AGE_MISSPELT:
        forms.append(f"{_AGE_MISSPELT[age]} yrs old")
    if 10 <= age <= 19:
        forms.append(f"l{age % 10} yo")
        forms.append(f"I'm l{age % 10}")
    if 13 <= age <= 19:
        forms.append(f"{age % 10}teen")
    return rng.choice(forms)


def _render_rate(rng: random.Random, amount: int, minutes: int | None) -> str:
    if minutes is None:
        return rng.choice([f"{amount} roses", f"{amount} donation", f"${amount} roses"])
    if minutes == 15:
        return rng.choice([f"qv {amount}", f"{amount} qv", f"qk {amount}"])
    if minutes == 30:
        return rng.choice(
            [
                f"{amount}hh",
                f"hh {amount}",
                f"half hour {amount}",
                f"{amount} hh",
                f"30 min {amount}",
                f"${amount}/hh",
            ]
        )
    if minutes == 60:
        return rng.choice(
            [
                f"{amount} hr",
                f"{amount}/hr",
                f"hr {amount}",
                f"${amount} per hour",
                f"1 hour {amount}",
                f"{amount} roses/hr",
                f"hour - {amount}",
            ]
        )
    return rng.choice(
        [f"{minutes // 60} hrs {amount}", f"{minutes // 60} hours {amount}"]
    )


_NAMES = [
    "Ashlee",
    "Candy",
    "Lexi",
    "Jade",
    "Destiny",
    "Diamond",
    "Mia",
    "Bella",
    "Nikki",
    "Amber",
    "Crystal",
    "Kiki",
    "Brandy",
    "Roxy",
    "Layla",
    "Maya",
    "Tasha",
    "Keisha",
    "Rosa",
    "Lina",
    "Sasha",
    "Tiffany",
    "Monique",
    "Gia",
]
_NAME_FORMS = [
    "I'm {n}",
    "Im {n}",
    "my name is {n}",
    "call me {n}",
    "it's {n}",
    "Hello gentlemen, I'm {n}",
    "this is {n}",
]

_HAIR = [
    ("blonde hair", "hair:blonde"),
    ("brunette", "hair:brunette"),
    ("red hair", "hair:red"),
    ("black hair", "hair:black"),
    ("brown hair", "hair:brown"),
    ("redhead", "hair:red"),
]
_EYES = [
    ("blue eyes", "eyes:blue"),
    ("green eyes", "eyes:green"),
    ("brown eyes", "eyes:brown"),
    ("hazel eyes", "eyes:hazel"),
]
_BUILD = ["petite", "curvy", "slim", "athletic"]

# Indicator phrase banks: (phrase, code). The truth of each phrase is its code.
_PHRASES: dict[str, list[str]] = {
    "youth": [
        "young and fresh",
        "new girl",
        "barely legal",
        "fresh face",
        "\U0001f36d\U0001f36d",
        "yung and sweet",
        "teeny",
    ],
    "movement": [
        "new in town",
        "just arrived",
        "visiting this week only",
        "on tour",
        "in town until Sunday",
        "leaving tomorrow",
        "passing through",
    ],
    "third_party": [
        "she is waiting for you",
        "text us",
        "our girls are discreet",
        "her rates are firm",
        "call my girl",
    ],
    "multiple_providers": [
        "2 girls available",
        "sisters",
        "new girls every week",
        "duo available",
        "two ladies",
    ],
    "law_enforcement_avoidance": [
        "NO cops",
        "no LE",
        "no law enforcement",
        "cops need not call",
        "no police",
    ],
    "restricted_clientele": ["no black men", "white gentlemen only", "no AA"],
    "hotel_incall": [
        "INN CALLS ONLY",
        "incall only",
        "hotel incall",
        "in my hotel room",
        "in-call",
    ],
    "always_available": [
        "24/7",
        "available 24 hours",
        "available all night",
        "around the clock",
    ],
    "cash_only": ["cash only", "cash up front"],
    "lexicon": [
        "no pimps",
        "no pimps no drama",
        "choosing fee paid",
        "bottom girl answers the phone",
    ],
}
_FILLER = [
    "Clean and discreet.",
    "Upscale company.",
    "Serious callers only.",
    "Real pics.",
    "Friendly and open-minded.",
    "Text first.",
    "No texts after 10.",
    "Let me make your day.",
    "Sweet personality.",
    "Treat yourself.",
    "You won't regret it.",
    "Respectful gentlemen only.",
    "Relaxed setting.",
]
_GREETING = ["Hey fellas!", "Hello gentlemen.", "Hi there,", "Hey guys,", ""]


#: The gold fields of every ad, in the order they are written: the fields
#: ``nowrongdoor ads evaluate`` scores (``FIELDS`` there), then the indicators.
#: Written out rather than imported so that nothing here imports the extractor.
GOLD_FIELDS = ("phones", "emails", "handles", "ages", "rates", "locations", "names",
               "descriptors", "indicators")  # fmt: skip


def _empty_gold() -> dict[str, Any]:
    return {name: [] for name in GOLD_FIELDS}


def _escort_ad(rng: random.Random, index: int) -> dict[str, Any]:
    parts: list[str] = []
    gold = _empty_gold()
    codes: list[str] = []
    area = rng.choice(list(AREA_CODES))
    state, home_city = AREA_CODES[area]
    digits = _phone_digits(rng, area)
    style = rng.choice(PHONE_STYLES)
    parts.append(rng.choice(_GREETING))

    if rng.random() < 0.75:
        name = rng.choice(_NAMES)
        if rng.random() < 0.15:
            second = rng.choice([n for n in _NAMES if n != name])
            parts.append(f"ask for {name} or {second}.")
            gold["names"] += [name, second]
            codes += ["third_party", "multiple_providers"]
        elif rng.random() < 0.15:
            parts.append(f"ask for {name}.")
            gold["names"].append(name)
            codes.append("third_party")
        else:
            parts.append(rng.choice(_NAME_FORMS).format(n=name) + ".")
            gold["names"].append(name)

    if rng.random() < 0.8:
        roll = rng.random()
        if roll < 0.35:
            age = rng.randint(13, 17)
        elif roll < 0.55:
            age = rng.choice([18, 19])
        else:
            age = rng.randint(20, 45)
        parts.append(_render_age(rng, age) + ".")
        gold["ages"].append(age)
        if age < 18:
            codes.append("youth")
        elif age < 20:
            codes.append("age_18_19")

    if rng.random() < 0.6:
        desc: list[str] = []
        if rng.random() < 0.6:
            feet, inches = rng.choice([(4, 11), (5, 0), (5, 2), (5, 4), (5, 6), (5, 8)])
            desc.append(rng.choice([f"{feet}'{inches}\"", f"{feet} ft {inches}"]))
            gold["descriptors"].append(f"height_in:{feet * 12 + inches}")
        if rng.random() < 0.5:
            lbs = rng.randint(95, 170)
            desc.append(f"{lbs} lbs")
            gold["descriptors"].append(f"weight_lb:{lbs}")
        if rng.random() < 0.5:
            text, value = rng.choice(_HAIR)
            desc.append(text)
            gold["descriptors"].append(value)
        if rng.random() < 0.4:
            text, value = rng.choice(_EYES)
            desc.append(text)
            gold["descriptors"].append(value)
        if rng.random() < 0.3:
            build = rng.choice(_BUILD)
            desc.append(build)
            gold["descriptors"].append(f"build:{build}")
        if rng.random() < 0.2:
            desc.append("tattoos")
            gold["descriptors"].append("tattoos:yes")
        if desc:
            parts.append(", ".join(desc) + ".")

    city, city_state = home_city, state
    if rng.random() < 0.25:
        other = rng.choice([c for c in AREA_CODES if AREA_CODES[c][0] != state])
        city_state, city = AREA_CODES[other]
    if rng.random() < 0.8:
        template = rng.choice(
            [
                "in {c}",
                "visiting {c}, {s}",
                "near downtown {c}",
                "Location: {c}",
                "{c}, {s} area",
                "incall near {c}",
            ]
        )
        if template.startswith("incall"):
            codes.append("hotel_incall")
        if template.startswith("visiting"):
            codes.append("movement")
        parts.append(template.format(c=city, s=city_state) + ".")
        gold["locations"].append({"city": city, "state": city_state})

    for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
        minutes = rng.choice([15, 30, 30, 60, 60, 60, 120, None])
        low = rng.random() < 0.12 and minutes in (30, 60)
        if minutes is None:
            amount = rng.choice([100, 150, 200, 250])
        elif low:
            amount = rng.choice([20, 25]) if minutes == 30 else rng.choice([30, 40, 50])
        else:
            base = {15: 60, 30: 100, 60: 180, 120: 320}[minutes]
            amount = base + rng.choice([-20, 0, 20, 40])
        rate = {"amount": float(amount), "minutes": minutes}
        if rate in gold["rates"]:
            continue
        parts.append(_render_rate(rng, amount, minutes) + ".")
        gold["rates"].append(rate)
        if minutes and amount * 60 / minutes < 60:
            codes.append("price_outlier")

    for code in rng.sample(list(_PHRASES), k=rng.choice([0, 1, 1, 2, 2, 3, 4])):
        parts.append(rng.choice(_PHRASES[code]) + ".")
        codes.append(code)

    parts.append(rng.choice(_FILLER))
    contact = render_phone(rng, digits, style)
    parts.append(rng.choice(["call ", "text ", "Call or text ", "", "txt: "]) + contact)
    gold["phones"].append(f"+1{digits}")
    if rng.random() < 0.15:
        user = rng.choice(_NAMES).lower() + str(rng.randint(1, 99))
        host = rng.choice(["gmail", "yahoo", "outlook"])
        if rng.random() < 0.5:
            parts.append(f"email {user}@{host}.com")
        else:
            parts.append(f"email {user} at {host} dot com")
        gold["emails"].append(f"{user}@{host}.com")
    if rng.random() < 0.2:
        platform, word = rng.choice(
            [
                ("snapchat", "snap"),
                ("instagram", "IG"),
                ("kik", "kik"),
                ("telegram", "telegram"),
                ("onlyfans", "onlyfans"),
            ]
        )
        handle = rng.choice(_NAMES).lower() + rng.choice(["xo", "_22", ".vip", "baby"])
        parts.append(f"{word}: {handle}")
        gold["handles"].append(f"{platform}:{handle}")
    body = parts[1:]
    rng.shuffle(body)
    text = " ".join(p for p in [parts[0], *body] if p)
    _add_area_state(gold, state)
    gold["indicators"] = [{"code": c} for c in sorted(set(codes))]
    meta = {"kind": "ad", "phone_style": style}
    return {"id": f"ad{index:06d}", "text": text, "gold": gold, "meta": meta}


def _add_area_state(gold: dict[str, Any], state: str) -> None:
    if state not in {loc["state"] for loc in gold["locations"]}:
        gold["locations"].append({"city": None, "state": state})


def _benign_ad(rng: random.Random, index: int) -> dict[str, Any]:
    area = rng.choice(list(AREA_CODES))
    state, city = AREA_CODES[area]
    digits = _phone_digits(rng, area)
    style = rng.choice(PHONE_STYLES[:7])
    phone = render_phone(rng, digits, style)
    kind = rng.choice(["massage", "car", "yoga", "job", "rental", "pet"])
    gold: dict[str, Any] = {
        "phones": [f"+1{digits}"],
        "emails": [],
        "handles": [],
        "ages": [],
        "rates": [],
        "locations": [{"city": city, "state": state}],
        "names": [],
        "descriptors": [],
        "indicators": [],
    }
    lic = f"MA{rng.randint(10000, 99999)}"
    if kind == "massage":
        price60 = rng.choice([70, 80, 90])
        text = (
            f"Licensed massage therapist, LMT #{lic}. Deep tissue and Swedish "
            f"massage in {city}. 60 min ${price60}. Gift cards available. "
            f"Book online or call {phone}."
        )
        gold["rates"].append({"amount": float(price60), "minutes": 60})
    elif kind == "car":
        text = (
            f"2012 Honda Civic for sale in {city}, {rng.randint(60, 140)},000 miles, "
            f"${rng.randint(4, 9)},{rng.randint(100, 999)} obo. Clean title, "
            "cash only. "
            f"Call {phone} after 5pm."
        )
        gold["indicators"].append({"code": "cash_only"})
    elif kind == "yoga":
        text = (
            f"Beginner yoga class every Tuesday at the {city} community center. "
            f"Drop-in ${rng.choice([12, 15, 18])}, mats provided. "
            f"Questions? Call {phone}."
        )
    elif kind == "job":
        text = (
            f"Now hiring line cooks and servers in {city}. Flexible schedule, "
            f"benefits include meals. Apply in person or call {phone}. "
            "Equal opportunity employer."
        )
    elif kind == "rental":
        text = (
            f"2 bedroom apartment for rent in {city}, ${rng.randint(8, 15)}00 a month, "
            f"water included. No smoking. Call {phone} to see it."
        )
    else:
        text = (
            f"Lost dog near downtown {city}: brown terrier, answers to Buddy. "
            f"Reward. Please call {phone}."
        )
    _add_area_state(gold, state)
    meta = {"kind": f"benign_{kind}", "phone_style": style}
    return {"id": f"bn{index:06d}", "text": text, "gold": gold, "meta": meta}


def _hard_negative(rng: random.Random, index: int) -> dict[str, Any]:
    """An ad whose numbers look like phones but are not valid ones."""
    fake = rng.choice(
        [
            "123-456-7890",
            "555-555-5555",
            "000-000-0000",
            "(111) 222-3333",
            "999 999 9999",
        ]
    )
    order = rng.randint(10_000_000, 99_999_999)
    text = (
        f"Order #{order} is ready for pick-up. Reference {fake}. "
        "Store hours 9 to 5, Monday to Friday."
    )
    gold = _empty_gold()
    meta = {"kind": "hard_negative", "phone_style": "invalid"}
    return {"id": f"hn{index:06d}", "text": text, "gold": gold, "meta": meta}


def generate_gold_ads(
    n: int, seed: int = 0, *, benign_share: float = 0.2, negative_share: float = 0.04
) -> Iterator[dict[str, Any]]:
    """Generate ``n`` synthetic ads with their gold extraction.

    Args:
        n: Number of ads.
        seed: Random seed (same seed, same ads).
        benign_share: Share of benign look-alikes (massage therapist with licence
            number, car for sale, yoga class, job post, rental, lost pet).
        negative_share: Share of ads with phone-like numbers that are not valid.

    Yields:
        ``{"id", "text", "gold": {...}, "meta": {"kind", "phone_style"}}``.
    """
    rng = random.Random(seed)
    for index in range(n):
        roll = rng.random()
        if roll < negative_share:
            yield _hard_negative(rng, index)
        elif roll < negative_share + benign_share:
            yield _benign_ad(rng, index)
        else:
            yield _escort_ad(rng, index)
