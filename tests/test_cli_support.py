"""The shared CLI consoles: messages keep file paths whole."""

from __future__ import annotations

import json
from pathlib import Path

from nowrongdoor.cli import app


def test_a_skipped_line_keeps_its_whole_path(runner, tmp_path: Path) -> None:
    # a path longer than any terminal line: a wrapping console would break it
    deep = tmp_path / ("a-folder-with-a-rather-long-name-" * 4)
    deep.mkdir()
    bad = deep / "ads.jsonl"
    good = {"id": "1", "text": "hello there", "phones": [], "emails": []}
    bad.write_text(json.dumps(good) + "\n{broken\n")
    result = runner.invoke(app, ["ads", "link", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert f"{bad}:2" in result.output
