"""reports._output: the one report flow (ReportWriter) and write_report."""

from __future__ import annotations

from pathlib import Path

from nowrongdoor.reports._charts import Chart
from nowrongdoor.reports._output import ReportWriter, table_csv


def test_report_writer_draws_once_and_writes_every_part(tmp_path: Path) -> None:
    calls: list[str] = []

    def charts(subject: str) -> dict[str, Chart]:
        calls.append(f"charts:{subject}")
        return {"a": Chart(name="chart_a", title="A", svg="<svg/>", png=b"png")}

    def tables(subject: str) -> dict[str, list[list[object]]]:
        calls.append(f"tables:{subject}")
        return {"counts": [["k", "v"], ["x", 1]]}

    def render(subject: str, drawn: dict[str, Chart]) -> str:
        calls.append(f"render:{subject}:{sorted(drawn)}")
        return f"<p>{subject}</p>"

    writer = ReportWriter("page.html", charts, tables, render)
    written = writer.write("s", tmp_path / "out")

    assert calls == ["charts:s", "tables:s", "render:s:['a']"]
    out = tmp_path / "out"
    assert written == [
        out / "tables" / "counts.csv",
        out / "charts" / "chart_a.png",
        out / "page.html",
    ]
    csv = table_csv([["k", "v"], ["x", 1]])
    assert (out / "tables" / "counts.csv").read_bytes() == csv.encode()
    assert (out / "charts" / "chart_a.png").read_bytes() == b"png"
    assert (out / "page.html").read_text() == "<p>s</p>"
