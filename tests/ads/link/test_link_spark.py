"""The Spark engine of ``ads link`` gives the same operations as the default."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nowrongdoor.ads import LinkOptions, link_file
from nowrongdoor.synth.ads import generate_ads

pytestmark = pytest.mark.spark


@pytest.fixture(scope="session")
def ads_spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    pytest.importorskip("pyspark")
    from nowrongdoor._spark import spark_session

    session = spark_session(tmp_path_factory.mktemp("ads_spark") / "warehouse")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _ops(path: Path) -> list[tuple[str, str]]:
    with path.open() as fh:
        return [(r["id"], r["operation"]) for r in csv.DictReader(fh)]


def test_spark_and_default_engines_give_the_same_operations(
    ads_spark: Any, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    generate_ads(25, 5, corpus)
    src = corpus / "scanned_truth.jsonl"
    bad = corpus / "with_bad_lines.jsonl"
    lines = src.read_text().splitlines()
    (corpus / "broken.png").write_bytes(b"no image")
    first = json.loads(lines[0])
    first["images"] = [*first["images"], "broken.png"]
    bad.write_text("\n".join([json.dumps(first), "{oops", *lines[1:], lines[3]]) + "\n")
    opts = LinkOptions()
    a = link_file(bad, tmp_path / "default", options=opts)
    b = link_file(
        bad, tmp_path / "spark", options=opts, engine="spark", spark=ads_spark
    )
    assert b["engine"] == "spark"
    assert _ops(tmp_path / "default" / "operations.csv") == _ops(
        tmp_path / "spark" / "operations.csv"
    )
    for key in ("ads", "operations", "singletons", "merges", "merges_by_kind"):
        assert a[key] == b[key], key
    assert a["skipped_records"] == b["skipped_records"]
    assert len(a["skipped_records"]) == 2  # the broken line and the duplicate id
    doc_a = json.loads((tmp_path / "default" / "operations.json").read_text())
    doc_b = json.loads((tmp_path / "spark" / "operations.json").read_text())
    assert doc_a["hubs"] == doc_b["hubs"]
    assert doc_a["unreadable_images"] == doc_b["unreadable_images"] != []
    assert doc_a["operations"] == doc_b["operations"]


def test_spark_matches_the_default_engine_on_the_hard_corpus(
    ads_spark: Any, tmp_path: Path
) -> None:
    from nowrongdoor.ads import adjusted_rand_index
    from nowrongdoor.synth.ads import HARD

    corpus = tmp_path / "hard"
    generate_ads(30, 9, corpus, hard=HARD)
    src = corpus / "scanned_truth.jsonl"
    link_file(src, tmp_path / "default", graph=False)
    link_file(src, tmp_path / "spark", graph=False, engine="spark", spark=ads_spark)
    a = dict(_ops(tmp_path / "default" / "operations.csv"))
    b = dict(_ops(tmp_path / "spark" / "operations.csv"))
    ids = sorted(a)
    ari = adjusted_rand_index([a[i] for i in ids], [b[i] for i in ids])
    assert ari >= 0.999
    assert (tmp_path / "default" / "edges.csv").read_text() == (
        tmp_path / "spark" / "edges.csv"
    ).read_text()
