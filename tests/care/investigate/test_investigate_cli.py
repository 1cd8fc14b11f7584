"""``care import-ads`` through the CLI runner: loaded, audited, one sentence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from nowrongdoor.care.investigate.importer import AdsImport
from nowrongdoor.care.models import AuditEvent, InvAd
from nowrongdoor.cli import app


def _args(job: AdsImport, org_id: int) -> list[str]:
    return [
        "care", "import-ads", "--scanned", str(job.scanned),
        "--link", str(job.link_dir), "--match", str(job.match_dir),
        "--ads", str(job.raw_ads), "--posters", str(job.posters),
        "--org", str(org_id),
    ]  # fmt: skip


def _env(db: Any, tmp_path: Path) -> dict[str, str]:
    return {
        "NOWRONGDOOR_DATABASE_URL": db.settings.resolved_database_url,
        "NOWRONGDOOR_SECRET_KEY": db.settings.secret_key.get_secret_value(),
        "NOWRONGDOOR_ENVIRONMENT": "test",
        "NOWRONGDOOR_DATA_DIR": str(tmp_path),
    }


def test_import_ads_loads_and_audits(
    runner: Any, db: Any, world: Any, ads_files: AdsImport, tmp_path: Path
) -> None:
    env = _env(db, tmp_path)
    result = runner.invoke(app, _args(ads_files, world.orgs["a"]), env=env)
    assert result.exit_code == 0, result.output
    with db.session() as s:
        ads = s.scalar(select(func.count()).select_from(InvAd))
        details = list(
            s.scalars(
                select(AuditEvent.detail).where(AuditEvent.action == "import.ads")
            )
        )
    assert ads and ads > 100
    assert f"{ads} ads ({ads} new)" in result.output
    assert len(details) == 1 and details[0].startswith(f"{ads} ads, ")
    again = runner.invoke(app, _args(ads_files, world.orgs["a"]), env=env)
    assert again.exit_code == 0, again.output
    assert f"{ads} ads (0 new)" in again.output


def test_import_ads_refuses_an_unknown_org(
    runner: Any, db: Any, world: Any, ads_files: AdsImport, tmp_path: Path
) -> None:
    env = _env(db, tmp_path)
    result = runner.invoke(app, _args(ads_files, 999999), env=env)
    assert result.exit_code == 2
    assert "--org '999999': no such organisation" in result.output
    with db.session() as s:
        assert not s.scalar(select(func.count()).select_from(InvAd))
