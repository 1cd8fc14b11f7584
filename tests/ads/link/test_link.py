"""Tests for linking ads into operations."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from nowrongdoor.ads import (
    LinkOptions,
    adjusted_rand_index,
    hourly_rate,
    link_ads,
    link_file,
    pairwise_scores,
    profile_operations,
)
from nowrongdoor.ads.link._text import mask_text
from nowrongdoor.cli import app
from nowrongdoor.synth.ads import generate_ads


def _rec(i: int, text: str, **kw) -> dict:
    base = {
        "id": f"a{i}",
        "text": text,
        "phones": [],
        "emails": [],
        "handles": [],
        "names": [],
        "ages": [],
        "rates": [],
        "locations": [],
        "indicators": [],
        "posted_at": f"2025-01-{i % 28 + 1:02d}T10:00",
        "city": "Tyler",
        "state": "TX",
        "images": [],
    }
    return {**base, **kw}


_WORDS = (
    "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike "
    "november oscar papa quebec romeo sierra tango uniform victor whiskey xray "
    "yankee zulu amber basil cedar dahlia elm fern ginger hazel iris jade kale "
    "lotus maple nutmeg olive pepper quince rose sage thyme umber violet willow"
).split()


def _unique_text(i: int) -> str:
    import random

    return " ".join(random.Random(i).sample(_WORDS, 16))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("linkcorpus")
    generate_ads(40, 11, out)
    return out


def _scanned(corpus: Path) -> list[dict]:
    lines = (corpus / "scanned_truth.jsonl").read_text().splitlines()
    return [json.loads(x) for x in lines]


def test_links_the_generated_corpus(corpus: Path) -> None:
    recs = _scanned(corpus)
    truth = json.loads((corpus / "truth.json").read_text())["operations"]
    result = link_ads(recs, image_root=corpus)
    labels = [truth[f.id] for f in result.facts]
    scores = pairwise_scores(labels, result.operation)
    assert scores["precision"] >= 0.95
    assert scores["recall"] >= 0.9
    assert adjusted_rand_index(labels, result.operation) >= 0.9
    # the planted hub phone and the stock photo are found and ignored
    hubs = {h.key for h in result.hubs}
    planted = json.loads((corpus / "truth.json").read_text())["hubs"]
    assert set(planted) <= hubs
    assert any(h.key.startswith("image:") for h in result.hubs)


def test_every_merge_is_explained(corpus: Path) -> None:
    result = link_ads(_scanned(corpus), image_root=corpus)
    components = len(set(result.operation))
    assert len(result.merges) == len(result.facts) - components
    for m in result.merges:
        assert m.kind in {"phone", "email", "handle", "image", "text"}
        assert m.evidence and 0 < m.weight <= 1
        assert result.operation[m.a] == result.operation[m.b]


_CITIES = (("Tyler", "TX"), ("Tulsa", "OK"), ("Omaha", "NE"), ("Boise", "ID"))


def test_booking_line_of_operations_working_at_once_is_a_hub() -> None:
    hub = "+17025550100"
    recs = []
    for op, (city, state) in enumerate(_CITIES):
        for day in range(6):  # each operation posts in its own city every day
            i = op * 10 + day
            when = f"2025-03-{day + 1:02d}T1{op}:00"
            recs.append(
                _rec(i, _unique_text(i), phones=[f"+1903312{1000 + op:04d}", hub],
                     city=city, state=state, posted_at=when)
            )  # fmt: skip
    result = link_ads(recs, options=LinkOptions(use_images=False))
    assert len(set(result.operation)) == 4
    assert [h.key for h in result.hubs] == [f"phone:{hub}"]
    assert "ignored as a hub" in result.hubs[0].reason


def test_burner_phones_with_a_kept_handle_are_one_operation() -> None:
    recs = [
        _rec(i, _unique_text(i), phones=[f"+1903312{2000 + i:04d}"],
             handles=["snap:bree77"], city=_CITIES[i // 4][0],
             state=_CITIES[i // 4][1], posted_at=f"2025-03-{i + 1:02d}T10:00")
        for i in range(12)
    ]  # fmt: skip
    result = link_ads(recs, options=LinkOptions(use_images=False))
    assert len(set(result.operation)) == 1
    assert not result.hubs


def test_one_phone_alone_still_links_an_operation() -> None:
    recs = [_rec(i, _unique_text(i), phones=["+19033121887"]) for i in range(12)]
    result = link_ads(recs, options=LinkOptions(use_images=False))
    assert len(set(result.operation)) == 1
    assert not result.hubs
    assert {m.kind for m in result.merges} == {"phone"}


def test_masked_text_links_one_template_with_different_slots() -> None:
    template = (
        "Sweet and classy {name} visiting {city} this week only. "
        "Treat yourself to a warm southern belle with a great smile. "
        "{hh} hh {hr} hr. Incalls at my hotel only. Serious callers only. "
        "Call {phone}. Evenings are best. Book ahead please."
    )
    slots = [
        ("Bree", "Tyler", 80, 160, "903 312 1887"),
        ("Kim", "Dallas", 90, 180, "(214) 555-0134"),
        ("Lexi", "Austin", 100, 200, "512.555.0199"),
    ]
    recs = [
        _rec(
            i,
            template.format(name=n, city=c, hh=h, hr=r, phone=p),
            names=[n],
            city=c,
        )
        for i, (n, c, h, r, p) in enumerate(slots)
    ]
    recs.append(_rec(9, _unique_text(9)))
    result = link_ads(recs, options=LinkOptions(use_images=False))
    ops = result.operation
    assert ops[0] == ops[1] == ops[2] != ops[3]
    assert {m.kind for m in result.merges} == {"text"}
    assert "Jaccard" in result.merges[0].evidence
    tokens = mask_text(recs[0]["text"], names=["Bree"], places=["Tyler"])
    assert "bree" not in tokens and "tyler" not in tokens and "name" in tokens


def test_unreadable_images_are_reported_and_skipped(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (64, 64), (200, 30, 30)).save(tmp_path / "ok.png")
    (tmp_path / "bad.png").write_bytes(b"not an image")
    recs = [
        _rec(1, _unique_text(1), images=["ok.png", "bad.png", "gone.png"]),
        _rec(2, _unique_text(2), images=["ok.png"]),
    ]
    result = link_ads(recs, image_root=tmp_path)
    assert result.operation[0] == result.operation[1]
    assert result.merges[0].kind == "image"
    reasons = dict(result.unreadable_images)
    assert set(reasons) == {"bad.png", "gone.png"}
    assert reasons["gone.png"] == "file not found"


def test_profiles_route_and_revenue() -> None:
    recs = [
        _rec(1, "x", phones=["+19033121887"], city="Tyler", names=["Bree"],
             posted_at="2025-01-01T10:00", rates=[{"amount": 80, "minutes": 30}],
             indicators=[{"code": "movement"}]),
        _rec(2, "y", phones=["+19033121887"], city="Dallas", names=["Kim"],
             posted_at="2025-01-05T10:00", rates=[{"amount": 200, "minutes": 60}]),
        _rec(3, "z", phones=["+19033121887"], city="Dallas",
             posted_at="2025-01-10T10:00"),
    ]  # fmt: skip
    result = link_ads(recs, options=LinkOptions(use_images=False, use_text=False))
    (p,) = profile_operations(result, booked_hours_per_ad=2)
    assert [leg["city"] for leg in p["route"]] == ["Tyler", "Dallas"]
    assert p["route"][1]["ads"] == 2
    assert p["first_seen"] == "2025-01-01T10:00" and p["last_seen"].startswith(
        "2025-01-10"
    )
    rev = p["revenue"]
    # ad rates 160/h and 200/h, third ad takes the median 180: (160+200+180)*2
    assert rev["estimated_total"] == 1080
    assert rev["days_active"] == 10
    assert rev["annualised"] == pytest.approx(1080 / 10 * 364)
    assert rev["quota_model_equivalent"] == pytest.approx(1_092_000 * 2 / 3)
    assert any("2 different names" in s for s in p["controller_signals"])
    assert p["indicator_mix"] == {"movement": 1}
    assert hourly_rate(((50.0, 15),)) == 200.0
    assert hourly_rate(()) is None


def test_metrics_known_values() -> None:
    t = ["a", "a", "b", "b"]
    assert adjusted_rand_index(t, ["x", "x", "y", "y"]) == 1.0
    assert pairwise_scores(t, ["x", "x", "x", "x"]) == {
        "precision": pytest.approx(2 / 6),
        "recall": 1.0,
        "f1": pytest.approx(0.5),
    }
    assert adjusted_rand_index(t, ["x", "y", "x", "y"]) < 0


def test_link_file_writes_outputs_from_raw_ads(corpus: Path, tmp_path: Path) -> None:
    summary = link_file(corpus / "ads.jsonl", tmp_path)
    assert summary["scanned_on_the_fly"] == summary["ads"] > 0
    with (tmp_path / "operations.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == summary["ads"] and set(rows[0]) == {"id", "operation"}
    doc = json.loads((tmp_path / "operations.json").read_text())
    assert doc["operations"][0]["ads"] >= doc["operations"][-1]["ads"] >= 2
    import networkx as nx

    g = nx.read_graphml(tmp_path / "graph.graphml")
    assert g.number_of_edges() == summary["merges"]
    assert not list(tmp_path.glob(".*"))  # no temporary files left


def test_cli_link_empty_and_bad_lines(runner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    result = runner.invoke(
        app, ["ads", "link", str(empty), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    assert "no ads" in result.output
    assert (tmp_path / "o" / "operations.csv").read_text() == "id,operation\n"
    doc = json.loads((tmp_path / "o" / "operations.json").read_text())
    assert doc["operations"] == []
    bad = tmp_path / "bad.jsonl"
    good = json.dumps(_rec(1, "hello there friend", phones=["+19033121887"]))
    bad.write_text(good + "\n{broken\n" + json.dumps({"text": "no id"}) + "\n")
    result = runner.invoke(app, ["ads", "link", str(bad), "--out", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert "bad.jsonl:2" in result.output and "bad.jsonl:3" in result.output
    assert "[yellow]" not in result.output and "[/]" not in result.output


def test_cli_link_refuses_a_file_with_no_ad_in_it(runner, tmp_path: Path) -> None:
    """A file of records none of which is an ad (a CSV, a broken export) is an
    error naming the file and its first bad record, not empty outputs."""
    ads_csv = tmp_path / "ads.csv"
    ads_csv.write_text("id,text\n7,call me at 317 555 0100\n")
    out = tmp_path / "o"
    result = runner.invoke(app, ["ads", "link", str(ads_csv), "--out", str(out)])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "none of its 2 records is an ad" in said
    assert "ads.csv:1: not JSON" in said
    assert not out.exists()


def test_cli_link_missing_file(runner, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["ads", "link", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "does not exist" in " ".join(result.output.split())


def test_cli_link_rejects_an_unknown_engine(runner, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(_rec(1, "hello", phones=["+19033121887"])) + "\n")
    result = runner.invoke(
        app, ["ads", "link", str(path), "--out", str(tmp_path), "--engine", "excel"]
    )
    assert result.exit_code == 2
    assert "use duckdb or spark" in result.output


def test_cli_link_interrupted_while_writing_leaves_the_old_outputs(
    runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C after operations.csv is written but before the graph: the folder
    keeps the earlier run's files, never new ones beside old ones."""
    from nowrongdoor.ads.link import _io

    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(_rec(1, "hello", phones=["+19033121887"])) + "\n")
    out = tmp_path / "o"
    out.mkdir()
    (out / "operations.csv").write_text("old\n")

    def stop(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(_io, "_write_graph", stop)
    runner.invoke(app, ["ads", "link", str(path), "--out", str(out)])
    assert [p.name for p in out.iterdir()] == ["operations.csv"]
    assert (out / "operations.csv").read_text() == "old\n"


def test_cli_link_reads_raw_ads_with_numbers_for_metadata(
    runner, tmp_path: Path
) -> None:
    """A raw ad whose city or title is a number (a spreadsheet export) is read
    as ``ads scan`` reads it, not an AttributeError traceback."""
    path = tmp_path / "a.jsonl"
    path.write_text(
        json.dumps({"id": "x1", "text": "call 212-555-0100", "city": 5, "title": 7})
        + "\n"
        + json.dumps({"id": "x2", "text": "hello", "city": ["a"], "state": {"b": 1}})
        + "\n"
    )
    result = runner.invoke(
        app, ["ads", "link", str(path), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    assert "linked 2 ads" in " ".join(result.output.split())


def test_operations_json_is_the_same_under_any_hash_seed(
    corpus: Path, tmp_path: Path
) -> None:
    """Two runs in interpreters with different string hashing write the same
    operations (indicator mixes included), apart from the time taken."""
    import os
    import subprocess
    import sys

    docs = []
    for seed in ("1", "2"):
        out = tmp_path / f"h{seed}"
        subprocess.run(
            [sys.executable, "-m", "nowrongdoor", "ads", "link",
             str(corpus / "scanned_truth.jsonl"), "--out", str(out), "--no-graph"],
            check=True, capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )  # fmt: skip
        doc = json.loads((out / "operations.json").read_text())
        doc["summary"].pop("seconds", None)
        docs.append(json.dumps(doc, sort_keys=False))
    assert docs[0] == docs[1]
