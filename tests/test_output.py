"""Atomic output (``nowrongdoor._output``): complete files or none, never half."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from _user_errors import user_error
from nowrongdoor._output import (
    atomic_dir,
    atomic_into,
    atomic_open,
    atomic_path,
    csv_text,
    out_folder,
    write_atomic,
)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_write_atomic_replaces_whole_files(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "table.csv"
    assert write_atomic(path, "a,b\n") == path
    write_atomic(path, b"\x89PNG")
    assert path.read_bytes() == b"\x89PNG"
    assert path.stat().st_mode & 0o777 == 0o644
    write_atomic(path, "secret", private=True)
    assert path.stat().st_mode & 0o777 == 0o600
    assert _leftovers(path.parent) == []


def test_an_interrupted_write_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text("old\n")
    with pytest.raises(KeyboardInterrupt), atomic_open(path) as fh:
        fh.write("half")
        raise KeyboardInterrupt
    with pytest.raises(RuntimeError), atomic_path(path) as tmp:
        tmp.write_text("half")
        raise RuntimeError("writer failed")
    assert path.read_text() == "old\n"
    assert _leftovers(tmp_path) == []


def test_atomic_dir_swaps_the_whole_folder(tmp_path: Path) -> None:
    out = tmp_path / "run"
    with atomic_dir(out, private=True) as tmp:
        (tmp / "a.csv").write_text("1")
        assert not out.exists()
    assert out.stat().st_mode & 0o777 == 0o700
    assert (out / "a.csv").stat().st_mode & 0o777 == 0o600
    with pytest.raises(KeyboardInterrupt), atomic_dir(out) as tmp:
        (tmp / "b.csv").write_text("2")
        raise KeyboardInterrupt
    assert sorted(p.name for p in out.iterdir()) == ["a.csv"]
    with atomic_dir(out) as tmp:
        (tmp / "b.csv").write_text("2")
    assert sorted(p.name for p in out.iterdir()) == ["b.csv"]
    assert out.stat().st_mode & 0o777 == 0o755
    assert _leftovers(tmp_path) == []


def test_csv_text() -> None:
    text = csv_text(["a", "b"], [[1, None], ["x,y", 'say "hi"']])
    assert text == 'a,b\n1,\n"x,y","say ""hi"""\n'


def _enter(manager: AbstractContextManager[object]) -> None:
    with manager:
        pass


def _refused(*args: object, **kwargs: object) -> str:
    raise PermissionError(13, "Permission denied", "/somewhere/.out.csv.x1y2.tmp")


def test_an_unwritable_output_is_named_in_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tempfile.mkstemp", _refused)
    monkeypatch.setattr("tempfile.mkdtemp", _refused)
    out = tmp_path / "out.csv"
    assert (
        user_error(write_atomic, out, "a\n") == f"cannot write {out}: Permission denied"
    )
    said = user_error(_enter, atomic_dir(tmp_path / "run"))
    assert said == f"cannot write {tmp_path / 'run'}: Permission denied"
    assert ".tmp" not in said


def test_an_output_blocked_by_a_file_or_folder_is_refused(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep\n")
    assert user_error(write_atomic, a_file / "out.csv", "a\n") == (
        f"cannot write to {a_file}: it is a file, not a folder"
    )
    assert user_error(out_folder, a_file / "run" / "tables") == (
        f"cannot write to {a_file / 'run' / 'tables'}: {a_file} is a file, not a folder"
    )
    assert (
        user_error(_enter, atomic_dir(a_file))
        == f"cannot write to {a_file}: it is a file, not a folder"
    )
    assert (
        user_error(write_atomic, tmp_path, "a\n")
        == f"cannot write {tmp_path}: it is a folder, not a file"
    )
    assert a_file.read_text() == "keep\n"
    assert _leftovers(tmp_path) == []


def test_atomic_into_moves_all_outputs_or_none(tmp_path: Path) -> None:
    """Several outputs into a folder that holds other files: an interrupted run
    leaves none of them, a finished one all; an output folder is replaced whole."""
    out = tmp_path / "corpus"
    out.mkdir()
    (out / "mine.txt").write_text("keep\n")
    (out / "images").mkdir()
    (out / "images" / "old.png").write_text("old")
    with pytest.raises(KeyboardInterrupt), atomic_into(out) as work:
        (work / "ads.jsonl").write_text("half")
        raise KeyboardInterrupt
    assert sorted(p.name for p in out.iterdir()) == ["images", "mine.txt"]
    with atomic_into(out) as work:
        (work / "ads.jsonl").write_text("{}\n")
        (work / "images").mkdir()
        (work / "images" / "new.png").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == ["ads.jsonl", "images", "mine.txt"]
    assert [p.name for p in (out / "images").iterdir()] == ["new.png"]
    assert (out / "mine.txt").read_text() == "keep\n"
