"""Every case-insensitive ad pattern behind a gate finds exactly its own matches.

The gate (``nowrongdoor.text.CaselessPattern``) lets a lower-cased,
case-sensitive copy of a pattern decide that an ad has no match, and for
patterns without a case-sensitive part it finds the matches itself on the
lower-cased text: both must give the spans and groups of the IGNORECASE pattern.
"""

from __future__ import annotations

from pathlib import Path

from nowrongdoor.text import CaselessPattern, lower_text

ROOT = Path(__file__).resolve().parents[2]


def _texts() -> list[str]:
    from nowrongdoor.ads import iter_ads
    from nowrongdoor.synth.ads import generate_gold_ads

    texts = [
        ad.text
        for name in (
            "ads_eval.jsonl",
            "ads_handwritten.jsonl",
            "ads_heldout.jsonl",
            "ads_kinds.jsonl",
            "ads_cases.jsonl",
        )
        for ad in iter_ads(ROOT / "tests" / "data" / name)
    ]
    texts += [r["text"] for r in generate_gold_ads(200, seed=11)]
    # Case-sensitive parts, special folds and upper-case text.
    texts += [t.upper() for t in texts[:100]]
    texts += ["MOB rules, P is P. ſtay with daddy", "KELVIN \u212a sexy Kıtty"]
    return texts


def _patterns() -> list[CaselessPattern]:
    from nowrongdoor.ads._contacts import _EMAIL, _HANDLE, _URL
    from nowrongdoor.ads._extract import _MARKET_WORDS
    from nowrongdoor.ads._indicators import _load, _recruitment
    from nowrongdoor.ads._kinds import _cues
    from nowrongdoor.ads._numbers import _AGE_PATTERNS, _AMOUNT, _RATE_A, _RATE_B
    from nowrongdoor.ads._people import (
        _BUILD,
        _EYES,
        _HAIR,
        _HEIGHT_CM,
        _HEIGHT_FT,
        _NAME_CUES,
        _TATTOO,
        _WEIGHT,
    )
    from nowrongdoor.ads._places import _gazetteer
    from nowrongdoor.knowledge import load_knowledge
    from nowrongdoor.text._lexicon import _index

    defs, benign = _load()
    patterns = [d.caseless for d in defs.values() if d.caseless is not None]
    patterns += [benign.pattern, _recruitment()[0], _NAME_CUES, _gazetteer().names]
    patterns += [c.caseless for c in _cues()]
    patterns += [p for _k, p in _AGE_PATTERNS if isinstance(p, CaselessPattern)]
    patterns += [_RATE_A, _RATE_B, _AMOUNT]
    patterns += [_EMAIL, _HANDLE, _URL, _MARKET_WORDS]
    patterns += [_HEIGHT_FT, _HEIGHT_CM, _WEIGHT, _HAIR, _EYES, _TATTOO, _BUILD]
    index = _index(load_knowledge())
    assert index.any is not None
    patterns.append(index.any)
    return patterns


def test_gated_and_folded_matches_are_the_patterns_own() -> None:
    from nowrongdoor.text import normalize, numeric_view

    patterns = _patterns()
    assert all(p._gate is not None for p in patterns)  # every one is gated
    checked = 0
    for raw in _texts():
        for text in {normalize(raw).text, numeric_view(normalize(raw)).text}:
            lower = lower_text(text)
            for pattern in patterns:
                want = [(m.span(), m.lastgroup) for m in pattern.regex.finditer(text)]
                got = [(m.span(), m.lastgroup) for m in pattern.finditer(text, lower)]
                assert got == want, (pattern.regex.pattern[:80], text[:80])
                if pattern.exact:
                    folded = pattern.finditer_spans(text, lower)
                    assert [(m.span(), m.lastgroup) for m in folded] == want
                checked += len(want)
    assert checked > 1000


def test_cheap_gates_of_plain_patterns_never_hide_a_match() -> None:
    # Gates written by hand in front of plain patterns: each must hold
    # wherever the pattern matches (else a match would be lost).
    from nowrongdoor.ads._contacts import _EMAIL, _spelled_possible
    from nowrongdoor.ads._numbers import _AGE_RANGE, _AGE_RANGE_GATE
    from nowrongdoor.ads._people import _AGE_DIGITS, _NAME_AGE
    from nowrongdoor.text import normalize

    texts = [normalize(t).text for t in _texts()]
    texts += [
        "Kandi 21, Mya - 22 -, Trina, 25.",
        "jane AT yahoo DOT com; lexi (at) gmail (dot) com; me at home dot",
        "ladies 18-35, girls 21 to 25, gents 25 ~ 60",
    ]
    seen = {"name_age": 0, "range": 0, "spelled": 0}
    for text in texts:
        if _NAME_AGE.search(text):
            seen["name_age"] += 1
            assert _AGE_DIGITS.search(text), text
        if _AGE_RANGE.search(text):
            seen["range"] += 1
            assert _AGE_RANGE_GATE.search(text), text
        lower = lower_text(text)
        if "@" not in text and lower is not None:
            if any("@" not in m.group() for m in _EMAIL.regex.finditer(text)):
                seen["spelled"] += 1
                # The host test may refuse only matches the scan drops anyway.
                assert _EMAIL_SPELLED_AT(lower), text
    assert all(count > 0 for count in seen.values()), seen
    # A spelled address with a mail host passes; without one it cannot be kept.
    assert _spelled_possible("jane at yahoo dot com", "jane at yahoo dot com")
    assert not _spelled_possible("meet me at home dot", "meet me at home dot")
    assert not _spelled_possible("chat dot com", "chat dot com")


def _EMAIL_SPELLED_AT(lower: str) -> bool:  # noqa: N802 - reads as the gate's name
    from nowrongdoor.ads._contacts import _SPELLED_AT

    return _SPELLED_AT.search(lower) is not None


def test_the_hyperscan_prefilter_never_hides_a_match() -> None:
    # Every ad pattern's gate, in a database of its own: wherever the gate
    # matches an ASCII text, the prefilter must report the pattern.
    from nowrongdoor.text import normalize, numeric_view
    from nowrongdoor.text._prefilter import Prefilter, prefilter

    if prefilter() is None:  # pragma: no cover - no Hyperscan on this platform
        return
    shared = Prefilter()
    gates = []
    for pattern in _patterns():
        gate = pattern._gate
        assert gate is not None
        pid = shared.register(gate.pattern, gate.flags)
        if pid is not None:
            gates.append((pid, gate))
    assert len(gates) >= len(_patterns()) - 2  # only the gazetteer is too long
    matched = ruled_out = 0
    for raw in _texts():
        for text in {normalize(raw).text, numeric_view(normalize(raw)).text}:
            lower = lower_text(text)
            if lower is None or not lower.isascii():
                continue
            found = shared.candidates(lower)
            assert found is not None
            for pid, gate in gates:
                if gate.search(lower):
                    matched += 1
                    assert pid in found, (gate.pattern[:80], lower[:80])
                elif pid not in found:
                    ruled_out += 1
    assert matched > 1000 and ruled_out > 10_000, (matched, ruled_out)
