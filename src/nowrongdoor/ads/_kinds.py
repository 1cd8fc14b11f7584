"""What kind of ad this is: escort, massage, job offer or ordinary classified (private).

Commercial-sex indicators mean something only in an ad that offers commercial sex
or companionship: "young" in a youth-group post or "new to the area" in a
rental ad is not evidence. The kind is decided from documented cues
(``ads/data/ad_kinds.yaml``, with their sources): each kind's cue weights add up,
and

1. an ad with escort cues of weight 2 or more, more than its classified cues, is
   an ``escort`` ad;
2. else an ad with massage cues is a ``massage`` ad, unless its classified cues
   (a licence number, "licensed", a clinic, insurance) weigh 2 or more, which
   makes it a ``classified`` (a licensed therapist's clinic);
3. else an ad with job cues of weight 2 or more, at least its classified cues,
   is a ``job`` offer;
4. else an ad with classified cues of weight 2 or more is a ``classified``;
5. else the kind is ``unclear`` (too few cues either way); an unclear ad with an
   indicator that ordinary ads do not carry (:data:`MARKET_CODES`: a warning to
   police, a hotel in-call, restricted clientele, a pimp-culture term, a
   market-low price) is an ``escort`` ad after all.

The score uses the kind (:data:`SEX_MARKET_FACTOR`): commercial-sex indicators
count in full in escort and massage ads, at half weight when the kind is
unclear (except a claimed age under 18, the deck's key factor, which keeps its
weight), and not at all in job offers and ordinary classifieds; recruitment
cues are scored within job offers only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from nowrongdoor.text import (
    CaselessPattern,
    LiteralSet,
    literal_set,
    lower_text,
    trie_pattern,
)

__all__ = ["KINDS", "MARKET_CODES", "SEX_MARKET_FACTOR", "AdKind", "classify"]

#: The kinds an ad can have.
KINDS = ("escort", "massage", "job", "classified", "unclear")
#: How much commercial-sex indicators count in each kind of ad.
SEX_MARKET_FACTOR = {
    "escort": 1.0,
    "massage": 1.0,
    "unclear": 0.5,
    "job": 0.0,
    "classified": 0.0,
}

#: Indicator codes that ordinary classifieds do not carry: in an ad of unclear
#: kind, one of them makes it an offer of commercial sex.
MARKET_CODES = frozenset(
    {
        "law_enforcement_avoidance",
        "hotel_incall",
        "restricted_clientele",
        "lexicon",
        "price_outlier",
    }
)


@dataclass(frozen=True, slots=True)
class AdKind:
    """The kind of one ad and the cue weights it was decided from."""

    kind: str
    weights: dict[str, int]

    @property
    def sex_market_factor(self) -> float:
        """The share of their weight commercial-sex indicators keep in this ad."""
        return SEX_MARKET_FACTOR[self.kind]


@dataclass(frozen=True, slots=True)
class _Cue:
    kind: str
    weight: int
    keywords: tuple[str, ...]
    caseless: CaselessPattern

    @property
    def pattern(self) -> re.Pattern[str]:
        return self.caseless.regex


@lru_cache(maxsize=1)
def _keyword_index() -> tuple[re.Pattern[str], dict[str, frozenset[int]]]:
    """One pass finds every cue keyword in a text.

    A trie regex in a look-ahead is tried at every position and gives the
    longest keyword starting there; each keyword maps to the cues of every
    keyword it contains, so a shorter keyword inside a longer one still counts.
    """
    cues = _cues()
    keywords = {k for cue in cues for k in cue.keywords}
    # The class in front skips positions where no keyword starts.
    starts = "".join(sorted({re.escape(k[0]) for k in keywords}))
    pattern = re.compile(f"(?=[{starts}])(?=({trie_pattern(sorted(keywords))}))")
    index: dict[str, frozenset[int]] = {}
    for word in keywords:
        index[word] = frozenset(
            i for i, cue in enumerate(cues) if any(k in word for k in cue.keywords)
        )
    return pattern, index


@lru_cache(maxsize=1)
def _keyword_set() -> LiteralSet | None:
    """Every cue keyword, found by Hyperscan (``None`` where it is not installed).

    A cue is a candidate when one of its keywords occurs in the text: the same
    set :func:`_keyword_index` gives (the longest keyword at a position holds
    every shorter one starting there).
    """
    return literal_set(_keywords())


@lru_cache(maxsize=1)
def _keywords() -> tuple[str, ...]:
    return tuple(sorted({k for cue in _cues() for k in cue.keywords}))


@lru_cache(maxsize=1)
def _keyword_cues() -> tuple[frozenset[int], ...]:
    """For each of :func:`_keywords`, the cues that have it."""
    return tuple(
        frozenset(i for i, cue in enumerate(_cues()) if word in cue.keywords)
        for word in _keywords()
    )


@lru_cache(maxsize=1)
def _cues() -> tuple[_Cue, ...]:
    raw = yaml.safe_load(
        resources.files("nowrongdoor.ads")
        .joinpath("data/ad_kinds.yaml")
        .read_text(encoding="utf-8")
    )
    return tuple(
        _Cue(
            kind,
            int(cue["weight"]),
            tuple(str(k).lower() for k in cue["keywords"]),
            CaselessPattern(rf"(?<!\w)(?:{cue['pattern']})(?!\w)"),
        )
        for kind, body in raw["kinds"].items()
        for cue in body["cues"]
    )


def classify(
    text: str, codes: frozenset[str] = frozenset(), lower: str | None = None
) -> AdKind:
    """The kind of an ad from its normalised title and text.

    Args:
        text: Normalised ad text (title and body).
        codes: Indicator codes found in the ad (see :data:`MARKET_CODES`).
        lower: ``nowrongdoor.text.lower_text(text)``, if the caller has it.

    Returns:
        An :class:`AdKind`.
    """
    cues = _cues()
    pattern, index = _keyword_index()
    if lower is None:
        lower = lower_text(text)
    folded = lower if lower is not None else text.lower()
    candidates: set[int] = set()
    literals = _keyword_set()
    if literals is not None:
        # The same set in one Hyperscan pass: a cue whose keyword occurs.
        cue_sets = _keyword_cues()
        for number in literals.present(folded):
            candidates |= cue_sets[number]
    else:
        for word in set(pattern.findall(folded)):
            candidates |= index[word]
    weights = dict.fromkeys(("escort", "massage", "job", "classified"), 0)
    for i in sorted(candidates):
        cue = cues[i]
        if cue.caseless.exists(text, lower):
            weights[cue.kind] += cue.weight
    escort = weights.get("escort", 0)
    massage = weights.get("massage", 0)
    job = weights.get("job", 0)
    classified = weights.get("classified", 0)
    if escort >= 2 and escort > classified:
        kind = "escort"
    elif massage:
        kind = "classified" if classified >= 2 else "massage"
    elif job >= 2 and job >= classified:
        kind = "job"
    elif classified >= 2:
        kind = "classified"
    else:
        kind = "escort" if codes & MARKET_CODES else "unclear"
    return AdKind(kind, weights)
