"""Harder ad corpora: the failure classes of ad linking (private).

Options of :func:`nowrongdoor.synth.ads.generate_ads` that reproduce what real
ad sites do to a linker and what a linker built on its own generator misses:

- a library of stock boilerplate paragraphs that many unrelated operations copy
  into their templates;
- a site footer or disclaimer on every ad of a site;
- free-written ads: operations that write every ad anew (no template);
- stock photos used by unrelated operations;
- booking lines shared by several unrelated operations;
- burner phones: operations that change the phone with (almost) every ad but
  keep one social handle.

All text is invented and carries no explicit content.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = [
    "FOOTERS",
    "HARD",
    "HardOptions",
    "free_sentences",
    "stock_library",
]


@dataclass(frozen=True)
class HardOptions:
    """Failure classes to plant in a synthetic ad corpus (all off by default).

    Attributes:
        boilerplate: Stock paragraphs in the shared library (0: none). Every
            operation copies two to four of them into each of its templates;
            three templates in ten are nothing but stock paragraphs and slots.
        footer: Every ad carries its site's footer (a disclaimer).
        free_text: Share of operations whose ads are written anew each time.
        stock_photos: Stock photos shared between unrelated operations (0: none).
        shared_booking: Booking lines, each used by three to six operations.
        burners: Share of operations that change the phone with every ad or two
            and keep one social handle.
    """

    boilerplate: int = 0
    footer: bool = False
    free_text: float = 0.0
    stock_photos: int = 0
    shared_booking: int = 0
    burners: float = 0.0

    @property
    def active(self) -> bool:
        """Whether any failure class is planted."""
        return bool(
            self.boilerplate
            or self.footer
            or self.free_text
            or self.stock_photos
            or self.shared_booking
            or self.burners
        )


#: The preset of ``synth ads --hard``: every failure class at once.
HARD = HardOptions(
    boilerplate=16,
    footer=True,
    free_text=0.25,
    stock_photos=6,
    shared_booking=4,
    burners=0.15,
)

#: One footer per site (appended to every ad of that site).
FOOTERS: dict[str, str] = {
    "site-a": (
        "All advertisers are independent adults. This site does not endorse any "
        "advertiser and is not responsible for the content of ads. Report abuse "
        "to the site administrators."
    ),
    "site-b": (
        "Disclaimer: by posting, the advertiser confirms being over eighteen. "
        "Money exchanged is for time and companionship only. The site is a "
        "listing service and takes no part in any meeting."
    ),
    "site-c": (
        "Posted on a classified listings board. Listings are user submitted and "
        "not verified by staff. Please read our terms of use before replying."
    ),
    "site-d": (
        "This listing is provided by an independent advertiser. We reserve the "
        "right to remove any listing. Use caution and meet in public places."
    ),
}

#: Sentences the stock paragraphs are built from (non-explicit, invented).
_STOCK_SENTENCES: tuple[str, ...] = (
    "Upscale companionship for the discerning gentleman.",
    "Discretion is my top priority and yours too.",
    "Please be respectful and punctual for our time together.",
    "I love fine dining, good wine and great conversation.",
    "Screening is required for first time friends.",
    "No rushed dates, I take my time.",
    "Let me be your escape from the daily routine.",
    "Mature and generous gentlemen preferred.",
    "I am well travelled and easy to talk to.",
    "Always clean, classy and elegant.",
    "My photos are recent and accurate.",
    "Short notice is fine but booking ahead is better.",
    "I do not respond to blocked numbers.",
    "Polite introductions get polite answers.",
    "I enjoy meeting new people from all walks of life.",
    "Treat me like a lady and I will treat you like a king.",
    "Come relax in a private and comfortable setting.",
    "I only see a few friends each day.",
    "Hygiene is a must for both of us.",
    "Rates are firm, please do not negotiate.",
    "Mention this ad when you reach out.",
    "Weekends fill up fast so plan ahead.",
    "A sweet personality with a playful side.",
    "Your satisfaction and comfort matter to me.",
    "Tell me your name and the time you want.",
    "Friendly, outgoing and always smiling.",
    "Experience the girlfriend experience done right.",
    "Leave the stress of work behind.",
    "Gentlemen with good manners only please.",
    "I will make you feel at home.",
    "Available for dinner dates and travel companionship.",
    "Late nights are possible with notice.",
    "Quiet, safe and upscale location.",
    "Your privacy is guaranteed.",
    "Do not waste my time with games.",
    "Serious inquiries get a fast reply.",
)

#: Short fillers free-written ads mix in (everyday words, no template).
_FREE_PHRASES: tuple[str, ...] = (
    "hey there", "just got here", "feeling good today", "come say hi",
    "looking for fun company", "weather is nice", "text first", "no calls please",
    "fast replies", "open late", "new pics", "back again", "missed you all",
    "only a few days", "special today", "dont be shy", "sweet and fun",
    "easy going", "real and ready", "lets hang out", "last day here",
    "ask me anything", "good vibes only", "treat yourself", "call me later",
    "msg me", "im waiting", "busy week", "stop by", "quick reply",
)  # fmt: skip


def stock_library(size: int, seed: int) -> list[list[str]]:
    """``size`` stock paragraphs of three sentences each (deterministic)."""
    rng = random.Random(seed * 31 + 5)
    library: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    while len(library) < size:
        para = tuple(rng.sample(_STOCK_SENTENCES, 3))
        if para in seen and len(seen) < 5000:
            continue
        seen.add(para)
        library.append(list(para))
    return library


def free_sentences(
    rng: random.Random, pool: tuple[str, ...], n_min: int = 4, n_max: int = 8
) -> list[str]:
    """One free-written ad body: sentences and phrases drawn anew, no template."""
    picks = rng.sample(pool, rng.randint(n_min, min(n_max, len(pool))))
    out = list(picks)
    for _ in range(rng.randint(1, 4)):
        a, b = rng.sample(_FREE_PHRASES, 2)
        out.insert(rng.randrange(len(out) + 1), f"{a.capitalize()}, {b}.")
    return out
