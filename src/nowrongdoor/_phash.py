"""The one perceptual hash of a picture, shared by every area that compares photos.

``ads link`` and ``ads match`` join re-uploaded copies of a photo by it, and the
care investigator workspace keeps it in place of a picture it may not store (a
matched minor's). A 64-bit pHash (``imagehash``): copies of one photo
(brightness, re-compression, rescaling, a small crop) stay within a few bits;
unrelated pictures differ in about half of them.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = ["hamming", "phash_bytes", "phash_file"]


def _bits(img: Image) -> int:
    import imagehash

    bits = imagehash.phash(img).hash.flatten()
    return int("".join("1" if b else "0" for b in bits), 2)


def phash_file(path: Path) -> int:
    """The 64-bit pHash of an image file.

    Raises:
        FileNotFoundError: No such file.
        OSError: Not a readable image (Pillow's ``UnidentifiedImageError``).
    """
    from PIL import Image

    with Image.open(path) as img:
        return _bits(img)


def phash_bytes(data: bytes) -> int:
    """The 64-bit pHash of an image given as its bytes (as :func:`phash_file`)."""
    from PIL import Image

    with Image.open(BytesIO(data)) as img:
        return _bits(img)


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two 64-bit hashes."""
    return (a ^ b).bit_count()
