"""The Hyperscan prefilter only widens patterns, and stands aside when it cannot.

Every ad pattern is checked on the evaluation sets in
``tests/ads/test_caseless_gates.py``; these are the translation's edge cases.
"""

from __future__ import annotations

import re

import pytest

from nowrongdoor.text._prefilter import Prefilter, hyperscan_source, prefilter

pytestmark = pytest.mark.skipif(prefilter() is None, reason="no Hyperscan here")


def _fresh() -> Prefilter:
    return Prefilter()


@pytest.mark.parametrize(
    ("pattern", "texts"),
    [
        (r"(?<!\w)cash\s+only(?!\w)", ["cash only", "CASHonly cash  only!", "x"]),
        (r"\bno\s+(?:cops|le)\b", ["no cops", "no le", "nole", "no  lego"]),
        (r"[^\W\d_]{2,}\d{3}", ["ab123", "a1234", "__123", "xyz 123"]),
        (r"\d{1,40}x{20,}", ["1" + "x" * 25, "1" + "x" * 19]),
        (r"(a)\1b", ["aab", "abb", "ab"]),
        (r"(?P<w>ca)(?(w)sh|x)", ["cash", "cax"]),
        (r"o\sk", ["o\x1ck", "o k", "ok"]),  # Python's \s holds \x1c-\x1f
        (r".+é", ["caf", "café"]),  # a non-ASCII character cannot match ASCII
        (r"^$", ["", "a"]),
    ],
)
def test_a_match_is_never_hidden(pattern: str, texts: list[str]) -> None:
    shared = _fresh()
    pid = shared.register(pattern)
    assert pid is not None, hyperscan_source(pattern)
    compiled = re.compile(pattern)
    for text in texts:
        found = shared.candidates(text)
        if not text.isascii():
            assert found is None  # every pattern is run
            continue
        assert found is not None
        if compiled.search(text):
            assert pid in found, (pattern, text)


def test_it_rules_out_texts_without_a_match() -> None:
    shared = _fresh()
    cash = shared.register(r"(?<!\w)cash\s+only(?!\w)")
    cops = shared.register(r"\bno\s+cops\b")
    assert shared.candidates("cash only, no questions") == {cash}
    assert shared.candidates("no cops") == {cops}
    assert shared.candidates("nothing here") == frozenset()


def test_what_it_does_not_take() -> None:
    assert hyperscan_source("cash", re.IGNORECASE) is None
    assert hyperscan_source("(?i:cash)") is None
    assert hyperscan_source("a" * 20_000) is not None
    shared = _fresh()
    assert shared.register("a" * 20_000) is None  # too long for Hyperscan
    assert shared.register("(") is None  # not a pattern
    shared.register("cash")
    assert shared.candidates("café cash") is None  # not ASCII: run every pattern


def test_patterns_registered_later_get_a_database_of_their_own() -> None:
    shared = Prefilter()
    cash = shared.register("cash")
    assert shared.candidates("one cash") == {cash}
    only = shared.register("only")  # after a scan: compiled on the next one
    assert shared.candidates("one cash") == {cash, only} - {only}
    assert shared.candidates("cash only") == {cash, only}
    assert len(shared._dbs) == 2


def test_threads_scan_at_once() -> None:
    """Pages run in a thread pool: scans from several threads at once all answer
    (one shared scratch space fails with ScratchInUseError)."""
    import threading

    from nowrongdoor.text._prefilter import LiteralSet

    shared = _fresh()
    pid = shared.register(r"cash\s+only")
    literals = LiteralSet(("cash", "only"))
    base = "y" * 2_000_000 + " cash only"
    answers: list[object] = []

    def scan(worker: int) -> None:
        try:
            for i in range(5):
                text = f"{base}{worker}-{i}"  # a new text: no memo hit
                answers.append((shared.candidates(text), literals.present(text)))
        except Exception as exc:  # noqa: BLE001 - the failure is the finding
            answers.append(exc)

    threads = [threading.Thread(target=scan, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [(frozenset({pid}), {0, 1})] * 20
