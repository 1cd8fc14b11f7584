"""Streaming ingest of JSONL, CSV and saved HTML pages, with bad-record reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from _user_errors import user_error
from nowrongdoor.ads import BadRecord, iter_ads, load_profile
from nowrongdoor.errors import UserInputError


def _write_lines(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_jsonl_bad_records_reported_and_skipped(tmp_path: Path) -> None:
    big = json.dumps({"id": "big", "text": "x" * 5_000_001}).encode()
    path = _write_lines(
        tmp_path / "ads.jsonl",
        [
            json.dumps(
                {"id": "a1", "text": "call 903 312 1887", "city": "Tyler"}
            ).encode(),
            b'{"id": "a2", "text": "caf\xff"}',
            b'{"id": "a3", "text": ',
            json.dumps({"id": "a4", "text": "   "}).encode(),
            big,
            b"[1, 2]",
            json.dumps(
                {"id": "a7", "text": "ok", "images": ["a.jpg"], "gold": {}}
            ).encode(),
        ],
    )
    bad: list[BadRecord] = []
    ads = list(iter_ads(path, on_bad=bad.append))
    assert [a.id for a in ads] == ["a1", "a7"]
    assert ads[0].city == "Tyler" and ads[0].source.endswith("ads.jsonl:1")
    assert ads[1].images == ("a.jpg",) and ads[1].extra == {"gold": {}}
    assert [(b.line, b.reason.split(" ")[0]) for b in bad] == [
        (2, "not"),
        (3, "broken"),
        (4, "empty"),
        (5, "record"),
        (6, "a"),
    ]
    assert all(b.file == str(path) for b in bad)
    assert "not valid UTF-8" in bad[0].reason


def test_bad_records_warn_when_no_sink(tmp_path: Path) -> None:
    path = _write_lines(tmp_path / "ads.jsonl", [b"{broken"])
    with pytest.warns(UserWarning, match="broken JSON"):
        assert list(iter_ads(path)) == []


def test_csv(tmp_path: Path) -> None:
    path = tmp_path / "ads.csv"
    path.write_bytes(
        b"id,text,state,poster_age\n"
        b'c1,"new in town, call 903 312 1887",TX,30\n'
        b"c2,bad \xff byte,TX,\n"
        b"c3,,TX,\n"
    )
    bad: list[BadRecord] = []
    ads = list(iter_ads(path, on_bad=bad.append))
    assert [(a.id, a.state, a.poster_age) for a in ads] == [("c1", "TX", "30")]
    assert [b.line for b in bad] == [3, 4]
    assert "UTF-8" in bad[0].reason and "empty" in bad[1].reason


def test_csv_without_text_column(tmp_path: Path) -> None:
    path = tmp_path / "ads.csv"
    path.write_text("id,body\n1,hello\n")
    with pytest.raises(UserInputError, match="'text' column"):
        list(iter_ads(path))


def test_unknown_kind_and_missing_path(tmp_path: Path) -> None:
    path = tmp_path / "ads.xlsx"
    path.write_text("x")
    with pytest.raises(UserInputError, match="unknown input kind"):
        list(iter_ads(path))
    with pytest.raises(UserInputError, match="no such file"):
        list(iter_ads(tmp_path / "nope.jsonl"))


PROFILE = """
name = "classifieds"
[fields]
text = "#postingBody"
title = "h1"
city = { selector = ".location", regex = "Location:\\\\s*(\\\\w+)" }
id = { selector = ".postId", regex = "(\\\\d+)" }
poster_age = ".age"
images = { selector = "img", attr = "src" }
"""

PAGE = """<html><body><h1>Sweet and new - 19</h1>
<div class="location">Location: Tyler</div>
<div id="postingBody">new in town! call 903 312 1887. 80hh</div>
<div class="age">19</div><div class="postId">Post ID: 25265660 tyler</div>
<img src="a.jpg"><img src="b.jpg"></body></html>"""


def test_html_folder_with_profile(tmp_path: Path) -> None:
    (tmp_path / "site-profile.toml").write_text(PROFILE)
    (tmp_path / "p1.html").write_text(PAGE)
    (tmp_path / "p2.html").write_text("<html><body><h1>No body here</h1></body></html>")
    (tmp_path / "p3.html").write_bytes(b"<html>\xff</html>")
    bad: list[BadRecord] = []
    ads = list(iter_ads(tmp_path, on_bad=bad.append))
    assert len(ads) == 1
    ad = ads[0]
    assert (ad.id, ad.city, ad.poster_age, ad.title) == (
        "25265660",
        "Tyler",
        "19",
        "Sweet and new - 19",
    )
    assert ad.images == ("a.jpg", "b.jpg")
    assert "903 312 1887" in ad.text
    assert sorted(Path(b.file).name for b in bad) == ["p2.html", "p3.html"]
    assert any("#postingBody" in b.reason for b in bad)


def test_html_folder_needs_profile(tmp_path: Path) -> None:
    (tmp_path / "p1.html").write_text(PAGE)
    with pytest.raises(UserInputError, match="site profile"):
        list(iter_ads(tmp_path))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[fields]\ntitle = 'h1'\n", "where 'text' is"),
        ("[fields]\ntext = 'p'\nprice = 'b'\n", "unknown field 'price'"),
        ("not toml [", "not a valid site-profile"),
        ("[fields]\ntext = { selector = 'p', regex = '(' }\n", "regex"),
    ],
)
def test_bad_profiles(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "profile.toml"
    path.write_text(body)
    with pytest.raises(UserInputError, match=message):
        load_profile(path)


def test_profiles_that_cannot_be_used_are_one_sentence(tmp_path: Path) -> None:
    """A missing, folder, latin-1 profile or a selector that is not CSS names
    the file (no errno, no selectolax traceback from a worker)."""
    path = tmp_path / "profile.toml"
    path.write_text("[fields]\ntext = '[[['\n")
    assert user_error(load_profile, path) == (
        f"{path}: field 'text' selector '[[[' is not a CSS selector."
    )
    path.write_bytes(b"[fields]\ntext = 'p'\n# caf\xe9\n")
    assert user_error(load_profile, path) == (
        f"site profile {path} is not UTF-8 text (line 3); save it as UTF-8"
    )
    for where, said in ((tmp_path / "nope.toml", "does not exist"),
                        (tmp_path, "is a folder, not a file")):  # fmt: skip
        assert user_error(load_profile, where) == f"site profile {where} {said}"


def test_csv_reading_leaves_the_process_wide_field_limit_alone(tmp_path: Path) -> None:
    import csv

    before = csv.field_size_limit()
    path = tmp_path / "ads.csv"
    path.write_text('id,text\nc1,"' + "long ad, call 903 312 1887 " * 5000 + '"\n')
    ads = list(iter_ads(path))
    assert [a.id for a in ads] == ["c1"]  # a field over the default limit is read
    assert csv.field_size_limit() == before


def test_a_profile_for_a_file_is_refused_not_ignored(tmp_path: Path) -> None:
    """``--profile`` with a JSONL or CSV file (conflicting options) is an error,
    not silently ignored."""
    path = tmp_path / "ads.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "hi"}) + "\n")
    said = user_error(list, iter_ads(path, profile=tmp_path / "site-profile.toml"))
    assert (
        said == f"{path} is a file: a site profile is only for a folder of HTML pages."
    )
