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


LEXICON = """
section: lexicon
title: L
kind: lexicon
entries:
  - id: lexicon.word
    term: word
    title: Word
    category: role
    text: t
    source: "deck: x"
    patterns: ['word']
    examples_positive: ['a word']
"""


def test_duplicate_id_in_one_file_names_entry(tmp_path: Path) -> None:
    entry = GOOD.split("entries:\n", 1)[1]
    bad = _write(tmp_path, "dup.yaml", GOOD + entry)
    with pytest.raises(KnowledgeError, match=r"dup\.yaml: entry demo\.one duplicates"):
        load_knowledge_from([bad])


def test_unknown_see_also_names_file_and_entry(tmp_path: Path) -> None:
    bad = _write(tmp_path, "s.yaml", GOOD + "    see_also: [demo.missing]\n")
    expected = r"s\.yaml: entry demo\.one .*demo\.missing"
    with pytest.raises(KnowledgeError, match=expected):
        load_knowledge_from([bad])


def test_source_must_be_deck_title_or_url(tmp_path: Path) -> None:
    bad = _write(tmp_path, "src.yaml", GOOD.replace('"deck: Demo"', '"my notes"'))
    expected = r"src\.yaml: entry demo\.one field source"
    with pytest.raises(KnowledgeError, match=expected):
        load_knowledge_from([bad])


def test_ambiguous_term_needs_context(tmp_path: Path) -> None:
    text = LEXICON + "    ambiguous: true\n"
    bad = _write(tmp_path, "amb.yaml", text)
    expected = r"amb\.yaml: entry lexicon\.word.*context"
    with pytest.raises(KnowledgeError, match=expected):
        load_knowledge_from([bad])


def test_uncompilable_context_pattern_names_entry(tmp_path: Path) -> None:
    text = LEXICON + "    context_patterns: ['(unclosed']\n"
    bad = _write(tmp_path, "ctx.yaml", text)
    expected = r"ctx\.yaml: entry lexicon\.word.*compile"
    with pytest.raises(KnowledgeError, match=expected):
        load_knowledge_from([bad])


def test_entry_outside_its_section_is_refused(tmp_path: Path) -> None:
    bad = _write(tmp_path, "sec.yaml", GOOD.replace("id: demo.one", "id: other.one"))
    expected = r"sec\.yaml: entry other\.one does not start with the section name"
    with pytest.raises(KnowledgeError, match=expected):
        load_knowledge_from([bad])


def test_table_row_must_match_columns(tmp_path: Path) -> None:
    text = """
section: survey
title: S
kind: table
entries:
  - id: survey.t
    title: T
    text: t
    source: "deck: x"
    columns: [a, b]
    rows:
      - {a: 1}
"""
    bad = _write(tmp_path, "tab.yaml", text)
    with pytest.raises(KnowledgeError, match=r"tab\.yaml: entry survey\.t.*row 0"):
        load_knowledge_from([bad])


def test_unknown_field_names_entry(tmp_path: Path) -> None:
    bad = _write(tmp_path, "f.yaml", GOOD + "    colour: red\n")
    with pytest.raises(KnowledgeError, match=r"f\.yaml: entry demo\.one field colour"):
        load_knowledge_from([bad])


def test_good_file_loads(tmp_path: Path) -> None:
    kb = load_knowledge_from([_write(tmp_path, "ok.yaml", GOOD)])
    assert [e.id for e in kb] == ["demo.one"]


def test_strong_pattern_must_be_a_listed_pattern(tmp_path: Path) -> None:
    text = LEXICON + "    strong_patterns: ['other']\n"
    bad = _write(tmp_path, "strong.yaml", text)
    with pytest.raises(KnowledgeError, match=r"strong\.yaml: entry lexicon\.word"):
        load_knowledge_from([bad])


def test_file_that_is_not_a_mapping_names_file(tmp_path: Path) -> None:
    bad = _write(tmp_path, "list.yaml", "- just\n- a list\n")
    with pytest.raises(KnowledgeError, match=r"^list\.yaml: .*dictionary"):
        load_knowledge_from([bad])
