from pathlib import Path

import pytest

from nowrongdoor.knowledge import KnowledgeError, load_knowledge_from

GOOD = """
section: demo
title: Demo
entries:
  - id: demo.one
    title: One
    text: first
    source: "deck: Demo"
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_duplicate_id_names_file_and_entry(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.yaml", GOOD)
    b = _write(
        tmp_path,
        "b.yaml",
        GOOD.replace("section: demo", "section: demo").replace(
            "title: Demo", "title: Demo again"
        ),
    )
    with pytest.raises(KnowledgeError, match=r"(a|b)\.yaml"):
        load_knowledge_from([a, b])


def test_missing_source_names_entry(tmp_path: Path) -> None:
    bad = _write(tmp_path, "x.yaml", GOOD.replace('    source: "deck: Demo"\n', ""))
    with pytest.raises(KnowledgeError, match=r"x\.yaml: entry demo\.one.*source"):
        load_knowledge_from([bad])


def test_uncompilable_pattern_names_entry(tmp_path: Path) -> None:
    text = """
section: lexicon
title: L
kind: lexicon
entries:
  - id: lexicon.bad
    term: bad
    title: Bad
    category: role
    text: t
    source: "deck: x"
    patterns: ['bad(']
    examples_positive: ['bad']
"""
    bad = _write(tmp_path, "lex.yaml", text)
    with pytest.raises(KnowledgeError, match=r"lex\.yaml: entry lexicon\.bad.*pattern"):
        load_knowledge_from([bad])


def test_malformed_yaml_names_file(tmp_path: Path) -> None:
    bad = _write(tmp_path, "broken.yaml", "section: [unclosed\n")
    with pytest.raises(KnowledgeError, match=r"broken\.yaml: not valid YAML"):
        load_knowledge_from([bad])
