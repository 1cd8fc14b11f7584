"""The house rules that keep the tree easy to live in, checked on the source.

- Layers only point down: knowledge -> text -> (screening | population | ads) ->
  training -> care -> reports -> synth; the three batch/engine areas do not import
  each other (training reads knowledge and screening, never care), and no two
  areas may import each other. The base modules (settings, errors, atomic output,
  small-cell suppression, the JSON Lines reader, the Spark builder) sit below
  every area and import only each other.
- Generic batch code never imports duckdb or pyspark (the engine is chosen at the
  edge, in the ``_backends``/engine modules).
- No module reads the environment on its own (only ``settings.py`` does, through
  pydantic-settings).
- No module passes ~800 lines (Alembic migration scripts aside).
- Test files never import from ``conftest`` and have unique basenames.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "nowrongdoor"
TESTS = Path(__file__).resolve().parent
BASE = {
    "settings",
    "errors",
    "_cli_support",
    "_spark",
    "_output",
    "_jsonl",
    "_privacy",
    "_phash",
    "__init__",
    "__main__",
}

#: area -> areas it may import (besides itself and BASE).
ALLOWED: dict[str, set[str]] = {
    "knowledge": set(),
    "text": {"knowledge"},
    "screening": {"knowledge", "text"},
    "population": {"knowledge", "text"},
    "ads": {"knowledge", "text"},
    "training": {"knowledge", "text", "screening"},
    "care": {"knowledge", "text", "screening", "training"},
    "reports": {"knowledge", "text", "screening", "training", "care"},
    "synth": {"knowledge", "text", "screening", "population", "ads", "reports"},
}

#: Modules allowed to import an engine library directly (the edge).
ENGINE_EDGE = {"_backends.py", "_spark.py", "_engine.py", "cli.py"}


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _area(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


@pytest.mark.parametrize(
    "path", [p for p in _modules() if _area(p) in ALLOWED], ids=lambda p: str(p)
)
def test_layers_only_point_down(path: Path) -> None:
    area = _area(path)
    bad = []
    for name in _imports(path):
        parts = name.split(".")
        if parts[0] != "nowrongdoor" or len(parts) < 2:
            continue
        target = parts[1]
        if target in BASE or target == area:
            continue
        if target not in ALLOWED[area]:
            bad.append(name)
    assert not bad, f"{path.relative_to(SRC)} ({area}) imports {bad}"


def test_no_two_areas_import_each_other() -> None:
    both_ways = sorted(
        (a, b) for a, allowed in ALLOWED.items() for b in allowed if a in ALLOWED[b]
    )
    assert not both_ways, f"areas allowed to import each other: {both_ways}"


def test_base_modules_import_only_base_modules() -> None:
    bad = []
    for path in _modules():
        if len(path.relative_to(SRC).parts) > 1 or path.stem in {"cli", "__main__"}:
            continue
        assert path.stem in BASE, f"{path.name}: a new top-level module; add it to BASE"
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] == "nowrongdoor" and len(parts) > 1 and parts[1] not in BASE:
                bad.append(f"{path.name} imports {name}")
    assert not bad, "base modules importing areas:\n" + "\n".join(bad)


def test_engines_are_chosen_at_the_edge() -> None:
    bad = []
    for path in _modules():
        if _area(path) not in {"population", "ads", "reports"}:
            continue
        if path.name in ENGINE_EDGE:
            continue
        for name in _imports(path):
            if name.split(".")[0] in {"duckdb", "pyspark"}:
                bad.append(f"{path.relative_to(SRC)} imports {name}")
    assert not bad, "engine libraries outside the edge modules:\n" + "\n".join(bad)


def test_no_module_reads_the_environment() -> None:
    bad = []
    for path in _modules():
        if path.name == "settings.py":
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("os.environ", "os.getenv", "getenv("):
            if needle in text:
                bad.append(f"{path.relative_to(SRC)}: {needle}")
    assert not bad, "modules reading the environment:\n" + "\n".join(bad)


def test_no_module_is_too_long() -> None:
    long = {
        str(p.relative_to(SRC)): n
        for p in _modules()
        if "versions" not in p.parts  # Alembic migrations are generated
        and (n := len(p.read_text(encoding="utf-8").splitlines())) > 850
    }
    assert not long, f"split these modules (lines): {long}"


def test_tests_do_not_import_conftest_and_have_unique_names() -> None:
    files = [p for p in TESTS.rglob("*.py") if p.name != "conftest.py"]
    clashes = [n for n, c in Counter(p.name for p in files).items() if c > 1]
    assert not clashes, f"test module basenames must be unique: {clashes}"
    bad = [
        str(p.relative_to(TESTS))
        for p in files
        if any(name.split(".")[0] == "conftest" for name in _imports(p))
    ]
    assert not bad, f"import helpers from a uniquely named module, not conftest: {bad}"
