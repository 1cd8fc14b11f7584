"""``care import-ads``: what is loaded, encrypted, searchable and kept on re-import."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from nowrongdoor.care.errors import Forbidden
from nowrongdoor.care.investigate import crud
from nowrongdoor.care.investigate.importer import AdsImport, import_ads
from nowrongdoor.care.investigate.schemas import LeadDecision, OperationFilters
from nowrongdoor.care.models import InvAd, InvEdge, InvLead, InvOperation, User
from nowrongdoor.errors import UserInputError


def _load(db: Any, world: Any, job: AdsImport) -> Any:
    with db.session() as s:
        return import_ads(s, cipher=db.cipher, organization_id=world.orgs["a"], job=job)


def _first_phone_of_biggest(job: AdsImport) -> tuple[str, str]:
    doc = json.loads((job.link_dir / "operations.json").read_text())  # type: ignore[operator]
    biggest = max(doc["operations"], key=lambda o: o["ads"])
    return biggest["operation"], biggest["phones"][0]


def test_import_loads_encrypts_and_finds_by_written_phone(
    db: Any, world: Any, ads_files: AdsImport, make_investigator: Any
) -> None:
    counts = _load(db, world, ads_files)
    assert counts.ads > 100 and counts.operations >= 10 and counts.edges > 0
    assert counts.leads > 0
    op_key, phone = _first_phone_of_biggest(ads_files)
    with db.engine.connect() as conn:
        stored = conn.execute(text("SELECT text, facts FROM inv_ad")).all()
        evidence = conn.execute(text("SELECT evidence FROM inv_edge")).scalars().all()
    digits = phone[2:]
    assert stored and all(t is None or "Call" not in t for t, _ in stored)
    assert not any(digits in (f or "") for _, f in stored)
    assert not any(digits in (e or "") for e in evidence)
    user = make_investigator(world.orgs["a"], "investigator.a")
    # written the way an ad hides it: number words and look-alike letters
    words = "zero one two three four five six seven eight nine".split()
    area = " ".join(words[int(d)] for d in digits[:3])
    typed = f"{area} {digits[3:6].replace('1', 'l')}-{digits[6:]}"
    with db.session() as s:
        viewer = s.get(User, user.id)
        page = crud.list_operations(
            s, viewer=viewer, cipher=db.cipher,
            filters=OperationFilters(contact=typed), limit=25, offset=0,
        )  # fmt: skip
        assert [o.op_key for o in page.rows] == [op_key]
        assert page.contact_note == f"phone {phone}"
        op = page.rows[0]
        ads = crud.operation_ads(s, op)
        assert len(ads) == op.size and ads[0].text
        dated = [a.posted_at for a in ads if a.posted_at]
        assert dated == sorted(dated) and op.first_seen == dated[0]
        assert crud.operation_edges(s, op)


def test_reimport_keeps_decisions_and_marks_gone_leads(
    db: Any, world: Any, ads_files: AdsImport, tmp_path: Path, make_investigator: Any
) -> None:
    _load(db, world, ads_files)
    user = make_investigator(world.orgs["a"], "investigator.a")
    with db.session() as s:
        lead = s.scalars(select(InvLead).order_by(InvLead.id)).first()
        assert lead is not None
        viewer = s.get(User, user.id)
        crud.decide_lead(
            s, actor=viewer, cipher=db.cipher, lead=lead,
            data=LeadDecision(decision="ruled_out", reason="different birthmark"),
        )  # fmt: skip
        key = (lead.case_key, lead.ad_key)
    # a relinked corpus whose match output dropped every other lead
    matches = tmp_path / "m"
    matches.mkdir()
    doc = json.loads((ads_files.match_dir / "matches.json").read_text())  # type: ignore[operator]
    kept = [m for m in doc["matches"] if (m["case_id"], m["ad_id"]) == key]
    doc["matches"] = kept
    (matches / "matches.json").write_text(json.dumps(doc))
    counts = _load(db, world, replace(ads_files, match_dir=matches))
    assert counts.decisions_kept == 1 and counts.new_leads == 0
    with db.session() as s:
        again = s.scalars(
            select(InvLead).where(InvLead.case_key == key[0], InvLead.ad_key == key[1])
        ).one()
        assert again.status == "ruled_out" and again.reason == "different birthmark"
        assert (
            s.scalar(
                select(func.count())
                .select_from(InvLead)
                .where(InvLead.current.is_(True))
            )
            == 1
        )
        assert s.scalar(select(func.count()).select_from(InvAd)) == counts.ads


def test_bad_files_name_file_line_and_field(
    db: Any, world: Any, ads_files: AdsImport, tmp_path: Path
) -> None:
    broken = tmp_path / "scanned.jsonl"
    lines = ads_files.scanned.read_text().splitlines()
    broken.write_text("\n".join([lines[0], "{not json", *lines[1:]]) + "\n")
    with pytest.raises(
        UserInputError, match=r"scanned.jsonl, line 2: not a JSON object"
    ):
        _load(db, world, AdsImport(scanned=broken))
    no_id = tmp_path / "noid.jsonl"
    no_id.write_text(json.dumps({"phones": []}) + "\n")
    with pytest.raises(UserInputError, match="line 1: field id is missing"):
        _load(db, world, AdsImport(scanned=no_id))
    with pytest.raises(UserInputError, match="operations.json does not exist"):
        _load(db, world, AdsImport(scanned=ads_files.scanned, link_dir=tmp_path))
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(InvOperation)) == 0
        assert s.scalar(select(func.count()).select_from(InvEdge)) == 0


def test_workspace_is_the_investigators_alone(
    db: Any, world: Any, ads_files: AdsImport, make_investigator: Any
) -> None:
    outsider_id = make_investigator(world.orgs["b"], "investigator.b").id
    _load(db, world, ads_files)
    with db.session() as s:
        for key in ("admin_a", "supervisor_a", "cm_a", "analyst_a", "partner_p"):
            other = s.get(User, world.users[key].id)
            with pytest.raises(Forbidden):
                crud.list_operations(
                    s, viewer=other, cipher=db.cipher,
                    filters=OperationFilters(), limit=5, offset=0,
                )  # fmt: skip
        # an investigator of plan B sees none of plan A's operations
        outsider = s.get(User, outsider_id)
        page = crud.list_operations(
            s, viewer=outsider, cipher=db.cipher,
            filters=OperationFilters(), limit=5, offset=0,
        )  # fmt: skip
        assert page.total == 0
        op_id = s.scalars(select(InvOperation.id)).first()
        with pytest.raises(Exception, match="no such operation"):
            crud.get_operation(s, viewer=outsider, operation_id=op_id)


def test_confirmation_gives_the_care_team_one_intake(
    db: Any, world: Any, ads_files: AdsImport, make_investigator: Any
) -> None:
    from nowrongdoor.care.enums import Door
    from nowrongdoor.care.models import Intake

    _load(db, world, ads_files)
    user = make_investigator(world.orgs["a"], "investigator.a")
    with db.session() as s:
        first, second = s.scalars(select(InvLead).order_by(InvLead.id).limit(2)).all()
        before = s.scalar(select(func.count()).select_from(Intake))
        viewer = s.get(User, user.id)
        for lead in (first, second):
            crud.decide_lead(
                s, actor=viewer, cipher=db.cipher, lead=lead,
                data=LeadDecision(decision="needs_more", reason="photo unclear"),
            )  # fmt: skip
            assert lead.intake_id is None
            crud.decide_lead(
                s, actor=viewer, cipher=db.cipher, lead=lead,
                data=LeadDecision(decision="confirmed", reason="same tattoo"),
            )  # fmt: skip
            made = lead.intake_id
            crud.decide_lead(
                s, actor=viewer, cipher=db.cipher, lead=lead,
                data=LeadDecision(decision="confirmed", reason="same tattoo, checked"),
            )  # fmt: skip
            assert lead.intake_id == made
        # one intake per confirmed lead, and only for a confirmed one
        assert s.scalar(select(func.count()).select_from(Intake)) == before + 2
        intake = s.get(Intake, first.intake_id)
        assert intake is not None and intake.door == Door.AD_MATCH
        assert intake.summary is not None and "same tattoo" in intake.summary
        assert intake.owner_id is None and intake.pool_team is None
        with pytest.raises(Exception, match="already recorded"):
            crud.decide_lead(
                s, actor=viewer, cipher=db.cipher, lead=first,
                data=LeadDecision(decision="confirmed", reason="same tattoo, checked"),
            )  # fmt: skip


def test_leads_on_long_ad_ids_with_one_start_get_intakes_of_their_own(
    db: Any, world: Any, ads_files: AdsImport, make_investigator: Any
) -> None:
    """Two confirmed leads of one poster whose ad ids (URLs, say) share their
    first 200 characters are two intakes: the reference is no longer cut."""
    from nowrongdoor.care.models import Intake

    _load(db, world, ads_files)
    user = make_investigator(world.orgs["a"], "investigator.a")
    base = "https://ads.example/indianapolis/"
    start = base + "x" * (196 - len(base))  # each ad id 198 of its 200 characters
    with db.session() as s:
        first, second = s.scalars(select(InvLead).order_by(InvLead.id).limit(2)).all()
        second.case_key = first.case_key
        first.ad_key, second.ad_key = start + "/1", start + "/2"
        viewer = s.get(User, user.id)
        made = []
        for lead in (first, second):
            crud.decide_lead(
                s, actor=viewer, cipher=db.cipher, lead=lead,
                data=LeadDecision(decision="confirmed", reason="same tattoo"),
            )  # fmt: skip
            made.append(lead.intake_id)
        assert len(f"ad_match:{first.case_key}:{start}") > 200
        assert None not in made and made[0] != made[1]
        refs = {s.get(Intake, i).source_ref for i in made}
        assert refs == {f"ad_match:{first.case_key}:{start}/{n}" for n in (1, 2)}


def test_ads_past_text_retention_are_imported_without_text(
    db: Any, world: Any, ads_files: AdsImport
) -> None:
    import datetime as dt

    with db.session() as s:
        counts = import_ads(
            s, cipher=db.cipher, organization_id=world.orgs["a"], job=ads_files,
            text_days=180, now=dt.datetime(2100, 1, 1, tzinfo=dt.UTC),
        )  # fmt: skip
        ads = s.scalars(select(InvAd)).all()
        dated = [a for a in ads if a.posted_at is not None]
        assert dated and counts.texts_past_retention == len(dated)
        assert all(a.text is None and a.title is None for a in dated)
        assert all(a.text_purged_at is not None and a.facts for a in dated)


def test_an_undated_ads_text_retention_counts_from_its_first_import(
    db: Any, world: Any, tmp_path: Path
) -> None:
    import datetime as dt

    scanned = tmp_path / "scanned.jsonl"
    scanned.write_text(
        json.dumps({"id": "ad-u", "text": "new in town", "title": "Ivy"}) + "\n"
        + json.dumps({"id": "ad-d", "text": "call me", "posted_at": "2030-01-01"})
        + "\n"
    )  # fmt: skip
    t0 = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    for days, left in ((0, {"ad-u", "ad-d"}), (100, {"ad-u", "ad-d"}), (181, set())):
        with db.session() as s:
            import_ads(
                s, cipher=db.cipher, organization_id=world.orgs["a"],
                job=AdsImport(scanned=scanned), text_days=180,
                now=t0 + dt.timedelta(days=days),
            )  # fmt: skip
        with db.session() as s:
            texts = {a.ad_key: a.text for a in s.scalars(select(InvAd))}
        assert {k for k, v in texts.items() if v} == left, days


def test_confirmation_links_or_registers_the_posters_person(
    db: Any, world: Any, ads_files: AdsImport, make_investigator: Any
) -> None:
    """A confirmed lead's intake carries the poster's person: linked when name
    and birth date agree with a registered person, registered otherwise, never
    linked on a name alone."""
    import datetime as dt

    from nowrongdoor.care.crud import new_pseudonym, set_identity
    from nowrongdoor.care.models import Intake, Person

    _load(db, world, ads_files)
    user = make_investigator(world.orgs["a"], "investigator.a")
    org = world.orgs["a"]
    with db.session() as s:
        leads = s.scalars(select(InvLead).order_by(InvLead.id)).all()
        viewer = s.get(User, user.id)
        first, second, third = leads[0], leads[1], leads[2]
        # three posters of our own making (synthetic): a registered namesake
        # with the same birth date, a namesake born on another day, a new one
        first.poster = {"name": "Ana  Rivera Soto", "birth_date": "2009-04-02"}
        second.poster = {"name": "Lee Park", "birth_date": "2008-01-15"}
        third.poster = {"name": "Mia Gray", "birth_date": "2010-06-30"}
        registered = Person(pseudonym=new_pseudonym(), organization_id=org)
        set_identity(
            registered,
            db.cipher,
            {
                "given_name": "Ana Rivera",
                "family_name": "Soto",
                "birth_date": dt.date(2009, 4, 2),
            },
        )
        namesake = Person(pseudonym=new_pseudonym(), organization_id=org)
        set_identity(
            namesake,
            db.cipher,
            {
                "given_name": "Lee",
                "family_name": "Park",
                "birth_date": dt.date(2008, 1, 16),
            },
        )
        s.add_all([registered, namesake])
        s.flush()
        before = s.scalar(select(func.count()).select_from(Person))
        for lead in (first, second, third):
            crud.decide_lead(
                s, actor=viewer, cipher=db.cipher, lead=lead,
                data=LeadDecision(decision="confirmed", reason="same tattoo"),
            )  # fmt: skip
        intakes = [s.get(Intake, lead.intake_id) for lead in (first, second, third)]
        assert all(i is not None for i in intakes)
        linked, made_for_namesake, made_new = (i.person_id for i in intakes if i)
        assert linked == registered.id
        assert made_for_namesake not in (None, namesake.id)
        assert made_new is not None
        assert s.scalar(select(func.count()).select_from(Person)) == before + 2
        new_person = s.get(Person, made_new)
        assert new_person is not None
        assert (new_person.given_name, new_person.family_name) == ("Mia", "Gray")
        assert new_person.birth_date == "2010-06-30"
        assert new_person.birth_year == 2010
        assert new_person.owner_id is None and new_person.organization_id == org


def _rewritten(source: Path, target: Path, key: str, index: int, **fields: Any) -> Path:
    """``source`` (a JSON document of the ``ads`` commands) with fields of its
    ``key`` list's item ``index`` replaced, written as ``target``."""
    doc = json.loads(source.read_text())
    doc[key][index].update(fields)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(doc))
    return target


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"rank": "first"}, "match 1: field rank is not a number"),
        ({"rank": 10**30}, "match 1: field rank is not between 0 and"),
        ({"score": [1]}, "match 1: field score is not a number"),
        ({"probability": "high"}, "match 1: field probability is not a number"),
        ({"fields_used": 3}, "match 1: field fields_used is not a list"),
        (  # stored whole or refused, never cut to the column
            {"case_id": "C" * 65},
            "match 1: field case_id has 65 characters, more than the 64 it may hold",
        ),
        ({"ad_id": "a" * 201}, "match 1: field ad_id has 201 characters, more than"),
        ({"operation": "OP-" + "9" * 62}, "match 1: field operation has 65 char"),
    ],
)
def test_a_wrongly_typed_match_field_is_one_sentence(
    db: Any, world: Any, ads_files: AdsImport, tmp_path: Path, fields: Any, said: str
) -> None:
    assert ads_files.match_dir is not None
    _rewritten(
        ads_files.match_dir / "matches.json",
        tmp_path / "m" / "matches.json",
        "matches",
        0,
        **fields,
    )
    job = replace(ads_files, link_dir=None, match_dir=tmp_path / "m")
    with pytest.raises(UserInputError, match=said):
        _load(db, world, job)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(InvAd)) == 0


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"ads": "many"}, "operation 1: field ads is not a number"),
        ({"phones": 5}, "operation 1: field phones is not a list"),
        ({"indicator_mix": [1]}, "operation 1: field indicator_mix is not a JSON"),
        ({"revenue": "lots"}, "operation 1: field revenue is not a JSON object"),
        (
            {"operation": "OP-" + "7" * 62},
            "operation 1: field operation has 65 characters, more than the 64 it",
        ),
    ],
)
def test_a_wrongly_typed_operation_field_is_one_sentence(
    db: Any, world: Any, ads_files: AdsImport, tmp_path: Path, fields: Any, said: str
) -> None:
    assert ads_files.link_dir is not None
    link = tmp_path / "l"
    _rewritten(
        ads_files.link_dir / "operations.json",
        link / "operations.json",
        "operations",
        0,
        **fields,
    )
    (link / "edges.csv").write_bytes((ads_files.link_dir / "edges.csv").read_bytes())
    job = AdsImport(scanned=ads_files.scanned, link_dir=link)
    with pytest.raises(UserInputError, match=said):
        _load(db, world, job)


def test_a_wrongly_typed_ad_field_or_posters_without_matches_is_refused(
    db: Any, world: Any, ads_files: AdsImport, tmp_path: Path
) -> None:
    lines = ads_files.scanned.read_text().splitlines()
    for field, value, said in (
        ("ages", 17, "line 1: field ages is not a list"),
        ("title", ["x"], "line 1: field title is not text"),
        # stored whole or refused, never cut to the column
        ("id", "ad-" + "1" * 198, "line 1: field id has 201 characters, more than"),
        ("city", "Gary " * 25, "line 1: field city has 125 characters, more than"),
        ("state", "Indiana", None),
        ("state", "Northern Indiana", "line 1: field state has 16 characters, more"),
        ("site", "x" * 121, "line 1: field site has 121 characters, more than"),
        ("ad_kind", "k" * 17, "line 1: field ad_kind has 17 characters, more"),
    ):
        bad = tmp_path / f"{field}.jsonl"
        bad.write_text("\n".join([json.dumps({**json.loads(lines[0]), field: value})]))
        if said is None:  # a full column is kept whole
            _load(db, world, AdsImport(scanned=bad))
            with db.session() as s:
                assert s.scalar(select(InvAd.state)) == value
            continue
        with pytest.raises(UserInputError, match=said):
            _load(db, world, AdsImport(scanned=bad))
    with pytest.raises(UserInputError, match="is read only with --match"):
        _load(db, world, AdsImport(scanned=ads_files.scanned, posters=tmp_path / "p"))
    with pytest.raises(UserInputError, match="--images .* is not a folder"):
        _load(db, world, AdsImport(scanned=ads_files.scanned, images_root=bad))
    with pytest.raises(UserInputError, match="is a folder, not a JSONL file"):
        _load(db, world, AdsImport(scanned=ads_files.scanned, raw_ads=tmp_path))


def test_an_over_long_edge_field_is_refused_not_cut(
    db: Any, world: Any, ads_files: AdsImport, tmp_path: Path
) -> None:
    assert ads_files.link_dir is not None
    link = tmp_path / "l"
    link.mkdir()
    (link / "operations.json").write_bytes(
        (ads_files.link_dir / "operations.json").read_bytes()
    )
    with (ads_files.link_dir / "edges.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[0]["kind"] = "k" * 33
    with (link / "edges.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(UserInputError) as caught:
        _load(db, world, AdsImport(scanned=ads_files.scanned, link_dir=link))
    assert str(caught.value) == (
        f"{link / 'edges.csv'}, line 2: field kind has 33 characters, more than "
        "the 32 it may hold"
    )
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(InvEdge)) == 0
