"""docs/care.md states the role table the code enforces."""

from __future__ import annotations

import re
from pathlib import Path

from nowrongdoor.care.rbac import PERMISSIONS

DOC = Path(__file__).resolve().parents[2] / "docs" / "care.md"
ROLES = [
    "admin",
    "supervisor",
    "care_manager",
    "analyst",
    "partner_user",
    "investigator",
]


def test_permission_table_matches_the_code() -> None:
    rows = re.findall(r"^\| `([a-z0-9_]+:[a-z0-9_]+)` \|(.*)\|$", DOC.read_text(), re.M)
    documented = {
        perm: {
            role
            for role, cell in zip(ROLES, cells.split("|"), strict=True)
            if cell.strip() == "yes"
        }
        for perm, cells in rows
    }
    actual = {
        perm: {role for role in ROLES if perm in PERMISSIONS[role]}
        for perm in set().union(*PERMISSIONS.values())
    }
    assert documented == actual
