"""The lead page's photos: side by side when both are kept, else the pHash
comparison in words; pictures served to the investigator only, audited."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from _investigate_help import INVESTIGATOR, build_corpus, prepare_workspace
from _web_html import login, parse
from fastapi.testclient import TestClient
from sqlalchemy import select

from nowrongdoor.care.app import create_app
from nowrongdoor.care.db import Database
from nowrongdoor.care.investigate.images import ImageStore
from nowrongdoor.care.investigate.importer import AdsImport, import_ads
from nowrongdoor.care.models import AuditEvent, InvImage, InvLead, Organization
from nowrongdoor.settings import build_settings


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> AdsImport:
    return build_corpus(tmp_path_factory.mktemp("inv-img-corpus"))


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def _adult(job: AdsImport, folder: Path) -> tuple[AdsImport, str, str]:
    """The posters with every person made 19 when missing but one: a lead of an
    adult whose ad shares no picture with the one minor's leads."""
    assert job.posters is not None and job.match_dir and job.raw_ads
    matches = json.loads((job.match_dir / "matches.json").read_text())["matches"]
    posters = {r["case_id"]: r for r in _lines(job.posters)}
    pictures = {r["id"]: set(r.get("images") or []) for r in _lines(job.raw_ads)}
    young = {r["id"] for r in _lines(job.scanned) if any(a < 18 for a in r["ages"])}
    by_case: dict[str, set[str]] = {}
    for m in matches:
        by_case.setdefault(m["case_id"], set()).add(m["ad_id"])
    with_photo = [c for c in by_case if posters[c].get("photo")]
    adult, ad = next(
        (c, m["ad_id"])
        for m in matches
        if (c := m["case_id"]) in with_photo
        and m["rank"] == 1
        and pictures[m["ad_id"]]
        and m["ad_id"] not in young
    )
    minor = next(
        c
        for c in with_photo
        if c != adult
        and ad not in by_case[c]
        and not any(pictures[a] & pictures[ad] for a in by_case[c])
    )
    for case, rec in posters.items():
        if case != minor:
            rec.update(age_at_missing=19, birth_date=None)
    folder.mkdir()
    (folder / "posters.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in posters.values())
    )
    (folder / "posters").symlink_to(job.posters.parent / "posters")
    return replace(job, posters=folder / "posters.jsonl"), adult, minor


@pytest.fixture
def img_client(seeded_db: Any, tmp_path: Path, corpus: AdsImport) -> Any:
    shutil.copy(seeded_db.path, tmp_path / "care.db")
    job, adult, minor = _adult(corpus, tmp_path / "in")
    prepare_workspace(tmp_path, job)  # a first import: hashes only
    settings = build_settings(
        env={}, data_dir=tmp_path, environment="test", cookie_secure=False,
        investigate_store_images=True,
    )  # fmt: skip
    db = Database(settings)
    try:
        with db.session() as s:
            org = s.scalars(select(Organization.id).join(InvLead).limit(1)).one()
            import_ads(
                s, cipher=db.cipher, organization_id=org, job=job,
                images=ImageStore(settings.resolved_image_dir), keep_images=True,
            )  # fmt: skip
        with db.session() as s:
            leads = {
                lead.case_key: lead.id
                for lead in s.scalars(
                    select(InvLead).where(InvLead.rank == 1).order_by(InvLead.id)
                )
            }
    finally:
        db.dispose()
    with TestClient(create_app(settings), follow_redirects=False) as c:
        c.adult_lead = leads[adult]  # type: ignore[attr-defined]
        c.minor_lead = leads[minor]  # type: ignore[attr-defined]
        c.settings = settings  # type: ignore[attr-defined]
        yield c


def _events(settings: Any, action: str) -> int:
    db = Database(settings)
    try:
        with db.session() as s:
            return len(
                s.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
            )
    finally:
        db.dispose()


def test_adult_lead_shows_both_photos_minor_lead_only_words(
    img_client: Any, seeded_db: Any
) -> None:
    login(img_client, INVESTIGATOR)
    page = parse(img_client.get(f"/investigate/leads/{img_client.adult_lead}").text)
    words = page.css_first("#photo-words").text()
    assert words.startswith("photo: ") and "(pHash distance " in words
    sources = [img.attributes["src"] for img in page.css("#photos img")]
    assert len(sources) == 2 and all(
        s.startswith("/investigate/images/") for s in sources
    )
    before = _events(img_client.settings, "investigation.image.read")
    for src in sources:
        got = img_client.get(src)
        assert got.status_code == 200 and got.headers["content-type"] == "image/png"
        assert "no-store" in got.headers["cache-control"]
        assert hashlib.sha256(got.content).hexdigest() == src.rsplit("/", 1)[1]
    assert _events(img_client.settings, "investigation.image.read") == before + 2

    minor = parse(img_client.get(f"/investigate/leads/{img_client.minor_lead}").text)
    assert not minor.css("#photos img")
    assert "perceptual hashes" in minor.css_first("#photo-note").text()
    db = Database(img_client.settings)
    try:
        with db.session() as s:
            kept_minor = s.scalars(
                select(InvImage).where(InvImage.minor.is_(True))
            ).all()
            assert kept_minor and not any(i.stored for i in kept_minor)
            sha = kept_minor[0].sha256
    finally:
        db.dispose()
    assert not ImageStore(img_client.settings.resolved_image_dir).path(sha).exists()
    assert img_client.get(f"/investigate/images/{sha}").status_code == 404
    assert img_client.get("/investigate/images/not-a-hash").status_code == 404

    # every other role is refused a picture the investigator may see
    for username in seeded_db.logins:
        img_client.cookies.clear()
        login(img_client, username)
        assert img_client.get(sources[0]).status_code == 403, username
