"""Fuzzing the batch pipelines' readers: population claims CSV/Parquet and FHIR
NDJSON, ads JSONL/CSV and saved HTML pages.

Bytes near a valid file (and noise): the run writes its outputs, or stops with
one sentence; never a traceback. Population runs are slower (a DuckDB run per
case), so they get fewer examples (``SLOWEST``); ads cases run the extractor
too (``SLOW``).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fuzz_helpers import SLOW, SLOWEST, mutated, one_line_or_ok
from hypothesis import given

from nowrongdoor.ads import extract, iter_ads
from nowrongdoor.errors import UserInputError
from nowrongdoor.population import connect, score_population

CLAIMS = (
    b"member_id,birth_date,sex,claim_id,service_date,place_of_service,dx1,dx2,dx3\n"
    b"M1,2010-01-01,F,c1,2025-01-10,23,T74.51XA,F11.20,\n"
    b"M2,1990-02-01,M,c2,2025-03-01,11,Z62.892,A54.00,\n"
)
FHIR = (
    "\n".join(
        json.dumps(x)
        for x in [
            {
                "resourceType": "Patient",
                "id": "P1",
                "birthDate": "2009-05-01",
                "gender": "female",
            },
            {
                "resourceType": "Condition",
                "id": "c1",
                "subject": {"reference": "Patient/P1"},
                "recordedDate": "2025-02-01",
                "code": {
                    "coding": [
                        {
                            "system": "http://hl7.org/fhir/sid/icd-10-cm",
                            "code": "Z62.892",
                        }
                    ]
                },
            },
        ]
    )
    + "\n"
).encode()
ADS_JSONL = (
    json.dumps(
        {
            "id": "a1",
            "title": "New in town",
            "text": "Sweet Rosa, 19, new in town. Call 317-555-0142. 200 roses/hr",
            "city": "Indianapolis",
            "state": "IN",
        }
    ).encode()
    + b"\n"
)
ADS_CSV = b'id,title,text\na1,New,"Sweet Rosa, 19. Call 317-555-0142"\n'
ADS_HTML = (
    b"<html><head><title>Rosa</title></head><body><div class='post'>"
    b"<h1>New in town</h1><p>Call 317 555 0142, 19 yo</p></div></body></html>"
)


def _parquet_seed() -> bytes:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    table = pacsv.read_csv(io.BytesIO(CLAIMS))
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_batches(table.to_batches()), sink)
    return sink.getvalue()


@pytest.fixture(scope="module")
def engine() -> Iterator[Any]:
    eng = connect("duckdb")
    yield eng
    eng.close()


def _score(engine: Any, tmp: Any, name: str, data: bytes) -> Any:
    path = tmp / name
    path.write_bytes(data)
    return score_population([path], tmp / "out", engine=engine, as_of=date(2025, 6, 30))


@given(data=mutated(CLAIMS))
@SLOWEST
def test_population_claims_csv(
    engine: Any, tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    tmp = tmp_path_factory.mktemp("pop")
    one_line_or_ok("population csv", lambda: _score(engine, tmp, "claims.csv", data))


@given(data=mutated(_parquet_seed()))
@SLOWEST
def test_population_claims_parquet(
    engine: Any, tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    tmp = tmp_path_factory.mktemp("pop")
    one_line_or_ok(
        "population parquet", lambda: _score(engine, tmp, "claims.parquet", data)
    )


@given(data=mutated(FHIR))
@SLOWEST
def test_population_fhir_ndjson(
    engine: Any, tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    tmp = tmp_path_factory.mktemp("pop")
    one_line_or_ok(
        "population ndjson", lambda: _score(engine, tmp, "bulk.ndjson", data)
    )


def _ads(path: Any) -> list[Any]:
    bad: list[Any] = []
    ads = list(iter_ads(path, on_bad=bad.append))
    for ad in ads:
        extract(ad.text, use_lexicon=False)
    return ads


@given(data=mutated(ADS_JSONL * 2))
@SLOW
def test_ads_jsonl(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("ads") / "ads.jsonl"
    path.write_bytes(data)
    one_line_or_ok("ads jsonl", lambda: _ads(path))


@given(data=mutated(ADS_CSV))
@SLOW
def test_ads_csv(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("ads") / "ads.csv"
    path.write_bytes(data)
    one_line_or_ok("ads csv", lambda: _ads(path))


@given(data=mutated(ADS_HTML))
@SLOW
def test_ads_html(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    folder = tmp_path_factory.mktemp("html")
    (folder / "page.html").write_bytes(data)
    one_line_or_ok("ads html", lambda: _ads(folder))


@pytest.mark.parametrize(
    ("header", "needle"),
    [
        ("x,,dx1", "column 8 has no name"),
        ("x,x,dx1", "repeats"),
    ],
)
def test_population_header_found_by_the_fuzzer(
    engine: Any, tmp_path: Any, header: str, needle: str
) -> None:
    full = "member_id,birth_date,sex,claim_id,service_date,place_of_service,"
    data = (
        full + header + "\nM1,2010-01-01,F,c1,2025-01-10,23,M1,x,Z62.892\n"
    ).encode()
    with pytest.raises(UserInputError, match=needle):
        _score(engine, tmp_path, "claims.csv", data)
