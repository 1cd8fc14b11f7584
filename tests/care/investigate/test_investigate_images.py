"""Pictures of ads and posters: kept by SHA-256 only when allowed, a matched
minor's never (only its perceptual hash)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import select

from nowrongdoor._phash import phash_file
from nowrongdoor.care.investigate.images import ImageStore, photo_words
from nowrongdoor.care.investigate.importer import AdsImport, import_ads
from nowrongdoor.care.models import InvAd, InvImage, InvLead


def _load(db: Any, world: Any, job: AdsImport, store: ImageStore, keep: bool) -> Any:
    with db.session() as s:
        return import_ads(
            s, cipher=db.cipher, organization_id=world.orgs["a"], job=job,
            images=store, keep_images=keep,
        )  # fmt: skip


def _on_disk(store: ImageStore) -> set[str]:
    return {p.name for p in store.root.rglob("*") if p.is_file()}


def _images(db: Any) -> dict[str, InvImage]:
    with db.session() as s:
        rows = s.scalars(select(InvImage)).all()
        for r in rows:
            s.expunge(r)
    return {r.sha256: r for r in rows}


def _adult_poster(job: AdsImport, tmp_path: Path) -> tuple[AdsImport, str]:
    """A copy of the posters where the first matched poster with a photo was 19."""
    assert job.posters is not None and job.match_dir is not None
    matched = {m["case_id"] for m in json.loads(
        (job.match_dir / "matches.json").read_text())["matches"]}  # fmt: skip
    lines = job.posters.read_text().splitlines()
    recs = [json.loads(line) for line in lines if line.strip()]
    adult = next(r for r in recs if r["case_id"] in matched and r.get("photo"))
    adult.update(age_at_missing=19, birth_date=None)
    tmp_path.mkdir(parents=True, exist_ok=True)
    out = tmp_path / "posters.jsonl"
    out.write_text("".join(json.dumps(r) + "\n" for r in recs))
    # the photos resolve against the posters file's folder
    (tmp_path / "posters").symlink_to(job.posters.parent / "posters")
    return replace(job, posters=out), adult["case_id"]


def test_pictures_are_kept_by_sha256_but_never_a_minors(
    db: Any, world: Any, ads_files: AdsImport, tmp_path: Path
) -> None:
    store = ImageStore(tmp_path / "images")
    job, adult = _adult_poster(ads_files, tmp_path / "in")
    counts = _load(db, world, job, store, keep=True)
    images = _images(db)
    assert counts.images == len(images) > 10 and counts.images_kept > 0
    kept = _on_disk(store)
    assert kept == {sha for sha, img in images.items() if img.stored}
    for sha in kept:  # each file is named by its content's SHA-256
        assert hashlib.sha256(store.path(sha).read_bytes()).hexdigest() == sha
        assert store.path(sha).stat().st_mode & 0o777 == 0o600
    with db.session() as s:
        leads = s.scalars(select(InvLead)).all()
        minor_photos = {
            lead.poster["photo_sha256"]
            for lead in leads
            if lead.case_key != adult and (lead.poster or {}).get("photo_sha256")
        }
        minor_ads = {lead.ad_key for lead in leads if lead.case_key != adult}
        ad_pictures = {
            sha
            for ad in s.scalars(select(InvAd).where(InvAd.ad_key.in_(minor_ads)))
            for sha in (ad.facts or {}).get("images") or []
        }
        adult_photo = next(
            lead.poster["photo_sha256"] for lead in leads if lead.case_key == adult
        )
    assert minor_photos and ad_pictures
    # a matched minor's pictures: hashes only, never a file
    for sha in minor_photos | ad_pictures:
        assert images[sha].minor and not images[sha].stored, sha
        assert len(images[sha].phash) == 16
    assert not kept & (minor_photos | ad_pictures)
    assert adult_photo in kept and not images[adult_photo].minor
    # the kept hash is the one ads match compares
    source = next(p for p in (tmp_path / "in" / "posters").iterdir())
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    assert images[sha].phash == f"{phash_file(source):016x}"


def test_setting_off_keeps_no_picture_and_removes_kept_ones(
    db: Any, world: Any, ads_files: AdsImport, tmp_path: Path
) -> None:
    store = ImageStore(tmp_path / "images")
    off = _load(db, world, ads_files, store, keep=False)
    assert off.images > 0 and off.images_kept == 0 and not _on_disk(store)
    assert not any(img.stored for img in _images(db).values())
    on = _load(db, world, ads_files, store, keep=True)
    assert on.images_kept > 0 and len(_on_disk(store)) == on.images_kept
    again = _load(db, world, ads_files, store, keep=False)
    assert again.images_removed == on.images_kept and not _on_disk(store)
    assert not any(img.stored for img in _images(db).values())


def test_photo_words() -> None:
    assert photo_words("ff00ff00ff00ff00", ["ff00ff00ff00ff03"]) == ("same picture", 2)
    assert photo_words("0" * 16, ["00000000000003ff", "f" * 16]) == (
        "a similar picture",
        10,
    )
    assert photo_words("0" * 16, ["f" * 16]) == ("different pictures", 64)
    assert photo_words(None, ["f" * 16]) is None
    assert photo_words("0" * 16, []) is None
