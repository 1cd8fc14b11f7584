"""Encryption at rest: no plaintext in raw rows; key rotation; blind-index search."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import text

from nowrongdoor.care.crypto import (
    Cipher,
    DecryptionError,
    derive_dev_key,
    generate_key,
)
from nowrongdoor.care.db import Database
from nowrongdoor.care.models import Base, Person
from nowrongdoor.care.rotate import rotate_keys

SECRETS = ("Zephyrine", "Quillfeather", "2009-11-23", "317-555-0199", "M-77420")
NOTE = "She said the man she calls daddy keeps her ID card"


def _raw_dump(db: Database) -> str:
    parts = []
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(text(f"SELECT * FROM {table.name}")):
                parts.append(" ".join(str(v) for v in row))
    return "\n".join(parts)


def _create(client: TestClient, world: Any) -> dict[str, Any]:
    cm = world.headers("cm_a")
    person = client.post(
        "/api/v1/persons",
        json={
            "given_name": SECRETS[0],
            "family_name": SECRETS[1],
            "birth_date": SECRETS[2],
            "contacts": {"phone": SECRETS[3]},
            "member_id": SECRETS[4],
        },
        headers=cm,
    ).json()
    case = client.post(
        "/api/v1/cases",
        json={"person_id": person["id"], "pathway": "survive"},
        headers=cm,
    ).json()
    note = client.post(
        f"/api/v1/cases/{case['id']}/notes", json={"text": NOTE}, headers=cm
    )
    assert note.status_code == 201
    return person


def test_raw_rows_hold_no_plaintext(
    client: TestClient, world: Any, db: Database
) -> None:
    person = _create(client, world)
    dump = _raw_dump(db)
    for secret in (*SECRETS, NOTE, "daddy"):
        assert secret not in dump, f"{secret!r} found in plain text at rest"
    assert person["pseudonym"] in dump  # the pseudonym is not secret
    shown = client.get(f"/api/v1/persons/{person['id']}", headers=world.headers("cm_a"))
    assert shown.json()["given_name"] == SECRETS[0]
    assert shown.json()["birth_date"] == SECRETS[2]


def test_search_by_name_and_member_id_uses_blind_index(
    client: TestClient, world: Any
) -> None:
    person = _create(client, world)
    cm = world.headers("cm_a")
    for query in ("name=zephyrine", "name=QUILLFEATHER", f"member_id={SECRETS[4]}"):
        found = client.get(f"/api/v1/persons?{query}", headers=cm).json()["items"]
        assert [p["id"] for p in found] == [person["id"]], query
    assert client.get("/api/v1/persons?name=nobody", headers=cm).json()["items"] == []
    analyst = client.get(
        "/api/v1/persons?name=zephyrine", headers=world.headers("analyst_a")
    )
    assert analyst.status_code == 403  # analysts cannot search by identity
    seen = client.get(
        f"/api/v1/persons/{person['id']}", headers=world.headers("analyst_a")
    )
    assert seen.json()["identity_withheld"] is True
    assert seen.json()["given_name"] is None and seen.json()["birth_date"] is None


def test_key_rotation(client: TestClient, world: Any, db: Database) -> None:
    person = _create(client, world)
    secret = db.settings.secret_key.get_secret_value()
    new_key = generate_key()

    def with_keys(*keys: str) -> Database:
        keyed = [SecretStr(k) for k in keys]
        return Database(db.settings.model_copy(update={"encryption_keys": keyed}))

    both = with_keys(new_key, derive_dev_key(secret))
    with both.session() as s:
        counts = rotate_keys(s, cipher=both.cipher)
    both.dispose()
    assert counts["person.given_name"] >= 1 and counts["note.text"] >= 1
    with db.engine.connect() as conn:
        token = conn.execute(
            text("SELECT given_name FROM person WHERE id = :i"), {"i": person["id"]}
        ).scalar_one()
    with pytest.raises(DecryptionError):
        db.cipher.decrypt(token)  # the old (development) key no longer reads it
    only_new = with_keys(new_key)
    with only_new.session() as s:
        stored = s.get(Person, person["id"])
        assert stored is not None and stored.given_name == SECRETS[0]
        assert stored.contacts == {
            "phone": SECRETS[3],
            "email": None,
            "address": None,
            "safe_contact_note": None,
            "county": None,
        }
    only_new.dispose()
    assert Cipher([new_key], b"k").decrypt(token) == SECRETS[0]


def test_bad_key_is_a_user_error(db: Database) -> None:
    from nowrongdoor.care.crypto import cipher_from_settings
    from nowrongdoor.errors import UserInputError

    bad = db.settings.model_copy(update={"encryption_keys": [SecretStr("short")]})
    with pytest.raises(UserInputError, match=r"encryption_keys\[0\]"):
        cipher_from_settings(bad)
