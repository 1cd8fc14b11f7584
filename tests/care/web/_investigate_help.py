"""The investigator workspace on a web test's database: a synthetic ad corpus
run through the ads commands, imported, and an investigator login."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from nowrongdoor.care.investigate.importer import AdsImport, import_ads
from nowrongdoor.cli import app

INVESTIGATOR = "investigator"


def build_corpus(root: Path) -> AdsImport:
    """``synth ads`` -> ``ads scan`` / ``link`` / ``match`` outputs under ``root``."""
    runner = CliRunner()
    corpus = root / "corpus"
    ads = str(corpus / "ads.jsonl")
    steps = [
        ["synth", "ads", "--operations", "12", "--seed", "7", "--out", str(corpus)],
        ["ads", "scan", ads, "--out", str(root / "scanned.jsonl")],
        ["ads", "link", ads, "--out", str(root / "linked")],
        [
            "ads", "match", "--posters", str(corpus / "posters.jsonl"), "--ads", ads,
            "--operations", str(root / "linked" / "operations.csv"),
            "--out", str(root / "matches"),
        ],
    ]  # fmt: skip
    for args in steps:
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    return AdsImport(
        scanned=root / "scanned.jsonl",
        link_dir=root / "linked",
        match_dir=root / "matches",
        raw_ads=corpus / "ads.jsonl",
        posters=corpus / "posters.jsonl",
    )


def prepare_workspace(data_dir: Path, job: AdsImport) -> None:
    """Add the ``investigator`` login and import ``job`` into the seeded copy."""
    from sqlalchemy import select

    from nowrongdoor.care.db import Database
    from nowrongdoor.care.enums import OrgKind, Role
    from nowrongdoor.care.models import Organization, User
    from nowrongdoor.care.security import hash_password
    from nowrongdoor.care.seed import DEMO_PASSWORD
    from nowrongdoor.settings import build_settings

    settings = build_settings(
        env={}, data_dir=data_dir, environment="test", cookie_secure=False
    )
    db = Database(settings)
    try:
        with db.session() as s:
            plan = s.scalars(
                select(Organization).where(Organization.kind == OrgKind.PLAN)
            ).one()
            s.add(
                User(
                    organization_id=plan.id,
                    username=INVESTIGATOR,
                    display_name="Ivy Investigator",
                    role=str(Role.INVESTIGATOR),
                    password_hash=hash_password(DEMO_PASSWORD),
                )
            )
            import_ads(s, cipher=db.cipher, organization_id=plan.id, job=job)
    finally:
        db.dispose()


def biggest_operation(job: AdsImport) -> dict[str, Any]:
    """The largest operation's profile in ``ads link``'s operations.json."""
    assert job.link_dir is not None
    doc = json.loads((job.link_dir / "operations.json").read_text())
    return max(doc["operations"], key=lambda o: (o["ads"], o["operation"]))


def planted_and_decoy(job: AdsImport) -> tuple[tuple[str, str], tuple[str, str]]:
    """A true lead (poster, ad) from the corpus truth and a decoy (not the person)."""
    assert job.match_dir is not None
    truth = json.loads((job.raw_ads.parent / "truth.json").read_text())  # type: ignore[union-attr]
    matches = json.loads((job.match_dir / "matches.json").read_text())["matches"]
    true = {(c, a) for c, ads in truth["cases"].items() for a in ads}
    pairs = [(m["case_id"], m["ad_id"]) for m in matches]
    planted = next(p for p in pairs if p in true)
    decoy = next(p for p in pairs if p not in true)
    return planted, decoy


def written_like_an_ad(e164: str) -> str:
    """A +1 number as an ad hides it: number words and look-alike letters."""
    words = "zero one two three four five six seven eight nine".split()
    digits = e164[2:]
    area = " ".join(words[int(d)] for d in digits[:3])
    return f"{area} {digits[3:6].replace('1', 'l')}-{digits[6:]}"
