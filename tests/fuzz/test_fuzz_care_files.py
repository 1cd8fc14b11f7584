"""Fuzzing the care service's file parsers: HSDS JSON and CSV packages, the
population worklist and the ad-match leads imports.

Each target gets bytes near a valid file (and pure noise): the parser returns,
or stops with one sentence; never a traceback.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fuzz_helpers import FUZZ, mutated, one_line_or_ok
from hypothesis import given

from nowrongdoor.care.db import Database
from nowrongdoor.care.hsds import read_csv_package, read_json
from nowrongdoor.care.imports import import_worklist, read_text_file
from nowrongdoor.care.migrate import upgrade
from nowrongdoor.care.models import Organization
from nowrongdoor.settings import build_settings

HSDS_DOC = json.dumps(
    {
        "id": "6f1c2a5e-0000-4000-8000-000000000001",
        "name": "Harbor House",
        "description": "Emergency shelter for youth.",
        "services": [
            {
                "id": "6f1c2a5e-0000-4000-8000-000000000002",
                "name": "Beds",
                "status": "active",
                "phones": [{"id": "p1", "number": "317-555-0100"}],
            }
        ],
    }
).encode()
WORKLIST = (
    b"member_id,age,tier,score,pathway,reasons\n"
    b'M-1,15,high,70,prevent,"[{""label"":""Foster care"",""sensitivity"":""""}]"\n'
    b"M-2,31,identified,95,survive,[]\n"
)


@given(data=mutated(HSDS_DOC))
@FUZZ
def test_hsds_json(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("hsds") / "org.json"
    path.write_bytes(data)
    one_line_or_ok("hsds json", lambda: read_json(path))


@given(
    descriptor=mutated(
        json.dumps(
            {"resources": [{"name": "organization", "path": "organizations.csv"}]}
        ).encode()
    ),
    table=mutated(b"id,name,description\no1,Harbor House,Shelter\n"),
)
@FUZZ
def test_hsds_csv_package(
    tmp_path_factory: pytest.TempPathFactory, descriptor: bytes, table: bytes
) -> None:
    folder = tmp_path_factory.mktemp("pkg")
    (folder / "datapackage.json").write_bytes(descriptor)
    (folder / "organizations.csv").write_bytes(table)
    one_line_or_ok("hsds csv package", lambda: read_csv_package(folder))


@pytest.fixture(scope="module")
def care(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, int]]:
    tmp = tmp_path_factory.mktemp("care")
    settings = build_settings(
        env={},
        environment="test",
        data_dir=tmp,
        database_url=f"sqlite:///{(tmp / 'care.db').as_posix()}",
        secret_key="fuzz-secret-key",
    )
    db = Database(settings)
    upgrade(db.engine)
    with db.session() as s:
        org = Organization(name="Plan", kind="plan")
        s.add(org)
        s.flush()
        org_id = org.id
    yield db, org_id
    db.dispose()


def _import(db: Database, org_id: int, path: Path, kind: str) -> Any:
    text = read_text_file(path)
    with db.sessionmaker() as session:
        try:
            assert kind == "worklist"
            return import_worklist(
                session,
                cipher=db.cipher,
                actor=None,
                organization_id=org_id,
                text=text,
                name=str(path),
                source=f"fuzz-{uuid.uuid4().hex[:8]}",
            )
        finally:
            session.rollback()


@given(data=mutated(WORKLIST))
@FUZZ
def test_worklist_import(
    care: tuple[Database, int], tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("wl") / "worklist.csv"
    path.write_bytes(data)
    one_line_or_ok("care import-worklist", lambda: _import(*care, path, "worklist"))
