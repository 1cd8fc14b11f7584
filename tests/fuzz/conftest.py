"""Prints the number of generated fuzz cases per target at the end of a run."""

from __future__ import annotations

from typing import Any

from fuzz_helpers import CASES


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the number of generated cases per target."""
    if not CASES:
        return
    total = sum(CASES.values())
    terminalreporter.write_sep("=", f"fuzz: {total} generated cases")
    for target, n in sorted(CASES.items()):
        terminalreporter.write_line(f"  {target}: {n}")
