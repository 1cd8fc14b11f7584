"""Scanning a corpus: atomic JSONL/Parquet output, workers, summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nowrongdoor.ads import OUTPUT_KEYS, scan
from nowrongdoor.errors import UserInputError

ADS = [
    {"id": "a1", "text": "new in town! I'm 17, call nine0three 3l2 one8eight7. 80hh"},
    {"id": "a2", "text": "2012 Honda Civic for sale, cash only. 317-846-2210"},
    {"id": "a3", "text": "NO cops. INN CALLS ONLY. 24/7. call 214 863 2290"},
]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "ads.jsonl"
    lines = [json.dumps(a) for a in ADS] + ["{broken"]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_scan_jsonl(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "scanned.jsonl"
    done: list[int] = []
    summary = scan(corpus, out, on_progress=done.append, top=2)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == ["a1", "a2", "a3"]
    assert all(tuple(r) == OUTPUT_KEYS for r in records)
    assert records[0]["phones"] == ["+19033121887"]
    assert summary.read == summary.written == 3
    assert [(b.line, b.reason[:6]) for b in summary.bad] == [(4, "broken")]
    assert [r["id"] for r in summary.top] == ["a1", "a3"]
    assert done[-1] == 3
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def test_scan_workers_give_same_records(corpus: Path, tmp_path: Path) -> None:
    scan(corpus, tmp_path / "one.jsonl")
    scan(corpus, tmp_path / "two.jsonl", workers=2)
    assert (tmp_path / "one.jsonl").read_text() == (tmp_path / "two.jsonl").read_text()


def test_scan_parquet(corpus: Path, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "scanned.parquet"
    scan(corpus, out, fmt="parquet")
    table = pq.read_table(out)
    assert table.column_names == list(OUTPUT_KEYS)
    rows = table.to_pylist()
    assert rows[0]["rates"] == [{"amount": 80.0, "minutes": 30}]
    assert rows[0]["ages"] == [17]


def test_interrupted_scan_leaves_no_output(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nowrongdoor.ads._scan as scan_module

    calls = {"n": 0}

    def boom(ad: object) -> dict:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return {"score": 0.0, "id": "x"}

    monkeypatch.setattr(scan_module, "_one", boom)
    out = tmp_path / "scanned.jsonl"
    with pytest.raises(KeyboardInterrupt):
        scan(corpus, out)
    assert list(tmp_path.iterdir()) == [corpus]


def test_scan_rejects_bad_options(corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="format"):
        scan(corpus, tmp_path / "x", fmt="csv")  # type: ignore[arg-type]
    with pytest.raises(UserInputError, match="workers"):
        scan(corpus, tmp_path / "x", workers=0)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (bytes(range(256)) * 8, "no readable ads"),
        (b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n", "nested too deeply"),
        (b"\n\n", "no ads in the input"),
    ],
    ids=["random-bytes", "deep-json", "empty"],
)
def test_scan_of_unreadable_input_fails_in_one_sentence(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(content)
    out = tmp_path / "out.jsonl"
    with pytest.raises(UserInputError, match=reason) as caught:
        scan(source, out)
    message = str(caught.value)
    assert str(source) in message and message.count("\n") == 0
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_deep_json_line_is_reported_and_the_rest_scanned(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    deep = '{"text": ' + "[" * 50_000 + "]" * 50_000 + "}"
    source.write_text(json.dumps(ADS[0]) + "\n" + deep + "\n")
    summary = scan(source, tmp_path / "out.jsonl")
    assert summary.read == 1
    assert [(b.line, b.reason) for b in summary.bad] == [
        (2, "JSON nested too deeply to read")
    ]


def test_title_only_ad_is_scanned(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": "t1", "title": "Rosa - 24 - call 415 867 2291", "text": ""})
        + "\n"
        + json.dumps({"id": "t2", "title": " ", "text": " "})
        + "\n"
    )
    out = tmp_path / "out.jsonl"
    summary = scan(source, out)
    record = json.loads(out.read_text())
    assert record["phones"] == ["+14158672291"] and record["ages"] == [24]
    assert [b.line for b in summary.bad] == [2]


def test_workers_auto_is_one_per_usable_core() -> None:
    import os

    from nowrongdoor.ads._scan import resolve_workers

    assert resolve_workers("auto") == len(os.sched_getaffinity(0))
    assert resolve_workers("3") == 3
    with pytest.raises(UserInputError, match="'auto'"):
        resolve_workers("many")
    with pytest.raises(UserInputError, match="at least 1"):
        resolve_workers("0")


def _ctrl_c_ignored(_ad: object) -> bool:
    import signal

    return signal.getsignal(signal.SIGINT) == signal.SIG_IGN


def test_scan_workers_leave_ctrl_c_to_the_parent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C stops the parent, which stops its workers: no traceback per worker."""
    import multiprocessing

    from nowrongdoor.ads import _scan

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("the check reads the worker's handler through fork")
    monkeypatch.setattr(_scan, "_one", _ctrl_c_ignored)
    assert list(_scan._records(iter([1, 2, 3]), workers=2, chunksize=1)) == [
        True,
        True,
        True,
    ]
