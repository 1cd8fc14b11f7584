"""Hostile input to the care and settings parsers takes time linear in its size.

CPU time (``time.process_time``), not wall-clock thresholds: each check grows
the input until the work is measurable, then doubles it; linear work about
doubles, quadratic work quadruples. The best of five runs is taken at each
size, with the garbage collector paused, so a busy shared machine does not
make the check flaky. (The ads and
population readers have their own checks in tests/ads and tests/population.)
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import ValidationError

from nowrongdoor.care.hsds import read_csv_package, read_json
from nowrongdoor.care.imports import read_csv_rows
from nowrongdoor.errors import UserInputError
from nowrongdoor.settings import build_settings

MAX_GROWTH = 3.0
MIN_SECONDS = 0.1


def _cpu(run: Callable[[int], object], n: int) -> float:
    best = float("inf")
    prepare = getattr(run, "prepare", None)
    if prepare is not None:
        prepare(n)  # building the input is not the parser's cost
    for _ in range(5):
        gc.collect()
        gc.disable()  # collections of earlier garbage are not this input's cost
        start = time.process_time()
        try:
            run(n)
        except (UserInputError, ValidationError):
            pass  # refusing hostile input also has to be linear
        finally:
            best = min(best, time.process_time() - start)
            gc.enable()
    return best


def _growth(run: Callable[[int], object], start: int, limit: int) -> float:
    # Objects alive before the check (the rest of a full test run: gigabytes)
    # are frozen out of the collector, so each gc.collect() in _cpu scans only
    # this check's own garbage instead of the whole heap.
    gc.collect()
    gc.freeze()
    try:
        n = start
        while _cpu(run, n) < MIN_SECONDS and n < limit:
            n *= 2
        small = _cpu(run, n)
        if small < MIN_SECONDS:
            return 1.0  # refused or cut off early: no growth up to the limit
        return _cpu(run, 2 * n) / small
    finally:
        gc.unfreeze()


@pytest.mark.parametrize(
    "make",
    [
        lambda n: "member_id,tier,score\n" + "M-1,high,70\n" * n,
        lambda n: 'member_id,tier,score\nM-1,"' + "x" * n + '",70\n',
        lambda n: 'member_id,tier,score\nM-1,"' + '""' * n + '",70\n',
        lambda n: "member_id,tier,score\n" + "," * n + "\n",
        lambda n: "\n" * n + "member_id,tier,score\n",
    ],
    ids=["rows", "long-field", "quotes", "commas", "blank-lines"],
)
def test_worklist_csv_is_linear(make: Callable[[int], str]) -> None:
    texts: dict[int, str] = {}

    def run(n: int) -> object:
        return read_csv_rows(texts[n], "w.csv", ("member_id", "tier", "score"))

    run.prepare = lambda n: texts.setdefault(n, make(n))  # type: ignore[attr-defined]
    assert _growth(run, 1_000, 4_000_000) < MAX_GROWTH


@pytest.mark.parametrize(
    "make",
    [
        lambda n: json.dumps(
            [{"id": f"o{i}", "name": "Org", "services": []} for i in range(n)]
        ),
        lambda n: json.dumps({"id": "o", "name": "x" * n}),
        lambda n: "[" * n + "]" * n,
        lambda n: '{"id": "o", "name": "' + "\\u00e9" * n + '"}',
    ],
    ids=["organizations", "long-name", "nesting", "escapes"],
)
def test_hsds_json_is_linear(tmp_path: Path, make: Callable[[int], str]) -> None:
    def run(n: int) -> object:
        return read_json(tmp_path / f"org-{n}.json")

    run.prepare = lambda n: (tmp_path / f"org-{n}.json").write_text(make(n))  # type: ignore[attr-defined]
    assert _growth(run, 200, 2_000_000) < MAX_GROWTH


def test_hsds_csv_package_is_linear(tmp_path: Path) -> None:
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"resources": [{"name": "organization", "path": "o.csv"}]})
    )

    def prepare(n: int) -> None:
        rows = "".join(f"o{i},Org {i},Shelter\n" for i in range(n))
        (tmp_path / "o.csv").write_text("id,name,description\n" + rows)

    def run(n: int) -> object:
        return read_csv_package(tmp_path)

    run.prepare = prepare  # type: ignore[attr-defined]
    assert _growth(run, 500, 2_000_000) < MAX_GROWTH


@pytest.mark.parametrize(
    "make",
    [
        lambda n: 'state = "' + "x" * n + '"\n',
        lambda n: "".join(f"k{i} = {i}\n" for i in range(n)),
        lambda n: "a = [" + "1," * n + "]\n",
        lambda n: 'state = "' + "\\u00e9" * n,  # unterminated: an error
    ],
    ids=["long-string", "many-keys", "long-array", "unterminated"],
)
def test_settings_toml_is_linear(tmp_path: Path, make: Callable[[int], str]) -> None:
    def run(n: int) -> object:
        return build_settings(config_file=tmp_path / f"s-{n}.toml", env={})

    run.prepare = lambda n: (tmp_path / f"s-{n}.toml").write_text(make(n))  # type: ignore[attr-defined]
    assert _growth(run, 500, 4_000_000) < MAX_GROWTH
