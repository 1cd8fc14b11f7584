"""The operations list's city and indicator filters find an operation however
long its lists are (the derived search columns keep every city and code), and
its sorts run the way their names say."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from nowrongdoor.care.investigate import crud
from nowrongdoor.care.investigate.importer import AdsImport, import_ads
from nowrongdoor.care.investigate.schemas import OperationFilters
from nowrongdoor.care.models import InvAd, InvOperation, User


def _long_lists(job: AdsImport, tmp_path: Path) -> tuple[AdsImport, str, str]:
    """``job`` with its first operation given 300 cities and 40 extra
    indicator codes (each sorting before ``youth``), and its first ad 40
    indicators; the operation's key and its last city."""
    assert job.link_dir is not None
    doc = json.loads((job.link_dir / "operations.json").read_text())
    op = doc["operations"][0]
    cities = [f"Springfield {n:03d}, IL" for n in range(300)]
    op["cities"] = cities
    extra = {f"extra_code_{n:02d}": 1 for n in range(40)}
    op["indicator_mix"] = {**extra, "youth": 2}
    link = tmp_path / "linked"
    link.mkdir()
    (link / "operations.json").write_text(json.dumps(doc))
    (link / "edges.csv").write_bytes((job.link_dir / "edges.csv").read_bytes())
    lines = job.scanned.read_text().splitlines()
    first = json.loads(lines[0])
    first["indicators"] = [
        *({"code": c, "weight": 0.1, "evidence": "x"} for c in extra),
        {"code": "youth", "weight": 0.5, "evidence": "young"},
    ]
    scanned = tmp_path / "scanned.jsonl"
    scanned.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n")
    assert len("|".join(cities)) > 4000 and len("|".join(extra)) > 400
    return AdsImport(scanned=scanned, link_dir=link), op["operation"], cities[-1]


def test_a_city_or_indicator_past_the_old_cut_still_finds_the_operation(
    db: Any, world: Any, ads_files: AdsImport, tmp_path: Path, make_investigator: Any
) -> None:
    job, op_key, last_city = _long_lists(ads_files, tmp_path)
    with db.session() as s:
        import_ads(s, cipher=db.cipher, organization_id=world.orgs["a"], job=job)
    user = make_investigator(world.orgs["a"], "investigator.a")
    with db.session() as s:
        viewer = s.get(User, user.id)

        def found(**filters: str) -> list[str]:
            page = crud.list_operations(
                s, viewer=viewer, cipher=db.cipher,
                filters=OperationFilters(**filters), limit=100, offset=0,
            )  # fmt: skip
            return [o.op_key for o in page.rows]

        assert op_key in found(city=last_city.split(",")[0])
        assert op_key in found(indicator="youth")
        op = s.scalar(select(InvOperation).where(InvOperation.op_key == op_key))
        assert op is not None and op.cities.endswith(f"|{last_city}|")
        assert op.indicator_codes.endswith("|youth|") and op.city_count == 300
        codes = s.scalars(select(InvAd.indicator_codes)).all()
        assert any(c.endswith("|youth|") and len(c) > 400 for c in codes)


def test_youngest_claimed_age_sorts_youngest_first_unless_reversed(
    db: Any, world: Any, ads_files: AdsImport, make_investigator: Any
) -> None:
    """ "Youngest claimed age" lists the youngest first (it listed the oldest
    first, and "Smallest first" was needed to read it as named); "reverse"
    (``ascending``) flips it, as it flips "Most ads"; no age comes last."""
    with db.session() as s:
        import_ads(s, cipher=db.cipher, organization_id=world.orgs["a"], job=ads_files)
    user = make_investigator(world.orgs["a"], "investigator.a")
    with db.session() as s:
        viewer = s.get(User, user.id)

        def listed(**filters: Any) -> list[InvOperation]:
            return crud.list_operations(
                s, viewer=viewer, cipher=db.cipher,
                filters=OperationFilters(**filters), limit=100, offset=0,
            ).rows  # fmt: skip

        ages = [o.min_claimed_age for o in listed(sort="youngest")]
        known = [a for a in ages if a is not None]
        assert len(set(known)) > 1 and known == sorted(known)
        assert ages == known + [None] * (len(ages) - len(known))
        reversed_ = [o.min_claimed_age for o in listed(sort="youngest", ascending=True)]
        assert [a for a in reversed_ if a is not None] == sorted(known, reverse=True)
        sizes = [o.size for o in listed(sort="size")]
        assert sizes == sorted(sizes, reverse=True)
        assert [o.size for o in listed(sort="size", ascending=True)] == sorted(sizes)
