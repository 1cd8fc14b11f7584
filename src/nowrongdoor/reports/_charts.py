"""Charts as SVG (embedded in HTML) and PNG (files), drawn with Matplotlib (private).

Only published (suppressed) numbers reach a chart: a hidden value is drawn as no
bar with a "suppressed" mark, never as a bar of its true length.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Chart", "bar_chart", "line_chart"]

_COLOURS = ("#1b6ca8", "#e0a526", "#5a9e6f", "#b5485d", "#7a5ea8", "#6b6b6b")


@dataclass(frozen=True)
class Chart:
    """One chart in both formats.

    Attributes:
        name: File stem (``<name>.png``).
        title: Caption.
        svg: Standalone SVG markup (no XML prolog), for inline HTML.
        png: PNG bytes.
    """

    name: str
    title: str
    svg: str
    png: bytes


def _chart(fig: object, ax: object, name: str, title: str) -> Chart:
    """A drawn figure as a :class:`Chart` (trimmed, laid out, rendered, closed)."""
    import matplotlib.pyplot as plt

    ax.spines[["top", "right"]].set_visible(False)  # type: ignore[attr-defined]
    fig.tight_layout()  # type: ignore[attr-defined]
    svg_buf = io.StringIO()
    fig.savefig(svg_buf, format="svg", metadata={"Date": None})  # type: ignore[attr-defined]
    png_buf = io.BytesIO()
    fig.savefig(png_buf, format="png", dpi=110)  # type: ignore[attr-defined]
    plt.close(fig)  # type: ignore[arg-type]
    svg = svg_buf.getvalue()
    start = svg.find("<svg")
    return Chart(name=name, title=title, svg=svg[start:], png=png_buf.getvalue())


def _setup() -> None:
    import matplotlib

    matplotlib.use("Agg", force=True)
    matplotlib.rcParams["svg.hashsalt"] = "nowrongdoor"
    matplotlib.rcParams["svg.fonttype"] = "none"
    matplotlib.rcParams["font.size"] = 9


def bar_chart(
    name: str,
    title: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    xlabel: str = "Percent reporting",
    missing_labels: Mapping[str, str] | None = None,
) -> Chart:
    """Horizontal grouped bars, one group per label, one bar per series.

    Args:
        name: File stem.
        title: Caption.
        labels: Category labels (top to bottom).
        series: ``{series name: values}``; ``None`` marks a suppressed or
            unpublished value (drawn as a mark, not a bar).
        xlabel: Axis label.
        missing_labels: Text drawn for a ``None`` value, per series (default
            "suppressed"; e.g. "not published" for reference figures).
    """
    _setup()
    import matplotlib.pyplot as plt

    missing_labels = missing_labels or {}
    count = max(len(labels), 1)
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * count * max(len(series), 1) + 1.2))
    height = 0.8 / max(len(series), 1)
    short = ["\n".join(textwrap.wrap(label, 38)[:2]) for label in labels]
    top = max(
        (v for values in series.values() for v in values if v is not None),
        default=1.0,
    )
    for s, (series_name, values) in enumerate(series.items()):
        ys = [i + s * height for i in range(len(labels))]
        widths = [v if v is not None else 0.0 for v in values]
        ax.barh(
            ys,
            widths,
            height=height,
            color=_COLOURS[s % len(_COLOURS)],
            label=series_name,
        )
        for y, value in zip(ys, values, strict=True):
            missing = missing_labels.get(series_name, "suppressed")
            text = missing if value is None else _number(value)
            ax.text(
                (value or 0.0) + top * 0.01,
                y,
                text,
                va="center",
                fontsize=7,
                color="#444" if value is not None else "#999",
            )
    ax.set_yticks([i + height * (len(series) - 1) / 2 for i in range(len(labels))])
    ax.set_yticklabels(short)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.18 if top > 0 else 1)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    if len(series) > 1:
        ax.legend(loc="lower right", fontsize=7)
    return _chart(fig, ax, name, title)


def line_chart(
    name: str,
    title: str,
    periods: Sequence[str],
    series: Mapping[str, Sequence[int | None]],
    ylabel: str = "Count",
) -> Chart:
    """Monthly counts as lines with markers; suppressed months leave a gap.

    Args:
        name: File stem.
        title: Caption.
        periods: Period labels (x axis).
        series: ``{series name: counts}``; ``None`` is a suppressed value.
        ylabel: Axis label.
    """
    _setup()
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    xs = list(range(len(periods)))
    for s, (series_name, values) in enumerate(series.items()):
        ys = [float("nan") if v is None else float(v) for v in values]
        ax.plot(
            xs,
            ys,
            marker="o",
            color=_COLOURS[s % len(_COLOURS)],
            label=series_name,
        )
    ax.set_xticks(xs)
    ax.set_xticklabels(periods, rotation=45, ha="right")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.set_ylim(bottom=0)
    if series:
        ax.legend(fontsize=7)
    return _chart(fig, ax, name, title)


def _number(value: float) -> str:
    """A bar label: counts as whole numbers, percentages with one decimal."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
