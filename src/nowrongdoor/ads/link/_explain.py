"""Why two ads are, or are not, in one operation (private; ``ads explain-link``)."""

from __future__ import annotations

from collections import deque

from nowrongdoor.ads.link._cluster import conflicts
from nowrongdoor.ads.link._combine import event_of
from nowrongdoor.ads.link._core import LinkOptions, LinkResult
from nowrongdoor.ads.link._pairs import pair_levels
from nowrongdoor.errors import UserInputError

__all__ = ["explain_pair"]


def _path(result: LinkResult, a: int, b: int) -> list[int] | None:
    """Indices of the merges on the path from ad ``a`` to ad ``b``."""
    adj: dict[int, list[tuple[int, int]]] = {}
    for k, m in enumerate(result.merges):
        adj.setdefault(m.a, []).append((m.b, k))
        adj.setdefault(m.b, []).append((m.a, k))
    back: dict[int, tuple[int, int]] = {a: (-1, -1)}
    todo = deque([a])
    while todo:
        x = todo.popleft()
        if x == b:
            break
        for y, k in adj.get(x, ()):
            if y not in back:
                back[y] = (x, k)
                todo.append(y)
    if b not in back:
        return None
    steps: list[int] = []
    x = b
    while x != a:
        x, k = back[x]
        steps.append(k)
    return steps[::-1]


def explain_pair(
    result: LinkResult,
    id_a: str,
    id_b: str,
    options: LinkOptions | None = None,
    *,
    source: str = "",
) -> list[str]:
    """Lines that say why two ads are or are not in one operation.

    Args:
        result: The linker's result over a corpus holding both ads.
        id_a: One ad id.
        id_b: The other ad id.
        options: The settings the corpus was linked with.
        source: The file the corpus was read from, for the message.

    Returns:
        The explanation, one line each.

    Raises:
        UserInputError: An id is not in the corpus.
    """
    opts = options or LinkOptions()
    index = {f.id: i for i, f in enumerate(result.facts)}
    for ad in (id_a, id_b):
        if ad not in index:
            where = f" of {source}" if source else ""
            raise UserInputError(f"ad {ad!r} is not in the linked ads{where}")
    a, b = index[id_a], index[id_b]
    op_a, op_b = result.operation[a], result.operation[b]
    same = op_a == op_b
    lines = [
        f"{id_a} is in {op_a}; {id_b} is in {op_b}: "
        + ("the same operation." if same else "different operations.")
    ]
    if same:
        steps = _path(result, a, b) or []
        lines.append(f"They are joined by {len(steps)} evidence edge(s):")
        for k in steps:
            m = result.merges[k]
            mw = "" if m.match_weight is None else f" [{m.match_weight:+.1f} bits]"
            lines.append(
                f"  {result.facts[m.a].id} - {result.facts[m.b].id}: {m.kind}, "
                f"{m.evidence}{mw}"
            )
    if result.pair_data is not None and result.model is not None:
        levels, detail = pair_levels(result.pair_data, a, b)
        weight = result.model.match_weight(levels)
        lines.append(f"Direct comparison of the two ads ({weight:+.1f} bits in all):")
        lines += [f"  {x}" for x in result.model.describe(levels)]
        if not same:
            lines += _why_apart(result, a, b, levels, weight, opts)
    shared_hubs = sorted(
        h.key
        for h in result.hubs
        if result.pair_data is not None
        and h.key in result.pair_data.ads[a].contacts & result.pair_data.ads[b].contacts
    )
    for key in shared_hubs:
        lines.append(f"They share {key}, ignored as a hub (it joins unrelated groups).")
    return lines


def _why_apart(
    result: LinkResult,
    a: int,
    b: int,
    levels: list[int],
    weight: float,
    opts: LinkOptions,
) -> list[str]:
    out: list[str] = []
    if levels[0] == 1:
        out.append("  Each has its own contacts and they share none.")
    if levels[1] < 3 and levels[2] < 3:
        out.append(
            "  They share no distinctive text (Jaccard >= 0.3 on word 3-grams used "
            f"by at most {opts.distinctive_groups} contact groups) and no rare photo."
        )
    elif weight < opts.merge_weight:
        out.append(
            f"  The match weight {weight:+.1f} is below the bar of "
            f"{opts.merge_weight:.1f} bits for joining two contact groups."
        )
    op_a, op_b = result.operation[a], result.operation[b]
    ev_a = sorted(
        event_of(f)
        for f, o in zip(result.facts, result.operation, strict=True)
        if o == op_a
    )
    ev_b = sorted(
        event_of(f)
        for f, o in zip(result.facts, result.operation, strict=True)
        if o == op_b
    )
    n = conflicts(ev_a, ev_b, opts.conflict_days * 1440.0)
    if n:
        out.append(
            f"  The two operations posted in different cities at the same time "
            f"({n} interleaved ads within {opts.conflict_days:g} days): one "
            "operation cannot be in both."
        )
    refused = [
        (x, y, w)
        for x, y, w in result.refused
        if {result.operation[x], result.operation[y]} == {op_a, op_b}
    ]
    for x, y, w in refused[:3]:
        out.append(
            f"  Edge {result.facts[x].id} - {result.facts[y].id} ({w:+.1f} bits) "
            "cleared the bar but was refused because the clusters conflict."
        )
    return out
