"""Tests for matching missing-person posters against ads."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from _user_errors import user_error
from nowrongdoor.ads import MATCH_COLUMNS, load_posters, match_files, recall_at_k
from nowrongdoor.ads.match._model import (
    AdView,
    compare_age,
    compare_body,
    compare_name,
    compare_place,
    parse_descriptors,
)
from nowrongdoor.ads.match._posters import parse_height, parse_weight
from nowrongdoor.cli import app
from nowrongdoor.errors import UserInputError
from nowrongdoor.synth.ads import generate_ads


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("matchcorpus")
    generate_ads(60, 21, out)
    return out


def _ranked(path: Path) -> dict[str, list[str]]:
    ranked: dict[str, list[str]] = {}
    with path.open() as fh:
        for row in csv.DictReader(fh):
            ranked.setdefault(row["case_id"], []).append(row["ad_id"])
    return ranked


def _view(**kw) -> AdView:
    base = dict(
        index=0, ad_id="a1", operation="OP-1", day=date(2025, 6, 1), city="Tyler",
        state="TX", names=(), ages=(), height_in=None, weight_lb=None, hair="",
        eyes="", photo_hashes=(),
    )  # fmt: skip
    return AdView(**{**base, **kw})


def _poster(tmp_path: Path, **kw) -> object:
    rec = {"case_id": "MP-1", "name": "Brianna Lopez", "missing_date": "2025-05-01"}
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({**rec, **kw}) + "\n")
    return load_posters(path)[0]


def test_planted_persons_are_found(corpus: Path, tmp_path: Path) -> None:
    summary = match_files(
        corpus / "posters.jsonl", corpus / "scanned_truth.jsonl", tmp_path, top=10
    )
    cases = json.loads((corpus / "truth.json").read_text())["cases"]
    ranked = _ranked(tmp_path / "matches.csv")
    assert recall_at_k(ranked, cases, 10) >= 0.9
    assert recall_at_k(ranked, cases, 1) >= 0.7
    assert summary["posters"] == len(cases)
    doc = json.loads((tmp_path / "matches.json").read_text())
    best = {m["case_id"]: m for m in doc["matches"] if m["rank"] == 1}
    planted = [best[c]["score"] for c, ids in cases.items() if ids and c in best]
    decoys = [best[c]["score"] for c, ids in cases.items() if not ids and c in best]
    assert sum(planted) / len(planted) > sum(decoys) / max(1, len(decoys)) + 5
    for m in doc["matches"]:
        assert m["fields_used"] and m["operation"].startswith("OP-")
        assert set(m["evidence"]) == set(m["fields_used"])


def test_csv_posters_give_the_same_ranking(corpus: Path, tmp_path: Path) -> None:
    match_files(
        corpus / "posters.jsonl", corpus / "scanned_truth.jsonl", tmp_path / "j"
    )
    match_files(corpus / "posters.csv", corpus / "scanned_truth.jsonl", tmp_path / "c")
    assert _ranked(tmp_path / "j" / "matches.csv") == _ranked(
        tmp_path / "c" / "matches.csv"
    )


def test_poster_with_only_a_name_still_matches(tmp_path: Path) -> None:
    ads = tmp_path / "ads.jsonl"
    recs = [
        {"id": "a1", "text": "x", "phones": ["+19033121887"], "names": ["Bree"],
         "ages": [19], "posted_at": "2025-06-01T10:00", "city": "Tyler",
         "state": "TX"},
        {"id": "a2", "text": "y", "phones": ["+12145550134"], "names": ["Kim"],
         "ages": [30], "posted_at": "2025-06-01T10:00", "city": "Tyler",
         "state": "TX"},
    ]  # fmt: skip
    ads.write_text("".join(json.dumps(r) + "\n" for r in recs))
    posters = tmp_path / "posters.csv"
    posters.write_text("case_id,name,aliases\nMP-9,Brianna Lopez,Bree\n")
    match_files(posters, ads, tmp_path / "out")
    doc = json.loads((tmp_path / "out" / "matches.json").read_text())
    first = doc["matches"][0]
    assert first["ad_id"] == "a1"
    assert first["fields_used"] == ["name"]
    assert {"age", "photo", "place", "time"} <= set(first["fields_missing"])
    assert first["evidence"]["name"]["level"] == "alias"


def test_field_comparisons(tmp_path: Path) -> None:
    p = _poster(tmp_path, birth_date="2009-03-01", city="Tyler", state="TX")
    assert compare_age(p, _view(ages=(19,)))[0] == "minor_advertised_18_20"
    assert compare_age(p, _view(ages=(34,)))[0] == "inconsistent"
    assert compare_age(p, _view()) is None
    assert compare_name(p, _view(names=("Brianna",)))[0] == "exact"
    assert compare_name(p, _view(names=("Bri",)))[0] == "prefix"
    assert compare_name(p, _view(names=("Breeanna",)))[0] in {"phonetic", "fuzzy"}
    assert compare_name(p, _view(names=("Kim",)))[0] == "different"
    assert compare_name(p, _view(op_names=("Brianna",)))[0] == "operation_name"
    assert compare_place(p, _view())[0] == "same_city"
    far = _view(city="Seattle", state="WA", day=date(2025, 5, 1))
    assert compare_place(p, far)[0] == "unreachable"
    assert parse_height("5'4\"") == 64 and parse_height("163 cm") == 64.2
    assert parse_weight("120 lbs") == 120 and parse_weight("50 kg") == 110.2
    assert parse_descriptors(["height_in:64", "hair:brown"]) == {
        "height_in": "64",
        "hair": "brown",
    }


def test_body_comparisons_grade_the_difference(tmp_path: Path) -> None:
    p = _poster(tmp_path, height="5'4\"", weight="120 lbs", hair="brown")
    body = compare_body(p, _view(height_in=66.0, weight_lb=135.0, hair="brown"))
    assert body == {
        "height": ("close", "66 in vs 64 in"),
        "weight": ("near", "135 lb vs 120 lb"),
        "hair": ("same", "brown vs brown"),
        "eyes": None,
    }
    body = compare_body(p, _view(height_in=64.5, weight_lb=200.0))
    assert body["height"] == ("exact", "64 in vs 64 in")
    assert body["weight"] == ("different", "200 lb vs 120 lb")
    assert compare_body(p, _view())["height"] is None


def test_bad_posters_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"case_id": "A"}\n\n{broken\n')
    with pytest.raises(UserInputError, match="p.jsonl line 3: not JSON"):
        load_posters(path)
    path.write_text('{"case_id": "A", "missing_date": "yesterday"}\n')
    with pytest.raises(UserInputError, match="line 1 missing_date"):
        load_posters(path)
    path.write_text('{"name": "x"}\n')
    with pytest.raises(UserInputError, match="no case_id"):
        load_posters(path)


def test_an_age_out_of_range_names_the_line(tmp_path: Path) -> None:
    """age_at_missing -4 or 999 was taken as given (no poster could match)."""
    path = tmp_path / "p.csv"
    for age in ("-4", "999", "nan"):
        path.write_text(f"case_id,name,age_at_missing\nMP-1,Ana Ruiz,{age}\n")
        assert user_error(load_posters, path) == (
            f"{path} line 2: age_at_missing '{age}' is not an age from 0 to 120"
        )


def test_cli_match_writes_matches_csv(runner, corpus: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["ads", "match", "--posters", str(corpus / "posters.csv"), "--ads",
         str(corpus / "scanned_truth.jsonl"), "--out", str(tmp_path), "--top", "3"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with (tmp_path / "matches.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == MATCH_COLUMNS
    assert max(int(r["rank"]) for r in rows) == 3
    assert "fields used" in result.output


def test_cli_match_empty_ads_and_bad_photo(runner, tmp_path: Path) -> None:
    ads = tmp_path / "ads.jsonl"
    ads.write_text("")
    (tmp_path / "broken.png").write_bytes(b"nope")
    posters = tmp_path / "posters.jsonl"
    posters.write_text(
        json.dumps({"case_id": "MP-1", "name": "A B", "photo": "broken.png"}) + "\n"
    )
    result = runner.invoke(
        app,
        ["ads", "match", "--posters", str(posters), "--ads", str(ads), "--out",
         str(tmp_path / "o")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "nothing to match" in result.output
    assert "broken.png" in result.output
    assert (tmp_path / "o" / "matches.csv").read_text().startswith("case_id,rank")


def test_cli_match_refuses_an_ads_file_with_no_ad_in_it(runner, tmp_path: Path) -> None:
    """Ads given as CSV (or any file none of whose records is an ad) are an
    error naming the file and its first bad record, not an empty match."""
    ads = tmp_path / "ads.csv"
    ads.write_text("id,text\n1,call 317 555 0100\n")
    posters = tmp_path / "posters.jsonl"
    posters.write_text(json.dumps({"case_id": "MP-1", "name": "A B"}) + "\n")
    out = tmp_path / "o"
    result = runner.invoke(
        app,
        ["ads", "match", "--posters", str(posters), "--ads", str(ads), "--out",
         str(out)],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "none of its 2 records is an ad" in said and "ads.csv:1" in said
    assert not (out / "matches.csv").exists()


def test_posters_and_operations_not_utf8_name_the_file_and_line(
    tmp_path: Path,
) -> None:
    """A latin-1 or binary CSV is one sentence naming the file, not a traceback."""
    posters = tmp_path / "posters.csv"
    posters.write_bytes(b"case_id,name\nMP-1,Jos\xe9 Ruiz\n")
    assert user_error(load_posters, posters) == (
        f"posters file {posters} is not UTF-8 text (line 2); save it as UTF-8"
    )
    jsonl = tmp_path / "posters.jsonl"
    jsonl.write_bytes(b'{"case_id": "MP-1", "name": "Jos\xe9"}\n')
    assert user_error(load_posters, jsonl) == f"{jsonl} line 1: not UTF-8 text"
    assert (
        user_error(load_posters, tmp_path)
        == f"posters file {tmp_path} is a folder, not a file"
    )
    ops = tmp_path / "operations.csv"
    ops.write_bytes(b"\x93\x00\xff binary")
    ads = tmp_path / "ads.jsonl"
    ads.write_text(json.dumps({"id": "a1", "text": "call 317 555 0100"}) + "\n")
    posters.write_text("case_id,name\nMP-1,Ana Ruiz\n")
    assert user_error(match_files, posters, ads, tmp_path / "o", operations=ops) == (
        f"operations file {ops} is not UTF-8 text (line 1); save it as UTF-8"
    )
    assert not (tmp_path / "o").exists()
