"""A small synthetic ad corpus run through ``ads scan``, ``ads link`` and
``ads match`` once per session: the files ``care import-ads`` reads."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from nowrongdoor.care.enums import Role
from nowrongdoor.care.investigate.importer import AdsImport
from nowrongdoor.care.models import User
from nowrongdoor.care.security import hash_password
from nowrongdoor.cli import app


@pytest.fixture(scope="session")
def ads_files(tmp_path_factory: pytest.TempPathFactory) -> AdsImport:
    """Scanned ads, link and match outputs of a 12-operation synthetic corpus."""
    root = tmp_path_factory.mktemp("ads-corpus")
    runner = CliRunner()
    corpus = root / "corpus"
    steps = [
        ["synth", "ads", "--operations", "12", "--seed", "7", "--out", str(corpus)],
        ["ads", "scan", str(corpus / "ads.jsonl"),
         "--out", str(root / "scanned.jsonl")],
        ["ads", "link", str(corpus / "ads.jsonl"), "--out", str(root / "linked")],
        [
            "ads", "match", "--posters", str(corpus / "posters.jsonl"),
            "--ads", str(corpus / "ads.jsonl"), "--operations",
            str(root / "linked" / "operations.csv"), "--out", str(root / "matches"),
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


_HASH: dict[str, str] = {}


def password_hash() -> str:
    """One argon2 hash of the care tests' password (argon2 is slow on purpose)."""
    if "h" not in _HASH:
        _HASH["h"] = hash_password("correct horse battery staple")
    return _HASH["h"]


@pytest.fixture
def make_investigator(db: Any) -> Any:
    """``make_investigator(org_id, name)``: an investigator user (detached)."""

    def _make(org_id: int, name: str) -> User:
        with db.session() as s:
            user = User(
                organization_id=org_id,
                username=name,
                display_name=name,
                role=str(Role.INVESTIGATOR),
                password_hash=password_hash(),
            )
            s.add(user)
            s.flush()
            s.expunge(user)
        return user

    return _make
