"""Encryption at rest for person data (Fernet / MultiFernet) and blind indexes.

Keys come from ``Settings.encryption_keys`` (newest first: the first encrypts, all
decrypt, so keys can be rotated). In development, when no key is configured, one
key is derived from ``secret_key`` with HKDF; production refuses to start without
configured keys.

Encrypted columns cannot be searched, so exact-match lookups (a name, a member
id) go through a *blind index*: an HMAC-SHA256 of the normalised value under a
separate key derived from ``secret_key``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import unicodedata
from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from nowrongdoor.errors import UserInputError
from nowrongdoor.settings import Settings

__all__ = [
    "Cipher",
    "DecryptionError",
    "cipher_from_settings",
    "derive_dev_key",
    "generate_key",
    "normalise_for_index",
]


class DecryptionError(RuntimeError):
    """A stored value could not be decrypted with any configured key."""


def _derive(secret: str, info: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"nowrongdoor", info=info
    ).derive(secret.encode("utf-8"))


def derive_dev_key(secret_key: str) -> str:
    """The development Fernet key derived from ``secret_key`` (HKDF-SHA256).

    Used when ``encryption_keys`` is empty outside production. To move such a
    database to real keys, configure ``[new_key, derive_dev_key(secret)]`` and run
    ``nowrongdoor care rotate-keys``.
    """
    raw = _derive(secret_key, b"nowrongdoor fernet dev")
    return base64.urlsafe_b64encode(raw).decode("ascii")


def generate_key() -> str:
    """A new random Fernet key (URL-safe base64 text)."""
    return Fernet.generate_key().decode("ascii")


def normalise_for_index(value: str) -> str:
    """Case-, accent- and space-insensitive form of a value for a blind index."""
    text = unicodedata.normalize("NFKD", value)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


class Cipher:
    """Encrypts and decrypts text with a key ring; computes blind indexes.

    Args:
        keys: Fernet keys, newest first. The first encrypts; all decrypt.
        index_key: Secret bytes for the HMAC blind index.
    """

    def __init__(self, keys: Sequence[str | bytes], index_key: bytes) -> None:
        if not keys:
            raise ValueError("at least one encryption key is needed")
        fernets = []
        for i, key in enumerate(keys):
            try:
                fernets.append(Fernet(key))
            except (ValueError, TypeError) as exc:
                raise UserInputError(
                    f"setting encryption_keys[{i}] is not a valid Fernet key "
                    "(32 url-safe base64-encoded bytes)"
                ) from exc
        self._ring = MultiFernet(fernets)
        self._primary = fernets[0]
        self._index_key = index_key
        self.key_count = len(fernets)

    def encrypt(self, text: str) -> str:
        """Encrypt ``text`` with the newest key; returns the token as text."""
        return self._primary.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """Decrypt a token made with any key on the ring."""
        try:
            return self._ring.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as exc:
            raise DecryptionError(
                "a stored value could not be decrypted with the configured keys"
            ) from exc

    def encrypt_json(self, value: Any) -> str:
        """Encrypt a JSON-serialisable value."""
        return self.encrypt(json.dumps(value, separators=(",", ":"), default=str))

    def decrypt_json(self, token: str) -> Any:
        """Decrypt a value made by :meth:`encrypt_json`."""
        return json.loads(self.decrypt(token))

    def rotate(self, token: str) -> str:
        """Re-encrypt ``token`` under the newest key (no-op in meaning)."""
        try:
            return self._ring.rotate(token.encode("ascii")).decode("ascii")
        except InvalidToken as exc:
            raise DecryptionError(
                "a stored value could not be decrypted with the configured keys"
            ) from exc

    def blind_index(self, value: str | None) -> str | None:
        """HMAC-SHA256 (hex) of the normalised value, or ``None`` for empty input."""
        if value is None:
            return None
        norm = normalise_for_index(value)
        if not norm:
            return None
        return hmac.new(
            self._index_key, norm.encode("utf-8"), hashlib.sha256
        ).hexdigest()

    def exact_index(self, value: str) -> str:
        """HMAC-SHA256 (hex) of ``value`` as it is (a unique key, not a search)."""
        return hmac.new(
            self._index_key, b"exact\x00" + value.encode("utf-8"), hashlib.sha256
        ).hexdigest()


def cipher_from_settings(settings: Settings) -> Cipher:
    """Build the cipher for ``settings``.

    Args:
        settings: The application settings.

    Returns:
        A :class:`Cipher` over ``settings.encryption_keys`` (or, outside
        production, a key derived from ``secret_key`` when none is configured).

    Raises:
        UserInputError: production without encryption keys, or a malformed key.
    """
    secret = settings.secret_key.get_secret_value()
    keys: list[str | bytes] = [k.get_secret_value() for k in settings.encryption_keys]
    if not keys:
        if settings.environment == "production":
            raise UserInputError(
                "setting encryption_keys is empty; production needs at least one "
                "Fernet key (make one with `nowrongdoor care new-key`)"
            )
        keys = [derive_dev_key(secret)]
    return Cipher(keys, _derive(secret, b"nowrongdoor blind index"))
