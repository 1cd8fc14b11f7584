"""One ad in, one output record out (private)."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import TYPE_CHECKING, Any

from nowrongdoor.ads._contacts import find_emails, find_handles
from nowrongdoor.ads._indicators import (
    REFERENCE_HOURLY_RATE,
    IndicatorHit,
    definitions,
    has_benign_context,
    is_price_outlier,
    pattern_hits,
    recruitment_hits,
    score,
    weight_of,
)
from nowrongdoor.ads._kinds import MARKET_CODES, AdKind, classify
from nowrongdoor.ads._numbers import (
    MAX_LABELLED_AGE,
    MIN_AGE,
    find_ages,
    find_bare_ages,
    find_rates,
    post_date,
)
from nowrongdoor.ads._people import find_descriptors, find_names
from nowrongdoor.ads._phones import area_code_state, find_phones
from nowrongdoor.ads._places import city_state, find_places
from nowrongdoor.text import (
    CaselessPattern,
    find_lexicon_terms,
    lower_text,
    normalize,
    numeric_view,
)

if TYPE_CHECKING:
    from nowrongdoor.knowledge import KnowledgeBase

__all__ = ["FIELD_KEYS", "OUTPUT_KEYS", "document_text", "explain", "extract"]

#: The extracted fields of a record (each a list of values), in order; the
#: evaluation scores these as sets.
FIELD_KEYS = (
    "phones",
    "emails",
    "handles",
    "ages",
    "rates",
    "locations",
    "names",
    "descriptors",
)

#: The keys of every output record, in order.
OUTPUT_KEYS = ("id", *FIELD_KEYS, "ad_kind", "indicators", "score")

_MARKET_WORDS = CaselessPattern(
    r"\b(?:qv|qk|qkie|quickie|hh|hhr|roses?|donations?|incall|outcall|in-call)\b"
)
_POST_ID = CaselessPattern(r"\bpost(?:ing)?\s*id\s*[:#]?\s*(?P<id>\d{5,12})\b")


def document_text(text: str, title: str | None = None) -> str:
    """The string indicator offsets index: ``title + "\\n" + text``, or ``text``."""
    return f"{title}\n{text}" if title else text


def _unique(values: list[Any]) -> list[Any]:
    """Strings or integers without repeats, first seen first (as :func:`_dedupe`)."""
    return list(dict.fromkeys(values))


def _dedupe(values: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    out: list[Any] = []
    for value in values:
        key = repr(value)
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


def extract(
    text: str,
    *,
    title: str | None = None,
    city: str | None = None,
    state: str | None = None,
    poster_age: int | str | None = None,
    posted_at: str | None = None,
    id: str | None = None,  # noqa: A002 - the output key is "id"
    kb: KnowledgeBase | None = None,
    reference_hourly_rate: float = REFERENCE_HOURLY_RATE,
    use_lexicon: bool = True,
) -> dict[str, Any]:
    """Extract contacts, ages, rates, places, names, descriptors and indicators.

    Args:
        text: The ad's body text.
        title: The ad's title, if separate (it is scanned too).
        city: The city the site filed the ad under, if known.
        state: The state (name or postal abbreviation) the ad was filed under.
        poster_age: The age field of the site ("Poster's age"), if any.
        posted_at: When the ad was posted (ISO 8601, "2026-03-14T21:05"); a
            birth year in the ad ("born 2004") gives an age only with it.
        id: The ad's id; when missing, the post id written in the ad, else a hash.
        kb: Knowledge base for the lexicon indicator (the shipped one by default).
        reference_hourly_rate: Going hourly rate; prices under 40% of it are
            flagged as ``price_outlier``.
        use_lexicon: Look for the knowledge base's pimp-culture terms.

    Returns:
        One record with exactly the keys in :data:`OUTPUT_KEYS`. Indicator
        ``start``/``end`` are offsets into :func:`document_text` (the text, or
        the title, a newline and the text).
    """
    doc = document_text(text, title)
    norm = normalize(doc)
    view = numeric_view(norm)

    # Lower-cased texts for the case-insensitive patterns' fast path (None when
    # lower-casing would move offsets; see nowrongdoor.text.lower_text).
    lower = lower_text(norm.text)
    view_lower = lower if view.text is norm.text else lower_text(view.text)

    phone_hits = find_phones(view.text)
    phones = _unique([p.value for p in phone_hits])
    emails = _unique([h.value for h in find_emails(norm.text, lower)])
    handles = _unique([h.value for h in find_handles(norm.text, lower)])

    title_view = numeric_view(normalize(title)).text if title else None
    age_hits = find_ages(view.text, title_view, view_lower, post_date(posted_at))
    phone_spans = [(p.start, p.end) for p in phone_hits]
    age_hits = [
        a
        for a in age_hits
        if not any(s < a.end and a.start < e for s, e in phone_spans)
    ]
    ages = [a.value for a in age_hits]
    if poster_age not in (None, ""):
        try:
            value = int(str(poster_age).strip())
        except ValueError:
            value = -1
        if MIN_AGE <= value <= MAX_LABELLED_AGE:
            ages.append(value)
    ages = _unique(ages)

    taken = phone_spans + [(a.start, a.end) for a in age_hits]
    rate_hits = find_rates(view.text, tuple(taken), view_lower)
    rates = _dedupe([{"amount": r.amount, "minutes": r.minutes} for r in rate_hits])
    if not age_hits and poster_age in (None, ""):
        taken += [(r.start, r.end) for r in rate_hits]
        bare = find_bare_ages(view.text, tuple(taken))
        age_hits += bare
        ages = _unique(ages + [a.value for a in bare])

    name_hits = find_names(norm.text, lower)
    names = _unique([n.value for n in name_hits])

    code_states = {s for s in (area_code_state(p) for p in phones) if s}
    meta_city, meta_state = city_state(city, state)
    hint_states = frozenset(code_states | ({meta_state} if meta_state else set()))
    place_hits = find_places(
        norm.text,
        hint_states=hint_states,
        exclude=tuple((n.start, n.end) for n in name_hits),
        lower=lower,
    )
    locations: list[dict[str, str | None]] = []
    if meta_city or meta_state:
        locations.append({"city": meta_city, "state": meta_state})
    locations.extend({"city": p.city, "state": p.state} for p in place_hits)
    locations = _dedupe(locations)
    # A bare state is dropped when a city of that state is listed.
    city_states = {loc["state"] for loc in locations if loc["city"]}
    locations = [
        loc for loc in locations if loc["city"] or loc["state"] not in city_states
    ]
    listed_states = {loc["state"] for loc in locations}
    for code_state in sorted(code_states - listed_states):
        locations.append({"city": None, "state": code_state})

    descriptors = _unique([d.value for d in find_descriptors(view.text, view_lower)])

    benign = has_benign_context(norm.text, lower)
    kind = classify(norm.text, lower=lower)
    hits: list[IndicatorHit] = []
    # Commercial-sex indicators are not read in job offers and ordinary
    # classifieds (their factor is 0): skipping them there also saves time.
    if kind.sex_market_factor > 0:
        hits = pattern_hits(norm.text, norm.to_original, doc, lower)
        for a in age_hits:
            if a.start < 0:
                start, end = 0, len(title or "")
            else:
                start, end = view.to_original(a.start, a.end)
            if a.value < 18:
                hits.append(
                    IndicatorHit(
                        "youth",
                        doc[start:end],
                        start,
                        end,
                        weight_of("youth", minor=True),
                    )
                )
            elif a.value in (18, 19):
                hits.append(
                    IndicatorHit(
                        "age_18_19", doc[start:end], start, end, weight_of("age_18_19")
                    )
                )
        # A low price counts only in an ad that reads like the commercial-sex market
        # (another indicator, or market words such as qv, hh, roses, donation); a low
        # hourly price alone is most often a wage ("nanny, $20/hour").
        market = bool(hits) or _MARKET_WORDS.exists(view.text, view_lower)
        for r in rate_hits:
            if benign or not market:
                break
            if is_price_outlier(r.amount, r.minutes, reference_hourly_rate):
                start, end = view.to_original(r.start, r.end)
                hits.append(
                    IndicatorHit(
                        "price_outlier",
                        doc[start:end],
                        start,
                        end,
                        weight_of("price_outlier"),
                    )
                )
        if len(names) >= 2:
            first, last = name_hits[0], name_hits[-1]
            start, end = norm.to_original(first.start, last.end)
            hits.append(
                IndicatorHit(
                    "multiple_providers",
                    doc[start:end],
                    start,
                    end,
                    weight_of("multiple_providers"),
                )
            )
        if use_lexicon:
            for term in find_lexicon_terms(norm, kb, lower=lower):
                if term.in_context:
                    hits.append(
                        IndicatorHit(
                            "lexicon",
                            term.text,
                            term.start,
                            term.end,
                            weight_of("lexicon"),
                        )
                    )
    if kind.kind == "unclear" and MARKET_CODES & {h.code for h in hits}:
        kind = AdKind("escort", kind.weights)  # see nowrongdoor.ads._kinds, rule 5
    hits = _weigh_by_kind(hits, kind.sex_market_factor)
    if kind.kind == "job":
        hits.extend(recruitment_hits(norm.text, norm.to_original, doc, lower))
    hits = _dedupe_hits(hits)

    record: dict[str, Any] = {
        "id": _record_id(id, norm.text, doc, lower),
        "phones": phones,
        "emails": emails,
        "handles": handles,
        "ages": ages,
        "rates": rates,
        "locations": locations,
        "names": names,
        "descriptors": descriptors,
        "ad_kind": kind.kind,
        "indicators": [h.as_dict() for h in hits],
        # An ordinary-business cue halves commercial-sex evidence; a job offer's
        # recruitment cues are weighed on their own ("now hiring" is expected).
        "score": score(hits, benign and kind.kind != "job"),
    }
    return record


def _weigh_by_kind(hits: list[IndicatorHit], factor: float) -> list[IndicatorHit]:
    """Commercial-sex indicators at the share of their weight the ad's kind gives.

    They are dropped from job offers and ordinary classifieds (factor 0): "young"
    in a youth-group post is not evidence of anything. A claimed age under 18
    keeps its weight in an ad of unclear kind.
    """
    if factor >= 1.0:
        return hits
    if factor <= 0.0:
        return []
    minor = weight_of("youth", minor=True)
    return [
        h
        if h.code == "youth" and h.weight == minor  # a claimed age under 18
        else dataclasses.replace(h, weight=round(h.weight * factor, 4))
        for h in hits
    ]


def _dedupe_hits(hits: list[IndicatorHit]) -> list[IndicatorHit]:
    seen: set[tuple[str, int, int]] = set()
    out: list[IndicatorHit] = []
    for hit in sorted(hits, key=lambda h: (h.start, h.code)):
        key = (hit.code, hit.start, hit.end)
        if key not in seen:
            seen.add(key)
            out.append(hit)
    return out


def _record_id(given: str | None, text: str, doc: str, lower: str | None) -> str:
    if given not in (None, ""):
        return str(given)
    m = _POST_ID.search(text, lower)
    if m:
        return m.group("id")
    return "sha1:" + hashlib.sha1(doc.encode("utf-8", "replace")).hexdigest()[:16]


def explain(record: dict[str, Any]) -> str:
    """A short, readable explanation of a record's score.

    Args:
        record: An output record of :func:`extract`.

    Returns:
        One line per indicator code: its weight and the evidence that raised it.
    """
    defs = definitions()
    best: dict[str, dict[str, Any]] = {}
    for hit in record.get("indicators", []):
        if hit["code"] not in best or hit["weight"] > best[hit["code"]]["weight"]:
            best[hit["code"]] = hit
    if not best:
        return f"score {record.get('score', 0):.2f}: no indicators"
    lines = [f"score {record.get('score', 0):.2f} = 1 - prod(1 - weight) over:"]
    for code, hit in sorted(best.items(), key=lambda kv: -kv[1]["weight"]):
        source = defs[code].sources[0] if code in defs and defs[code].sources else ""
        lines.append(
            f'  {code} ({hit["weight"]:.2f}): "{hit["evidence"]}"'
            + (f" [{source}]" if source else "")
        )
    return "\n".join(lines)
