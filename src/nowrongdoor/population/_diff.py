"""``population diff``: what changed between two monthly runs.

Compares the worklists of two finished runs member by member: **new** on the
worklist, moved **up** or **down** a tier, **dropped** from it, or **same** tier.
Each change carries a sentence saying why: the indicators gained or lost, and for
a dropped member whether every reason aged out of its look-back window by the new
run's as-of date (from the scoring model) or the member's codes are gone from the
new input.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from nowrongdoor._output import csv_text, write_atomic
from nowrongdoor.errors import UserInputError, read_user_text
from nowrongdoor.population._model import TIERS, ScoringModel, load_scoring_model

__all__ = [
    "CHANGES",
    "DIFF_COLUMNS",
    "Change",
    "diff_rows",
    "diff_runs",
    "write_changes",
]

#: Kinds of change, most urgent first.
CHANGES = ("new", "up", "down", "dropped", "same")
#: Columns of ``changes.csv``; member_id, tier, score, pathway, age, reasons,
#: open_tier and open_score are the new run's (age and reasons the old run's for
#: dropped members), so the file can be imported with ``care import-worklist``.
#: The open columns are empty for a run written before the worklist had them.
DIFF_COLUMNS = (
    "member_id",
    "change",
    "tier",
    "score",
    "old_tier",
    "old_score",
    "pathway",
    "age",
    "why",
    "reasons",
    "open_tier",
    "open_score",
    "old_open_tier",
    "old_open_score",
    "open_change",
    "open_why",
)
#: The sensitivity label of 42 CFR Part 2 reasons (as the worklist writes it).
_PART2 = "42-cfr-part-2"


@dataclass(frozen=True)
class Change:
    """One member's change between two runs."""

    member_id: str
    change: str
    tier: str
    score: int
    old_tier: str
    old_score: int
    pathway: str
    age: str
    why: str
    reasons: str
    open_tier: str = ""
    open_score: int | str = ""
    old_open_tier: str = ""
    old_open_score: int | str = ""
    open_change: str = ""
    open_why: str = ""

    def row(self) -> list[Any]:
        """The ``changes.csv`` row."""
        return [getattr(self, c) for c in DIFF_COLUMNS]


@dataclass(frozen=True)
class _Run:
    as_of: date | None
    rows: dict[str, dict[str, str]]
    has_open: bool = True


def _read_run(path: Path) -> _Run:
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    csv_path = path / "worklist.csv" if path.is_dir() else path
    if not csv_path.is_file():
        raise UserInputError(
            f"{path} holds no worklist.csv; give a directory written by "
            "`population score`"
        )
    text = read_user_text(csv_path, newline="")
    reader = csv.DictReader(text.splitlines())
    need = {"member_id", "tier", "score", "reasons"}
    if not need <= set(reader.fieldnames or []):
        raise UserInputError(
            f"{csv_path} is not a worklist: it needs the columns "
            + ", ".join(sorted(need))
        )
    rows: dict[str, dict[str, str]] = {}
    for number, row in enumerate(reader, start=2):
        if row["tier"] not in TIERS:
            raise UserInputError(
                f"{csv_path} line {number}: tier {row['tier']!r} is not one of "
                + ", ".join(TIERS)
            )
        rows[row["member_id"]] = row
    as_of = None
    summary = folder / "summary.json"
    if summary.is_file():
        text = read_user_text(summary)
        try:
            as_of = date.fromisoformat(json.loads(text)["as_of"])
        except (ValueError, KeyError, TypeError):
            # without it, a member dropped because a reason aged out would be
            # reported without that reason: refuse rather than say less
            raise UserInputError(
                f"{summary} has no as_of date (YYYY-MM-DD): it is not a summary "
                "written by `population score`"
            ) from None
    has_open = {"open_tier", "open_score"} <= set(reader.fieldnames or [])
    for number, row in enumerate(rows.values(), start=2):
        if has_open and row["open_tier"] not in TIERS:
            raise UserInputError(
                f"{csv_path} line {number}: open_tier {row['open_tier']!r} is not "
                "one of " + ", ".join(TIERS)
            )
    return _Run(as_of=as_of, rows=rows, has_open=has_open)


def _indicators(row: dict[str, str]) -> list[dict[str, Any]]:
    try:
        parsed = json.loads(row.get("reasons") or "[]")
    except json.JSONDecodeError:
        return []
    if not isinstance(parsed, list):
        return []
    return [r for r in parsed if isinstance(r, dict)]


def _names(reasons: list[dict[str, Any]]) -> set[str]:
    return {str(r.get("indicator")) for r in reasons}


def _open_names(reasons: list[dict[str, Any]]) -> set[str]:
    """The indicators of the reasons that are not 42 CFR Part 2 records."""
    return {
        str(r.get("indicator"))
        for r in reasons
        if str(r.get("sensitivity", "")).lower() != _PART2
    }


def _has_open(rows: dict[str, dict[str, str]]) -> bool:
    """Whether a run's worklist has the open columns (an empty one: assumed)."""
    return all("open_tier" in r for r in rows.values())


def _moved(before: str, after: str, rank: dict[str, int]) -> str:
    """The kind of change from tier ``before`` to ``after`` (``none``: off the
    list)."""
    if before == "none" and after != "none":
        return "new"
    if before != "none" and after == "none":
        return "dropped"
    delta = rank[before] - rank[after]
    return "up" if delta > 0 else "down" if delta < 0 else "same"


def _open_view(
    o: dict[str, str] | None,
    n: dict[str, str] | None,
    old_open: bool,
    new_open: bool,
    rank: dict[str, int],
) -> dict[str, Any]:
    """The open columns of one change: each run's open tier and score (``none``
    and 0 off its worklist; empty when the run has no open columns), the kind of
    change of the open tier, and why from the non-Part-2 reasons alone."""

    def side(row: dict[str, str] | None, has: bool) -> tuple[str, int | str]:
        if not has:
            return "", ""
        if row is None:
            return "none", 0
        return row.get("open_tier", ""), int(row.get("open_score") or 0)

    old_tier, old_score = side(o, old_open)
    new_tier, new_score = side(n, new_open)
    out: dict[str, Any] = {
        "open_tier": new_tier,
        "open_score": new_score,
        "old_open_tier": old_tier,
        "old_open_score": old_score,
        "open_change": "",
        "open_why": "",
    }
    if not old_tier or not new_tier:
        return out
    kind = _moved(old_tier, new_tier, rank)
    before = _open_names(_indicators(o)) if o else set()
    now = _open_names(_indicators(n)) if n else set()
    parts = []
    if kind != "same":
        parts.append(f"{old_tier} -> {new_tier}")
    if now - before:
        parts.append("gained " + ", ".join(sorted(now - before)))
    if before - now:
        parts.append("lost " + ", ".join(sorted(before - now)))
    out["open_change"] = kind
    out["open_why"] = "; ".join(parts) or "same reasons"
    return out


def _why_dropped(
    old: dict[str, str], new_as_of: date | None, model: ScoringModel
) -> str:
    reasons = _indicators(old)
    if new_as_of is None or not reasons:
        return "not on the new worklist"
    aged: list[str] = []
    for r in reasons:
        ind, when = str(r.get("indicator")), r.get("date")
        weight = model.indicators.get(ind)
        if weight is None or not isinstance(when, str):
            continue
        try:
            end = date.fromisoformat(when) + timedelta(days=weight.lookback_days)
        except ValueError:
            continue
        if end < new_as_of:
            aged.append(f"{ind} ({when}, {weight.lookback_days}-day look-back)")
    if aged and len(aged) == len(reasons):
        return "every reason aged out of its look-back window by " + (
            f"{new_as_of}: " + ", ".join(aged)
        )
    if aged:
        return (
            "below the elevated threshold now: "
            + ", ".join(aged)
            + " aged out; the rest no longer score enough"
        )
    older = _older_band(old, reasons, model)
    if older:
        return older
    return (
        "not on the new worklist although its reasons are still inside their "
        "look-back windows: the member or those codes are not in the new input "
        "(disenrolled, or claims corrected)"
    )


def _older_band(
    old: dict[str, str], reasons: list[dict[str, Any]], model: ScoringModel
) -> str | None:
    """Why a member whose reasons all still count left the worklist, if a birthday
    explains it: one year older, in a band where the same reasons score below the
    elevated threshold (minors weigh more; pregnancy counts for minors only)."""
    try:
        age = int(old.get("age") or "")
    except ValueError:
        return None

    def band(years: int) -> Any:
        return next(
            (b for b in model.age_bands if b.min_age <= years <= b.max_age), None
        )

    before, after = band(age), band(age + 1)
    if before is None or after is None or before == after:
        return None
    names = [str(r.get("indicator")) for r in reasons]
    if any(n not in model.indicators for n in names):
        return None
    score = sum(model.points(n, after) for n in names)
    if score >= model.tiers.elevated:
        return None
    return (
        f"turned {age + 1}: in the {after.name} band the same reasons "
        f"({', '.join(names)}) score {score}, below the elevated threshold "
        f"({model.tiers.elevated})"
    )


def diff_rows(
    old: dict[str, dict[str, str]],
    new: dict[str, dict[str, str]],
    new_as_of: date | None = None,
    model: ScoringModel | None = None,
    has_open: tuple[bool, bool] | None = None,
) -> list[Change]:
    """Compare two worklists (member id -> worklist row).

    Args:
        old: The earlier run's rows.
        new: The later run's rows.
        new_as_of: The later run's as-of date (to tell aged-out reasons).
        model: The scoring model (look-back windows); default the shipped one.
        has_open: Whether the old and the new worklist have the open columns
            (``open_tier``, ``open_score``); default: every row has them.

    Returns:
        One change per member on either worklist, sorted by change kind (new, up,
        down, dropped, same), then the new tier, score (highest first), member id.
    """
    model = model or load_scoring_model()
    rank = {t: i for i, t in enumerate(TIERS)}
    old_open, new_open = has_open or (_has_open(old), _has_open(new))
    out: list[Change] = []
    for member in sorted(set(old) | set(new)):
        o, n = old.get(member), new.get(member)
        cur = n or o
        assert cur is not None
        now, before = _indicators(n) if n else [], _indicators(o) if o else []
        gained = sorted(_names(now) - _names(before))
        lost = sorted(_names(before) - _names(now))
        if o is None:
            kind = "new"
            why = "on the worklist for the first time: " + ", ".join(
                sorted(_names(now))
            )
        elif n is None:
            kind = "dropped"
            why = _why_dropped(o, new_as_of, model)
        else:
            delta = rank[o["tier"]] - rank[n["tier"]]
            kind = "up" if delta > 0 else "down" if delta < 0 else "same"
            parts = []
            if gained:
                parts.append("gained " + ", ".join(gained))
            if lost:
                parts.append("lost " + ", ".join(lost))
            if kind != "same":
                parts.insert(0, f"{o['tier']} -> {n['tier']}")
            why = "; ".join(parts) or "same reasons"
        out.append(
            Change(
                member_id=member,
                change=kind,
                tier=n["tier"] if n else "none",
                score=int(n["score"]) if n else 0,
                old_tier=o["tier"] if o else "none",
                old_score=int(o["score"]) if o else 0,
                pathway=(n or {}).get("pathway", ""),
                age=cur.get("age", ""),
                why=why,
                reasons=(n or o or {}).get("reasons", "[]"),
                **_open_view(o, n, old_open, new_open, rank),
            )
        )
    order = {c: i for i, c in enumerate(CHANGES)}
    out.sort(key=lambda c: (order[c.change], rank[c.tier], -c.score, c.member_id))
    return out


def diff_runs(
    old_dir: Path, new_dir: Path, model: ScoringModel | None = None
) -> list[Change]:
    """Compare two ``population score`` output directories.

    Raises:
        UserInputError: either directory holds no readable worklist.
    """
    old, new = _read_run(old_dir), _read_run(new_dir)
    return diff_rows(old.rows, new.rows, new.as_of, model, (old.has_open, new.has_open))


def write_changes(path: Path, changes: list[Change]) -> None:
    """Write ``changes.csv`` atomically (a temporary file, then a rename), readable
    by its owner only: it names members."""
    path = Path(path)
    if path.is_dir():
        raise UserInputError(f"--out {path} is a directory; give a file name")
    write_atomic(path, csv_text(DIFF_COLUMNS, (c.row() for c in changes)), private=True)
