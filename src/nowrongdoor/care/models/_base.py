"""Declarative base, column types (UTC timestamps, encrypted text) (private)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, Dialect, MetaData, Text
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from nowrongdoor.care.crypto import Cipher

__all__ = [
    "Base",
    "EncryptedJSON",
    "EncryptedText",
    "UTCDateTime",
    "bind_cipher",
    "utcnow",
]

#: Attribute on an engine's dialect that holds its :class:`Cipher`.
CIPHER_ATTR = "nowrongdoor_cipher"

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


def bind_cipher(dialect: Dialect, cipher: Cipher) -> None:
    """Attach ``cipher`` to an engine's dialect so encrypted columns can use it."""
    setattr(dialect, CIPHER_ATTR, cipher)


def dialect_cipher(dialect: Dialect) -> Cipher:
    """The cipher bound to ``dialect``; refuses to store plaintext without one."""
    cipher = getattr(dialect, CIPHER_ATTR, None)
    if not isinstance(cipher, Cipher):
        raise RuntimeError(
            "no encryption key is bound to this database engine; "
            "build engines with nowrongdoor.care.db.make_engine"
        )
    return cipher


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored as naive UTC and returned timezone-aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


class EncryptedText(TypeDecorator[str]):
    """Text encrypted at rest with the engine's :class:`Cipher` (Fernet)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return dialect_cipher(dialect).encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return dialect_cipher(dialect).decrypt(value)


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON value encrypted at rest with the engine's :class:`Cipher`."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return dialect_cipher(dialect).encrypt_json(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return dialect_cipher(dialect).decrypt_json(value)


class Base(DeclarativeBase):
    """Declarative base of every care table."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dt.datetime: UTCDateTime()}
