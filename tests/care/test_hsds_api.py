"""The public HSDS 3 directory API: pages, taxonomy and text search, ids,
rate limit, and a round trip through our own HSDS importer."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from nowrongdoor.care.app import create_app
from nowrongdoor.care.hsds import import_hsds, tables_from_document
from nowrongdoor.care.models import Organization, PartnerLocation, ServiceAtLocation

PAGE_KEYS = {
    "total_items", "total_pages", "page_number", "size", "first_page",
    "last_page", "empty", "contents",
}  # fmt: skip


def test_public_pages_and_search(client: TestClient, db: Any, world: Any) -> None:
    with db.session() as s:
        loc = PartnerLocation(
            organization_id=world.orgs["p"],
            name="Shelter P main site",
            address_1="1 Elm St",
            city="Springfield",
            state_province="IL",
            postal_code="62701",
        )
        s.add(loc)
        s.flush()
        s.add(ServiceAtLocation(service_id=world.services["p"], location_id=loc.id))
    services = client.get("/hsds/services")  # no sign-in
    assert services.status_code == 200
    page = services.json()
    assert set(page) == PAGE_KEYS and page["total_items"] == 2
    first = page["contents"][0]
    terms = [a["taxonomy_term"]["code"] for a in first["attributes"]]
    assert terms == ["trafficking_housing"]
    by_term = client.get(
        "/hsds/services", params={"taxonomy_term": "trafficking_housing"}
    )
    assert by_term.json()["total_items"] == 2
    none = client.get("/hsds/services", params={"taxonomy_term": "food"}).json()
    assert none["total_items"] == 0 and none["empty"] is True
    text = client.get("/hsds/services", params={"search": "shelter q"}).json()
    assert [s["name"] for s in text["contents"]] == ["Beds at Shelter Q"]
    paged = client.get("/hsds/services", params={"per_page": 1, "page": 2}).json()
    assert paged["total_pages"] == 2 and paged["last_page"] and paged["size"] == 1
    one = client.get(f"/hsds/services/{first['id']}").json()
    assert one["service_at_locations"][0]["location"]["addresses"][0]["city"] == (
        "Springfield"
    )
    locs = client.get("/hsds/locations", params={"search": "springfield"}).json()
    assert locs["total_items"] == 1
    lid = locs["contents"][0]["id"]
    assert client.get(f"/hsds/locations/{lid}").json()["name"] == "Shelter P main site"
    orgs = client.get("/hsds/organizations").json()
    assert {o["name"] for o in orgs["contents"]} == {
        "Shelter P",
        "Shelter Q",
    }  # not plans
    oid = orgs["contents"][0]["id"]
    assert client.get(f"/hsds/organizations/{oid}").json()["id"] == oid
    assert client.get("/hsds/organizations/nope").status_code == 404
    assert client.get("/hsds/services", params={"per_page": 0}).status_code == 422


def test_our_importer_reads_our_pages_back(
    client: TestClient, db: Any, world: Any
) -> None:
    page = client.get("/hsds/organizations").json()
    tables = tables_from_document(page)
    assert {r["name"] for r in tables.rows["organization"]} == {
        "Shelter P",
        "Shelter Q",
    }
    assert {r["name"] for r in tables.rows["service"]} == {
        "Beds at Shelter P", "Beds at Shelter Q",
    }  # fmt: skip
    with db.session() as s:
        report = import_hsds(s, tables)
        assert report is not None
        ids = {o["id"] for o in page["contents"]}
        again = s.query(Organization).filter(Organization.hsds_id.in_(ids)).count()
    assert again == 2


def test_directory_is_rate_limited(db: Any, world: Any) -> None:
    settings = db.settings.model_copy(update={"hsds_rate_per_minute": 3})
    client = TestClient(create_app(settings, database=db, include_web=False))
    codes = [client.get("/hsds/services").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
