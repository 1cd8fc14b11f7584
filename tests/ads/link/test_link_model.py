"""Tests for the weighed linker: failure classes, negative evidence, outputs."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import numpy as np
import pytest

from nowrongdoor.ads import (
    LinkOptions,
    adjusted_rand_index,
    link_ads,
    link_file,
    pairwise_scores,
)
from nowrongdoor.ads.link._model import COMPARISONS, fit_model
from nowrongdoor.cli import app
from nowrongdoor.synth.ads import HARD, generate_ads

_STOCK = (
    "Upscale companionship for the discerning gentleman. Discretion is my top "
    "priority and yours too. Please be respectful and punctual for our time "
    "together. I love fine dining, good wine and great conversation. Screening "
    "is required for first time friends. No rushed dates, I take my time."
)
_FOOTER = (
    "All advertisers are independent adults. This site does not endorse any "
    "advertiser and is not responsible for the content of ads."
)


def _ad(i: int, text: str, phone: str, city: str, day: int, **kw) -> dict:
    base = {
        "id": f"a{i:03d}",
        "text": text,
        "phones": [phone] if phone else [],
        "emails": [],
        "handles": [],
        "names": [],
        "ages": [],
        "rates": [],
        "locations": [],
        "indicators": [],
        "posted_at": f"2025-04-{day:02d}T1{i % 10}:00",
        "city": city,
        "state": "TX",
        "images": [],
    }
    return {**base, **kw}


def _own_words(seed: int, n: int = 14) -> str:
    words = "amber basil cedar dahlia fern ginger hazel iris jade kale lotus maple "
    words += "nutmeg olive pepper quince sage thyme umber violet willow yarrow zinnia"
    return " ".join(random.Random(seed).sample(words.split(), n)) + "."


def test_shared_boilerplate_and_footer_do_not_link_operations() -> None:
    # eight operations copy one stock ad and the site footer; each has its own
    # phone; all post in one city in the same weeks
    recs = []
    for op in range(8):
        for k in range(4):
            i = op * 10 + k
            recs.append(
                _ad(i, f"{_STOCK} {_FOOTER}", f"+1903312{1000 + op:04d}", "Tyler",
                    1 + k * 3 + op % 3)
            )  # fmt: skip
    result = link_ads(recs, options=LinkOptions(use_images=False))
    truth = [r["id"][:3] for r in recs]
    assert adjusted_rand_index(truth, result.operation) == 1.0
    assert {m.kind for m in result.merges} == {"phone"}


def test_distinctive_text_still_links_an_ad_without_contacts() -> None:
    own = _own_words(1) + " " + _own_words(2)
    recs = [
        _ad(i, f"{own} {_FOOTER}", "+19033121000", "Tyler", 1 + i) for i in range(4)
    ]
    recs.append(_ad(9, f"{own} {_FOOTER}", "", "Tyler", 6))
    for op in range(6):  # other operations carrying only the footer
        recs.append(_ad(20 + op, f"{_own_words(30 + op)} {_FOOTER}",
                        f"+1903312{2000 + op:04d}", "Tyler", 2 + op))  # fmt: skip
    result = link_ads(recs, options=LinkOptions(use_images=False))
    ops = result.operation
    assert len({ops[i] for i in range(5)}) == 1
    assert len(set(ops)) == 7
    (text_merge,) = [m for m in result.merges if m.kind == "text"]
    assert text_merge.match_weight is not None and text_merge.match_weight >= 8
    assert len(text_merge.levels) == len(COMPARISONS)


def test_text_edge_refused_between_operations_in_two_cities_at_once() -> None:
    own = _own_words(3) + " " + _own_words(4)
    recs = []
    for op, city in enumerate(("Tyler", "Austin")):
        for day in range(1, 9):
            i = op * 20 + day
            recs.append(_ad(i, own, f"+1903312{3000 + op:04d}", city, day))
    result = link_ads(recs, options=LinkOptions(use_images=False))
    assert len(set(result.operation)) == 2
    assert result.refused  # the text edge cleared the bar, the conflict refused it


def test_em_recovers_m_from_candidate_pairs() -> None:
    rng = np.random.default_rng(0)
    n = 4000
    match = rng.random(n) < 0.4
    cand = np.zeros((n, len(COMPARISONS)), dtype=np.int64)
    # text: matches mostly level 5, non-matches level 1
    cand[:, 1] = np.where(match, np.where(rng.random(n) < 0.8, 5, 3), 1)
    cand[:, 0] = np.where(match, 3, 1)
    rand = np.ones((20000, len(COMPARISONS)), dtype=np.int64)
    model = fit_model(cand, rand)
    assert model.prior == pytest.approx(0.4, abs=0.03)
    assert model.m[1][5] == pytest.approx(0.8, abs=0.05)
    assert model.weights[1][5] > 8 > model.weights[1][1]


@pytest.fixture(scope="module")
def hard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hardlink")
    generate_ads(60, 21, out, hard=HARD)
    return out


def _scanned(corpus: Path) -> list[dict]:
    lines = (corpus / "scanned_truth.jsonl").read_text().splitlines()
    return [json.loads(x) for x in lines]


def test_links_the_hard_corpus(hard: Path) -> None:
    recs = _scanned(hard)
    truth = json.loads((hard / "truth.json").read_text())
    result = link_ads(recs, image_root=hard)
    labels = [truth["operations"][f.id] for f in result.facts]
    scores = pairwise_scores(labels, result.operation)
    assert scores["precision"] >= 0.95
    assert adjusted_rand_index(labels, result.operation) >= 0.9
    # a booking line on three or more ads each of two operations is a hub (one
    # on a one-off ad is indistinguishable from a burner phone and may link it)
    hubs = {h.key for h in result.hubs}
    for key in truth["shared_booking_lines"]:
        per_op: dict[str, int] = {}
        for r in recs:
            if key.split(":", 1)[1] in r["phones"]:
                op = truth["operations"][r["id"]]
                per_op[op] = per_op.get(op, 0) + 1
        if sum(n >= 3 for n in per_op.values()) >= 2:
            assert key in hubs, key


def test_operation_ids_are_stable_across_reruns(hard: Path) -> None:
    recs = _scanned(hard)
    first = link_ads(recs, image_root=hard)
    shuffled = list(recs)
    random.Random(4).shuffle(shuffled)
    second = link_ads(shuffled, image_root=hard)
    a = {f.id: op for f, op in zip(first.facts, first.operation, strict=True)}
    b = {f.id: op for f, op in zip(second.facts, second.operation, strict=True)}
    assert a == b


def test_edges_csv_has_levels_and_match_weight(hard: Path, tmp_path: Path) -> None:
    link_file(hard / "scanned_truth.jsonl", tmp_path, graph=False)
    with (tmp_path / "edges.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:6] == [
        "source", "target", "kind", "evidence", "weight", "operation",
    ]  # fmt: skip
    assert {c.name for c in COMPARISONS} | {"match_weight"} <= set(rows[0])
    texts = [r for r in rows if r["kind"] == "text"]
    assert texts and all(float(r["match_weight"]) >= 8 for r in texts)
    doc = json.loads((tmp_path / "operations.json").read_text())
    assert doc["summary"]["model"]["comparisons"]["text"][">= 0.7"]["m"] > 0


def test_cli_explain_link_merged_and_unmerged(runner, hard: Path) -> None:
    recs = _scanned(hard)
    truth = json.loads((hard / "truth.json").read_text())["operations"]
    by: dict[str, list[str]] = {}
    for r in recs:
        by.setdefault(truth[r["id"]], []).append(r["id"])
    big = sorted((ids for ids in by.values() if len(ids) >= 4), key=len)
    same_a, same_b = big[-1][0], big[-1][-1]
    other = big[-2][0]
    path = str(hard / "scanned_truth.jsonl")
    res = runner.invoke(app, ["ads", "explain-link", path, same_a, same_b])
    assert res.exit_code == 0, res.output
    assert "the same operation" in res.output and "evidence edge" in res.output
    assert "bits" in res.output
    res = runner.invoke(app, ["ads", "explain-link", path, same_a, other])
    assert res.exit_code == 0, res.output
    assert "different operations" in res.output
    assert "share none" in res.output or "no distinctive text" in res.output
    res = runner.invoke(app, ["ads", "explain-link", path, same_a, "nope"])
    assert res.exit_code == 2 and "not in the linked ads" in res.output


def test_explain_link_names_the_file(runner, tmp_path: Path) -> None:
    """A file with no ad in it is refused like in ``ads link``; an id that is
    not in the file is a sentence naming the file."""
    binary = tmp_path / "ads.jsonl"
    binary.write_bytes(b"\x93\x00binary\n<html></html>\n")
    res = runner.invoke(app, ["ads", "explain-link", str(binary), "a", "b"])
    said = " ".join(res.output.split())
    assert res.exit_code == 2, res.output
    assert said.startswith(f"error: {binary}: none of its 2 records is an ad")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    res = runner.invoke(app, ["ads", "explain-link", str(empty), "a", "b"])
    assert res.exit_code == 2, res.output
    assert " ".join(res.output.split()) == (
        f"error: ad 'a' is not in the linked ads of {empty}"
    )
