"""Atomic output and CSV text, shared by every area that writes files.

A base module (like ``settings`` and ``errors``): any layer may import it. A long
job never leaves a half-written output behind: a file is written to a temporary
name beside it and renamed over it only when complete (:func:`atomic_path`,
:func:`atomic_open`, :func:`write_atomic`); a folder of outputs is written into a
temporary sibling folder and swapped in whole (:func:`atomic_dir`). On any error
(or Ctrl-C) the temporary file or folder is removed and the old output, if any,
is left as it was.

Files are readable by everyone (``0644``) unless ``private=True``: person-level
outputs (worklists, screening bundles, scan records) stay readable by their owner
only (``0600``, folders ``0700``).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

__all__ = ["atomic_dir", "atomic_open", "atomic_path", "csv_text", "write_atomic"]


@contextmanager
def atomic_path(path: Path, *, private: bool = False) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed over ``path`` if the block succeeds.

    For writers that take a file name (Parquet, GraphML, Arrow CSV). The parent
    folder is created if missing.

    Args:
        path: The final file.
        private: Keep the file readable by its owner only (``0600``); otherwise
            it is made ``0644``.

    Yields:
        The temporary file's path (it exists, empty).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o600 if private else 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_open(
    path: Path, *, newline: str | None = None, private: bool = False
) -> Iterator[IO[str]]:
    """Open a UTF-8 text file for writing that appears at ``path`` only when closed.

    Args:
        path: The final file.
        newline: As for :func:`open` (``""`` for the :mod:`csv` module).
        private: Keep the file readable by its owner only.

    Yields:
        The open text handle.
    """
    with (
        atomic_path(path, private=private) as tmp,
        tmp.open("w", encoding="utf-8", newline=newline) as handle,
    ):
        yield handle


def write_atomic(path: Path, data: str | bytes, *, private: bool = False) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` atomically.

    Args:
        path: The final file.
        data: Its whole content.
        private: Keep the file readable by its owner only.

    Returns:
        ``path``.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(path, private=private) as tmp:
        tmp.write_bytes(raw)
    return Path(path)


@contextmanager
def atomic_dir(out_dir: Path, *, private: bool = False) -> Iterator[Path]:
    """A temporary sibling folder that replaces ``out_dir`` whole if the block succeeds.

    The caller decides beforehand whether ``out_dir`` may be replaced (an earlier
    run's outputs) and writes every file into the yielded folder. The old folder
    is moved aside, the new one renamed into place, and the old one deleted, so a
    reader sees the old outputs or the new ones, never a mixture.

    Args:
        out_dir: The final folder.
        private: Files ``0600`` and folders ``0700`` (person-level results);
            otherwise the folder is made ``0755`` and files keep their mode.

    Yields:
        The temporary folder to write into.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        yield tmp
        if private:
            for path in tmp.rglob("*"):
                os.chmod(path, 0o700 if path.is_dir() else 0o600)
            os.chmod(tmp, 0o700)
        else:
            os.chmod(tmp, 0o755)
        if out_dir.exists():
            old = Path(
                tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent)
            )
            os.rmdir(old)
            os.replace(out_dir, old)
            os.replace(tmp, out_dir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def csv_text(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """CSV text: the header row, then the rows; ``\\n`` line endings, ``None`` empty.

    Args:
        header: Column names.
        rows: One sequence of values per row.

    Returns:
        The CSV document.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
