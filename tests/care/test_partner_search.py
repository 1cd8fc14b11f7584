"""Ranked full-text partner search: one contract on SQLite FTS5 and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import delete, update

from nowrongdoor.care import crud
from nowrongdoor.care.enums import OrgKind
from nowrongdoor.care.hsds import import_hsds, load_hsds, tables_from_document
from nowrongdoor.care.models import Organization, PartnerService
from nowrongdoor.care.seed import demo_partners_hsds

EXAMPLE = Path(__file__).parent / "data" / "hsds3-example"


def _names(db: Any, text: str, **filters: Any) -> list[str]:
    with db.session() as s:
        rows, total = crud.search_services(s, text=text, **filters)
        assert total == len(rows)
        return [r.name for r in rows]


def test_rank_weighs_where_the_word_was_found(db: Any) -> None:
    with db.session() as s:
        plain = crud.create_organization(
            s, name="Riverside Partners", kind=OrgKind.PARTNER
        )
        named = crud.create_organization(
            s, name="Housing First Inc", kind=OrgKind.PARTNER
        )
        s.add_all(
            [
                # description only (weight 1)
                PartnerService(
                    organization_id=plain.id,
                    name="Drop-in centre",
                    description="Meals, showers and help finding housing.",
                ),
                # organisation's name (weight 2)
                PartnerService(organization_id=named.id, name="Beds tonight"),
                # taxonomy term (weight 4)
                PartnerService(
                    organization_id=plain.id,
                    name="Safe rooms",
                    service_types="|trafficking_housing|",
                ),
                # the service's own name (weight 10)
                PartnerService(organization_id=plain.id, name="Youth housing"),
                PartnerService(organization_id=plain.id, name="Legal clinic"),
            ]
        )
    expected = ["Youth housing", "Safe rooms", "Beds tonight", "Drop-in centre"]
    assert _names(db, "housing") == expected
    # stemmed and prefix forms find the same services in the same order
    assert _names(db, "Housings") == expected
    assert _names(db, "hous") == expected
    # every word must be found; stop words are not looked for
    assert _names(db, "housing for the youth") == ["Youth housing"]
    assert _names(db, "housing legal") == []
    # ties keep name order; a page is a slice of the ranked list
    with db.session() as s:
        page, total = crud.search_services(s, text="housing", limit=2, offset=1)
    assert [p.name for p in page] == expected[1:3] and total == 4


def test_index_follows_writes(db: Any) -> None:
    with db.session() as s:
        org = crud.create_organization(s, name="Harbor House", kind=OrgKind.PARTNER)
        service = PartnerService(organization_id=org.id, name="Counselling")
        s.add(service)
        s.flush()
        service_id, org_id = service.id, org.id
    assert _names(db, "harbor counselling") == ["Counselling"]
    with db.session() as s:
        s.execute(
            update(Organization)
            .where(Organization.id == org_id)
            .values(name="Beacon Place")
        )
        s.execute(
            update(PartnerService)
            .where(PartnerService.id == service_id)
            .values(name="Therapy groups")
        )
    assert _names(db, "harbor") == [] and _names(db, "counselling") == []
    assert _names(db, "beacon therapy") == ["Therapy groups"]
    with db.session() as s:
        s.execute(delete(PartnerService).where(PartnerService.id == service_id))
    assert _names(db, "beacon") == []


def test_hsds_services_found_by_plain_words(db: Any) -> None:
    with db.session() as s:
        import_hsds(s, tables_from_document(demo_partners_hsds()))
        import_hsds(s, load_hsds(EXAMPLE / "csv"))
    # names first: the two shelters named so, then a description's "shelters"
    sheltered = _names(db, "shelter")
    assert sheltered[0] == "Domestic violence shelters"
    assert "Residential programs housing trafficked victims" in sheltered
    assert "Child advocacy centers" not in sheltered
    assert _names(db, "trauma therapy") == ["Behavioral health providers and agencies"]
    assert _names(db, "youth shelter") == [
        "Residential programs housing trafficked victims"
    ]
    assert _names(db, "counselling") == ["Community Counselling"]
    # filters still apply to the ranked words
    assert _names(db, "shelter", age=16) == [
        "Residential programs housing trafficked victims"
    ]
    # punctuation and query syntax are plain characters, never an error
    assert _names(db, 'shelter" OR *') == sheltered
    assert _names(db, "100%") == []
    # no searchable word: no word filter
    with db.session() as s:
        _, everything = crud.search_services(s)
    assert len(_names(db, "the")) == everything
