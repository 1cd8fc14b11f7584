"""Partner directory: the official HSDS 3 example (CSV package and JSON) and search."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from nowrongdoor.care.hsds import (
    HsdsTables,
    import_hsds,
    load_hsds,
    tables_from_document,
)
from nowrongdoor.care.models import (
    Organization,
    PartnerLocation,
    PartnerPhone,
    PartnerService,
    ServiceAtLocation,
)
from nowrongdoor.care.seed import demo_partners_hsds
from nowrongdoor.errors import UserInputError

EXAMPLE = Path(__file__).parent / "data" / "hsds3-example"
ORG_ID = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"


def test_official_csv_package(db: Any) -> None:
    with db.session() as s:
        report = import_hsds(s, load_hsds(EXAMPLE / "csv"))
    assert (report.organizations, report.services, report.locations) == (1, 1, 1)
    assert report.services_at_location == 1 and report.phones == 1
    # the example's location names an organization that is not in the data
    assert any("985e4a42" in w for w in report.warnings)
    with db.session() as s:
        service = s.scalar(
            select(PartnerService).where(PartnerService.hsds_id == SERVICE_ID)
        )
        assert service is not None
        assert service.name == "Community Counselling"
        assert (service.minimum_age, service.maximum_age) == (12, 100)
        phone = s.scalar(select(PartnerPhone))
        assert phone is not None and phone.number == "+44 1234 234567"


@pytest.mark.parametrize(
    "name",
    ["organization_full.json", "service_full.json", "service_at_location_full.json"],
)
def test_official_json_documents(db: Any, name: str) -> None:
    with db.session() as s:
        report = import_hsds(s, load_hsds(EXAMPLE / "json" / name))
    assert report.organizations == 1 and report.services == 1
    with db.session() as s:
        org = s.scalar(select(Organization).where(Organization.hsds_id == ORG_ID))
        assert org is not None and org.name == "Example Organization Inc."
        assert org.kind == "partner"


def test_reimport_updates_in_place(db: Any) -> None:
    for _ in range(2):
        with db.session() as s:
            import_hsds(s, load_hsds(EXAMPLE / "csv"))
            import_hsds(s, load_hsds(EXAMPLE / "json" / "organization_full.json"))
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(PartnerService)) == 1
        assert s.scalar(select(func.count()).select_from(Organization)) == 1


def test_missing_column_names_file_and_column(db: Any, tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    shutil.copytree(EXAMPLE / "csv", pkg)
    services = pkg / "services.csv"
    lines = services.read_text().splitlines()
    services.write_text(
        "\n".join([lines[0].replace("organization_id,", "org,"), *lines[1:]])
    )
    with pytest.raises(
        UserInputError,
        match=r"services\.csv: missing required column 'organization_id'",
    ):
        load_hsds(pkg)
    with pytest.raises(UserInputError, match="no datapackage.json|neither"):
        load_hsds(tmp_path)
    broken = tmp_path / "broken.json"
    broken.write_text('{"id": ')
    with pytest.raises(UserInputError, match="broken.json: not valid JSON"):
        load_hsds(broken)


def test_empty_required_field_names_the_row(db: Any, tmp_path: Path) -> None:
    doc = json.loads((EXAMPLE / "json" / "organization_full.json").read_text())
    doc["services"][0]["name"] = ""
    with (
        db.session() as s,
        pytest.raises(UserInputError, match="service field 'name' is empty"),
    ):
        import_hsds(s, tables_from_document(doc, "upload"))


def test_search_by_type_age_and_place(client: TestClient, world: Any, db: Any) -> None:
    with db.session() as s:
        import_hsds(s, tables_from_document(demo_partners_hsds()))
    headers = world.headers("cm_a")

    def names(query: str) -> set[str]:
        r = client.get(f"/api/v1/partners/services?{query}", headers=headers)
        assert r.status_code == 200, r.text
        return {item["organization_name"] for item in r.json()["items"]}

    assert names("service_type=child_advocacy_centers") == {
        "Crossroads Child Advocacy Center"
    }
    assert names("service_type=Child advocacy centers") == {
        "Crossroads Child Advocacy Center"
    }
    sixteen = names("age=16")
    assert "Crossroads Child Advocacy Center" in sixteen
    assert "Harbor Light Domestic Violence Shelter" not in sixteen  # adults only
    assert "Crossroads Child Advocacy Center" not in names("age=30")
    assert names("place=gary") == {
        "Lighthouse Survivor Advocates",
        "Open Door Community Collaborative",
    }
    assert names("place=46204&age=15&service_type=trafficking_housing") == {
        "Safe Harbor Youth Shelter"
    }
    # care managers search in words: organisation names and taxonomy words count
    sheltered = names("q=shelter")
    assert {
        "Safe Harbor Youth Shelter",
        "Harbor Light Domestic Violence Shelter",
    } <= sheltered
    assert "Crossroads Child Advocacy Center" not in sheltered
    assert "Harbor Light Domestic Violence Shelter" in names("service_type=shelter")
    assert "Safe Harbor Youth Shelter" in names("service_type=housing")
    assert names("q=100%25") == set()  # a LIKE wildcard is a plain character
    detail = client.get(
        "/api/v1/partners/services?place=Evansville", headers=headers
    ).json()
    item = detail["items"][0]
    assert item["locations"][0]["city"] == "Evansville" and item["phones"]


def test_import_endpoint_takes_json(client: TestClient, world: Any) -> None:
    doc = json.loads((EXAMPLE / "json" / "service_full.json").read_text())
    r = client.post(
        "/api/v1/partners/import", json=doc, headers=world.headers("admin_a")
    )
    assert r.status_code == 200 and r.json()["services"] == 1
    bad = client.post(
        "/api/v1/partners/import", json={"hello": 1}, headers=world.headers("admin_a")
    )
    assert bad.status_code == 400 and "not an HSDS" in bad.json()["error"]["message"]


@pytest.mark.parametrize(
    ("where", "value", "said"),
    [
        ("services", "not a list", "upload: services must be a list of objects"),
        ("phones", [1], "upload: phones must be a list of objects"),
        ("locations", [{"id": "l", "addresses": "x"}], "addresses must be a list"),
        ("services.0.attributes", [5], "attributes must be a list of objects"),
        ("services.0.minimum_age", "1e400", "minimum_age': '1e400' is not a whole"),
        ("services.0.minimum_age", "12.5", "minimum_age': '12.5' is not a whole"),
        ("locations.0.latitude", "north", "latitude': 'north' is not a number"),
        ("locations.0.longitude", "1e999", "longitude': '1e999' is not a number"),
        ("locations.0.latitude", "nan", "latitude': 'nan' is not a number"),
        ("services.0.maximum_age", 10**30, r"is not an age \(0 to 150\)"),
        ("services.0.name", "Safe\x00Harbor", "service field 'name' holds a NUL"),
    ],
)
def test_a_wrongly_shaped_document_is_one_sentence(
    db: Any, where: str, value: Any, said: str
) -> None:
    doc = json.loads((EXAMPLE / "json" / "organization_full.json").read_text())
    *path, last = where.split(".")
    node = doc
    for step in path:
        node = node[int(step)] if step.isdigit() else node[step]
    node[last] = value
    with db.session() as s, pytest.raises(UserInputError, match=said):
        import_hsds(s, tables_from_document(doc, "upload"))


#: Every text field the import keeps in a column of limited length: HSDS table,
#: field, the column it lands in, and the row that carries it (with the fields
#: the table needs).
LIMITED = [
    ("organization", "id", Organization.hsds_id),
    ("organization", "name", Organization.name),
    ("organization", "alternate_name", Organization.alternate_name),
    ("organization", "email", Organization.email),
    ("organization", "website", Organization.website),
    ("service", "id", PartnerService.hsds_id),
    ("service", "name", PartnerService.name),
    ("service", "alternate_name", PartnerService.alternate_name),
    ("service", "status", PartnerService.status),
    ("service", "url", PartnerService.url),
    ("service", "email", PartnerService.email),
    ("location", "id", PartnerLocation.hsds_id),
    ("location", "name", PartnerLocation.name),
    ("address", "address_1", PartnerLocation.address_1),
    ("address", "city", PartnerLocation.city),
    ("address", "state_province", PartnerLocation.state_province),
    ("address", "postal_code", PartnerLocation.postal_code),
    ("address", "country", PartnerLocation.country),
    ("service_at_location", "id", ServiceAtLocation.hsds_id),
    ("phone", "id", PartnerPhone.hsds_id),
    ("phone", "number", PartnerPhone.number),
    ("phone", "extension", PartnerPhone.extension),
    ("phone", "type", PartnerPhone.phone_type),
]

_ROWS: dict[str, dict[str, str]] = {
    "organization": {"id": "org-1", "name": "Safe Harbor Youth Shelter"},
    "service": {"id": "svc-1", "organization_id": "org-1", "name": "Shelter"},
    "location": {"id": "loc-1", "organization_id": "org-1", "name": "Main St"},
    "address": {"id": "adr-1", "location_id": "loc-1", "city": "Gary"},
    "service_at_location": {
        "id": "sal-1",
        "service_id": "svc-1",
        "location_id": "loc-1",
    },
    "phone": {"id": "ph-1", "service_id": "svc-1", "number": "555-0100"},
}


def _directory(table: str, field: str, value: str) -> HsdsTables:
    """A small directory, every table filled, with ``value`` in one field."""
    tables = HsdsTables()
    for name, row in _ROWS.items():
        given = {**row, field: value} if name == table else row
        tables.add(name, given, f"{name}s.csv, row 2")
    return tables


@pytest.mark.parametrize(
    ("table", "field", "column"), LIMITED, ids=[f"{t}.{f}" for t, f, _ in LIMITED]
)
def test_a_value_longer_than_its_column_is_refused_not_cut(
    db: Any, table: str, field: str, column: Any
) -> None:
    limit = column.type.length
    assert isinstance(limit, int)
    with db.session() as s:
        import_hsds(s, _directory(table, field, "x" * limit))  # a full column: kept
    with db.session() as s:
        model = column.class_
        stored = s.scalars(select(column)).all()
        assert "x" * limit in stored, (model, stored)
    with db.session() as s, pytest.raises(UserInputError) as caught:
        import_hsds(s, _directory(table, field, "y" * (limit + 1)))
    said = str(caught.value)
    assert said.startswith(f"{table}s.csv, row 2: {table} "), said
    assert said.endswith(
        f"field {field!r} has {limit + 1} characters, more than the {limit} it may hold"
    ), said
    with db.session() as s:
        assert not s.scalars(select(column).where(column.like("y%"))).all()


def test_an_over_long_name_in_a_package_imports_nothing(
    db: Any, tmp_path: Path
) -> None:
    pkg = tmp_path / "pkg"
    shutil.copytree(EXAMPLE / "csv", pkg)
    services = pkg / "services.csv"
    services.write_text(
        services.read_text().replace("Community Counselling", "Counselling " * 30)
    )
    with db.session() as s, pytest.raises(UserInputError) as caught:
        import_hsds(s, load_hsds(pkg))
    assert str(caught.value) == (
        f"{services}, row 2: service '{SERVICE_ID}' field 'name' has 359 "
        "characters, more than the 300 it may hold"
    )
    with db.session() as s:  # the organisation before it was not written either
        assert s.scalar(select(func.count()).select_from(Organization)) == 0
        assert s.scalar(select(func.count()).select_from(PartnerService)) == 0


def test_a_package_file_that_is_not_there_is_warned_about(
    db: Any, tmp_path: Path
) -> None:
    pkg = tmp_path / "pkg"
    shutil.copytree(EXAMPLE / "csv", pkg)
    (pkg / "phones.csv").unlink()
    with db.session() as s:
        report = import_hsds(s, load_hsds(pkg))
    assert report.phones == 0
    assert (
        f"{pkg / 'datapackage.json'}: phone file 'phones.csv' is not in the "
        "package; none of its rows were read"
    ) in report.warnings
