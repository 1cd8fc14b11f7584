"""Pictures of ads and posters by content hash, and the rule for a minor's.

``care import-ads`` reads the pictures the files name (a raw ad's ``images``,
a poster's ``photo``: paths, relative to the file that names them or to
``--images``; web addresses are never fetched). Each gets its SHA-256 and its
perceptual hash (:mod:`nowrongdoor._phash`, the one ``ads match`` compares).

- The picture is kept on disk, as a file named by its SHA-256 (written
  atomically, owner-only), only when the ``investigate_store_images`` setting
  allows it. With the setting off, an import also removes the pictures an
  earlier import kept.
- A **matched minor's** picture is never kept, whatever the setting: the
  photo of a poster whose person was under 18 when missing (or whose age is
  unknown), every picture of an ad matched to such a poster, and every picture
  of an ad claiming an age under 18. Only the hashes are kept (no thumbnail);
  a picture kept before it was known to be a minor's is removed.

The lead page compares the hashes in words ("same picture (pHash distance
2)") and shows the two pictures side by side only when both are kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from nowrongdoor._output import write_atomic
from nowrongdoor._phash import hamming, phash_bytes
from nowrongdoor.care.models import InvImage, InvLead, utcnow

__all__ = [
    "ImageStore",
    "ImageUse",
    "SHA256",
    "ImageReader",
    "minor_ads",
    "photo_words",
    "poster_is_minor",
    "save_images",
]

#: A picture's name in the store (lower-case hex SHA-256).
SHA256 = re.compile(r"^[0-9a-f]{64}$")
#: Pillow format -> media type; other formats are not read.
MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif",
               "WEBP": "image/webp"}  # fmt: skip
#: pHash distances read as "same picture" / "a similar picture" (``ads match``).
SAME, SIMILAR = 6, 12


@dataclass(frozen=True)
class ImageStore:
    """A folder of pictures, one file per SHA-256 (``ab/abcd…``).

    Attributes:
        root: The folder (``Settings.resolved_image_dir``).
    """

    root: Path

    def path(self, sha256: str) -> Path:
        """Where the picture ``sha256`` is (or would be) kept."""
        if not SHA256.match(sha256):
            raise ValueError("not a SHA-256")
        return self.root / sha256[:2] / sha256

    def put(self, sha256: str, data: bytes) -> None:
        """Keep ``data`` under its SHA-256 (atomic, owner-only; once)."""
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ValueError("the bytes do not have this SHA-256")
        path = self.path(sha256)
        if not path.is_file():
            write_atomic(path, data, private=True)

    def get(self, sha256: str) -> bytes | None:
        """The kept picture, or ``None``."""
        path = self.path(sha256)
        return path.read_bytes() if path.is_file() else None

    def remove(self, sha256: str) -> bool:
        """Remove a kept picture; whether there was one."""
        path = self.path(sha256)
        if path.is_file():
            path.unlink()
            return True
        return False


@dataclass
class ImageUse:
    """A picture read during an import.

    Attributes:
        sha256: Its content hash.
        phash: Its perceptual hash.
        media_type: ``image/png`` etc.
        source: The file it was read from (re-read to keep it).
        minor: Whether any use of it is a matched minor's.
    """

    sha256: str
    phash: int
    media_type: str
    source: Path
    minor: bool = False


@dataclass
class ImageReader:
    """Reads the pictures an import names, once each.

    Attributes:
        seen: SHA-256 -> the picture.
        by_ref: Resolved path -> SHA-256 (or ``None``: unreadable).
        unreadable: References that are no readable picture (or are web
            addresses, never fetched).
    """

    seen: dict[str, ImageUse] = field(default_factory=dict)
    by_ref: dict[Path, str | None] = field(default_factory=dict)
    unreadable: int = 0

    def read(self, ref: Any, root: Path) -> str | None:
        """The SHA-256 of the picture ``ref`` (relative to ``root``), or ``None``."""
        text = str(ref or "").strip()
        if not text or "://" in text:
            self.unreadable += bool(text)
            return None
        path = Path(text) if Path(text).is_absolute() else root / text
        if path not in self.by_ref:
            self.by_ref[path] = self._hash(path)
        return self.by_ref[path]

    def _hash(self, path: Path) -> str | None:
        from PIL import Image, UnidentifiedImageError

        try:
            data = path.read_bytes()
            with Image.open(BytesIO(data)) as img:
                media = MEDIA_TYPES.get(str(img.format))
            if media is None:
                raise UnidentifiedImageError(str(path))
            value = phash_bytes(data)
        except (OSError, ValueError):
            self.unreadable += 1
            return None
        sha = hashlib.sha256(data).hexdigest()
        self.seen.setdefault(sha, ImageUse(sha, value, media, path))
        return sha


def _age_at_missing(poster: dict[str, Any]) -> float | None:
    raw = poster.get("age_at_missing")
    try:
        if raw not in (None, ""):
            return float(raw)
    except (TypeError, ValueError):
        pass
    try:
        born = dt.date.fromisoformat(str(poster.get("birth_date") or "")[:10])
        missing = dt.date.fromisoformat(str(poster.get("missing_date") or "")[:10])
    except ValueError:
        return None
    return (missing - born).days / 365.25


def poster_is_minor(poster: dict[str, Any] | None) -> bool:
    """Under 18 when missing, or of unknown age (then treated as a minor)."""
    age = _age_at_missing(poster or {})
    return age is None or age < 18


def minor_ads(
    session: Session, org_id: int, rows: Iterable[dict[str, Any]]
) -> set[str]:
    """Ad keys whose pictures are a matched minor's.

    Every lead of the organisation counts (this import's and earlier ones'),
    and every ad claiming an age under 18.
    """
    keys = {
        ad
        for ad, poster in session.execute(
            select(InvLead.ad_key, InvLead.poster).where(
                InvLead.organization_id == org_id
            )
        ).tuples()
        if poster_is_minor(poster)
    }
    for row in rows:
        ages = (row.get("facts") or {}).get("ages") or []
        if any(isinstance(a, int | float) and a < 18 for a in ages):
            keys.add(row["ad_key"])
    return keys


def save_images(
    session: Session,
    org_id: int,
    reader: ImageReader,
    *,
    minor: set[str],
    store: ImageStore | None,
    allowed: bool,
) -> tuple[int, int]:
    """Record every picture read; keep those allowed (the caller commits).

    Args:
        session: Database session.
        org_id: The organisation.
        reader: The pictures read.
        minor: SHA-256 of the pictures that are a matched minor's.
        store: Where pictures are kept (``None``: none is kept or removed).
        allowed: The ``investigate_store_images`` setting. Off: none is kept,
            and the pictures an earlier import kept are removed.

    Returns:
        (pictures kept, pictures removed).
    """
    known = {
        img.sha256: img
        for img in session.scalars(
            select(InvImage).where(InvImage.organization_id == org_id)
        )
    }
    kept = 0
    new_rows = []
    for sha, use in reader.seen.items():
        is_minor = sha in minor or (sha in known and known[sha].minor)
        keep = allowed and store is not None and not is_minor
        if keep and store is not None:
            store.put(sha, use.source.read_bytes())
            kept += 1
        if sha in known:
            img = known[sha]
            img.phash, img.minor, img.stored = f"{use.phash:016x}", is_minor, keep
        else:
            new_rows.append(
                {
                    "organization_id": org_id,
                    "sha256": sha,
                    "phash": f"{use.phash:016x}",
                    "media_type": use.media_type,
                    "minor": is_minor,
                    "stored": keep,
                    "imported_at": utcnow(),
                }
            )
    if new_rows:
        session.execute(insert(InvImage), new_rows)
    # no picture stays that the setting or the minor rule does not allow
    removed = 0
    for sha, img in known.items():
        if img.stored and (not allowed or img.minor or sha in minor):
            img.stored = False
        if not img.stored and store is not None and store.remove(sha):
            removed += 1
    session.flush()
    return kept, removed


def photo_words(
    poster_hash: str | None, ad_hashes: list[str]
) -> tuple[str, int] | None:
    """How close the poster photo is to the ad's closest picture, in words.

    Args:
        poster_hash: The poster photo's pHash (hex), or ``None``.
        ad_hashes: The ad pictures' pHashes (hex).

    Returns:
        ("same picture" / "a similar picture" / "different pictures", the
        pHash distance), or ``None`` when one side has no picture.
    """
    if poster_hash is None or not ad_hashes:
        return None
    d = min(hamming(int(poster_hash, 16), int(h, 16)) for h in ad_hashes)
    if d <= SAME:
        return "same picture", d
    if d <= SIMILAR:
        return "a similar picture", d
    return "different pictures", d
