"""Atomic output and CSV text, shared by every area that writes files.

A base module (like ``settings`` and ``errors``): any layer may import it. A long
job never leaves a half-written output behind: a file is written to a temporary
name beside it and renamed over it only when complete (:func:`atomic_path`,
:func:`atomic_open`, :func:`write_atomic`); a folder of outputs is written into a
temporary sibling folder and swapped in whole (:func:`atomic_dir`). On any error
(or Ctrl-C) the temporary file or folder is removed and the old output, if any,
is left as it was.

An output that cannot be written (its folder is a file, a system folder, a
read-only disk) ends in one sentence naming the path the user gave
(:class:`~nowrongdoor.errors.UserInputError`), never the temporary name.

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

from nowrongdoor.errors import UserInputError

__all__ = [
    "atomic_dir",
    "atomic_into",
    "atomic_open",
    "atomic_path",
    "csv_text",
    "out_folder",
    "write_atomic",
]


def _cannot_write(path: Path, exc: OSError) -> UserInputError:
    """One sentence for an output the OS refused: the user's path and the reason."""
    return UserInputError(f"cannot write {path}: {exc.strerror or exc}")


def out_folder(folder: Path) -> Path:
    """Make the folder outputs go in (and its parents), if missing.

    Args:
        folder: The folder.

    Returns:
        ``folder``.

    Raises:
        UserInputError: ``folder`` or one of its parents is a file, or the
            folder cannot be made; the message names ``folder``.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UserInputError(f"cannot write to {folder}: it is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next(p for p in folder.parents if p.exists() and not p.is_dir())
        raise UserInputError(
            f"cannot write to {folder}: {blocker} is a file, not a folder"
        ) from None
    except OSError as exc:
        raise _cannot_write(folder, exc) from None
    return folder


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

    Raises:
        UserInputError: ``path`` is a folder, or it cannot be written there.
    """
    path = Path(path)
    if path.is_dir():
        raise UserInputError(f"cannot write {path}: it is a folder, not a file")
    out_folder(path.parent)
    try:
        fd, name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o600 if private else 0o644)
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise _cannot_write(path, exc) from None
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

    Raises:
        UserInputError: ``out_dir`` is a file, or it cannot be written there.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserInputError(f"cannot write to {out_dir}: it is a file, not a folder")
    out_folder(out_dir.parent)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    except OSError as exc:
        raise _cannot_write(out_dir, exc) from None
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


@contextmanager
def atomic_into(out_dir: Path) -> Iterator[Path]:
    """A temporary folder inside ``out_dir`` whose files and folders move into
    ``out_dir`` if the block succeeds.

    For a command that writes several outputs into a folder that may hold other
    files, so that the folder cannot be swapped whole as :func:`atomic_dir`
    does: an interrupted run leaves none of its outputs, a finished one all of
    them. A folder among the outputs replaces the old folder of that name whole.

    Args:
        out_dir: The folder (created if missing).

    Yields:
        The temporary folder to write into (it is removed afterwards).

    Raises:
        UserInputError: ``out_dir`` cannot be written, or an output's name is
            taken by a folder.
    """
    out_dir = out_folder(Path(out_dir))
    try:
        work = Path(tempfile.mkdtemp(prefix=".partial-", dir=out_dir))
    except OSError as exc:
        raise _cannot_write(out_dir, exc) from None
    try:
        yield work
        for item in sorted(work.iterdir()):
            target = out_dir / item.name
            if item.is_dir() and target.is_dir():
                shutil.rmtree(target)
            elif target.is_dir() or (item.is_dir() and target.exists()):
                kind = "folder" if item.is_dir() else "file"
                raise UserInputError(f"cannot write {target}: it is not a {kind}")
            os.replace(item, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


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
