"""Tests for the synthetic ad-corpus generator."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from PIL import Image

from nowrongdoor.cli import app
from nowrongdoor.synth.ads import POSTER_FIELDS, generate_ads


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ads")
    generate_ads(30, 7, out)
    return out


def test_same_seed_same_files(corpus: Path, tmp_path: Path) -> None:
    generate_ads(30, 7, tmp_path)
    for name in ("ads.jsonl", "posters.jsonl", "truth.json", "posters.csv"):
        assert (tmp_path / name).read_bytes() == (corpus / name).read_bytes(), name
    other = tmp_path / "other"
    generate_ads(30, 8, other)
    assert (other / "ads.jsonl").read_bytes() != (corpus / "ads.jsonl").read_bytes()


def test_ads_have_the_raw_schema(corpus: Path) -> None:
    ads = _lines(corpus / "ads.jsonl")
    keys = {"id", "text", "title", "posted_at", "city", "state", "images"}
    keys |= {"poster_age", "site"}
    assert all(set(a) == keys for a in ads)
    assert len({a["id"] for a in ads}) == len(ads)
    posted = [a["posted_at"] for a in ads]
    assert posted == sorted(posted)
    banned = ("child pornography", "child prostitute")
    assert not any(b in a["text"].lower() for a in ads for b in banned)


def test_truth_covers_every_ad_and_planted_cases(corpus: Path) -> None:
    ads = {a["id"]: a for a in _lines(corpus / "ads.jsonl")}
    truth = json.loads((corpus / "truth.json").read_text())
    assert set(truth["operations"]) == set(ads)
    ops: dict[str, int] = {}
    for op in truth["operations"].values():
        ops[op] = ops.get(op, 0) + 1
    assert sum(1 for op, n in ops.items() if op.startswith("T") and n >= 2) == 30
    assert sum(1 for op in ops if op.startswith("S")) == 30
    planted = {c: ids for c, ids in truth["cases"].items() if ids}
    decoys = [c for c, ids in truth["cases"].items() if not ids]
    assert len(planted) == 3 and len(decoys) == 3
    posters = {p["case_id"]: p for p in _lines(corpus / "posters.jsonl")}
    for case, ids in planted.items():
        # a planted person is advertised as 18-20 and only after going missing
        assert all(ads[i]["poster_age"] in (18, 19, 20, 21) for i in ids)
        missing = posters[case]["missing_date"]
        assert all(ads[i]["posted_at"][:10] > missing for i in ids)
        assert len({truth["operations"][i] for i in ids}) == 1


def test_scanned_truth_uses_the_scan_schema(corpus: Path) -> None:
    rows = _lines(corpus / "scanned_truth.jsonl")
    for r in rows:
        assert all(p.startswith("+1") and len(p) == 12 for p in r["phones"])
        assert r["phones"] or "Message me here" in r["text"], r["id"]
        for ind in r["indicators"]:
            assert set(ind) == {"code", "evidence", "start", "end", "weight"}
            if ind["start"] >= 0:
                assert r["text"][ind["start"] : ind["end"]] == ind["evidence"]


def test_images_open_and_copies_stay_close(corpus: Path) -> None:
    import imagehash

    ads = _lines(corpus / "ads.jsonl")
    paths = sorted({p for a in ads for p in a["images"]})
    assert paths
    for rel in paths[:20]:
        with Image.open(corpus / rel) as img:
            assert img.size == (64, 64)
    bases = sorted((corpus / "images").glob("T*-0-0.png"))[:12]
    h0 = [imagehash.phash(Image.open(p)) for p in bases]
    copies = [str(p).replace("-0.png", "-1.png") for p in bases]
    h1 = [imagehash.phash(Image.open(p)) for p in copies]
    same = [a - b for a, b in zip(h0, h1, strict=True)]
    diff = [a - b for a, b in zip(h0, h0[1:], strict=False)]
    assert max(same) <= 10 < min(diff)


def test_posters_csv_has_every_field(corpus: Path) -> None:
    with (corpus / "posters.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == POSTER_FIELDS
    assert len(rows) == 6


def test_cli_writes_the_corpus(runner, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["synth", "ads", "--operations", "5", "--seed", "1", "--no-images",
         "--out", str(tmp_path)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "ads" in result.output
    assert not (tmp_path / "images").exists()
    assert (tmp_path / "ads.jsonl").stat().st_size > 0


def test_rejects_negative_operations(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="operations"):
        generate_ads(-1, 0, tmp_path)


@pytest.fixture(scope="module")
def hard_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from nowrongdoor.synth.ads import HARD

    out = tmp_path_factory.mktemp("hardads")
    generate_ads(60, 5, out, hard=HARD)
    return out


def test_hard_options_off_leave_the_corpus_unchanged(
    corpus: Path, tmp_path: Path
) -> None:
    from nowrongdoor.synth.ads import HardOptions

    generate_ads(30, 7, tmp_path, hard=HardOptions())
    assert (tmp_path / "ads.jsonl").read_bytes() == (corpus / "ads.jsonl").read_bytes()


def test_hard_corpus_plants_every_failure_class(hard_corpus: Path) -> None:
    from nowrongdoor.synth._ads_hard import FOOTERS

    ads = _lines(hard_corpus / "ads.jsonl")
    scanned = {r["id"]: r for r in _lines(hard_corpus / "scanned_truth.jsonl")}
    truth = json.loads((hard_corpus / "truth.json").read_text())
    op = truth["operations"]
    # the site footer on every ad
    assert all(a["text"].endswith(FOOTERS[a["site"]]) for a in ads)
    # each shared booking line and stock photo spans unrelated operations
    for key in truth["shared_booking_lines"]:
        phone = key.split(":", 1)[1]
        ops = {op[i] for i, r in scanned.items() if phone in r["phones"]}
        assert len(ops) >= 2, key
    stock_ops = [
        {op[a["id"]] for a in ads if ref in a["images"]}
        for ref in truth["stock_photos"]
    ]
    assert max(len(s) for s in stock_ops) >= 2
    # stock paragraphs: one sentence of the library in many operations
    from nowrongdoor.synth._ads_hard import stock_library

    first = stock_library(16, 5)[0][0]
    assert len({op[a["id"]] for a in ads if first in a["text"]}) >= 3
    # burners: an operation with many phones held together by one handle
    phones_of: dict[str, set[str]] = {}
    handles_of: dict[str, set[str]] = {}
    for i, r in scanned.items():
        phones_of.setdefault(op[i], set()).update(r["phones"])
        handles_of.setdefault(op[i], set()).update(r["handles"])
    assert any(len(phones_of[o]) >= 5 and len(handles_of[o]) == 1 for o in phones_of)


def test_cli_hard_flag(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    res = CliRunner().invoke(
        app,
        [
            "synth",
            "ads",
            "--out",
            str(tmp_path),
            "--operations",
            "5",
            "--hard",
            "--no-images",
            "--stock-photos",
            "0",
        ],  # fmt: skip
    )
    assert res.exit_code == 0, res.output
    truth = json.loads((tmp_path / "truth.json").read_text())
    assert truth["stock_photos"] == [] and len(truth["shared_booking_lines"]) == 4


def test_gold_mode_labels_every_evaluated_field() -> None:
    from nowrongdoor.ads._evaluate import FIELDS
    from nowrongdoor.synth._ads_gold import GOLD_FIELDS
    from nowrongdoor.synth.ads import PHONE_STYLES, generate_gold_ads

    assert GOLD_FIELDS == (*FIELDS, "indicators")
    ads = list(generate_gold_ads(200, seed=5))
    assert all(tuple(ad["gold"])[: len(GOLD_FIELDS)] == GOLD_FIELDS for ad in ads)
    styles = {ad["meta"]["phone_style"] for ad in ads}
    assert styles <= {*PHONE_STYLES, "invalid", "none"} and len(styles) > 10
    assert [ad["text"] for ad in generate_gold_ads(20, seed=5)] == [
        ad["text"] for ad in ads[:20]
    ]


def test_an_interrupted_run_leaves_no_half_corpus(tmp_path: Path) -> None:
    """Ctrl-C after some operations (images already drawn) leaves the folder as
    it was: no images without ads, no ads without truth."""
    out = tmp_path / "corpus"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")

    def stop(done: int) -> None:
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate_ads(6, 1, out, progress=stop)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
