"""Score a population: inputs -> validation -> indicators -> tiers -> output files."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nowrongdoor._output import csv_text
from nowrongdoor._privacy import SMALL_CELL_THRESHOLD, mask_count, suppress_counts
from nowrongdoor.errors import UserInputError
from nowrongdoor.population import _checks as checks
from nowrongdoor.population import _steps as steps
from nowrongdoor.population._arrow import arrow_table
from nowrongdoor.population._date_advice import DateAdvice, first_unreadable
from nowrongdoor.population._dates import explain_date_rejects
from nowrongdoor.population._inputs import (
    DELIMITER_NAMES,
    InputFile,
    RawInputs,
    date_patterns_of,
    discover,
    load_inputs,
)
from nowrongdoor.population._maps import DEFAULT_MAP, ColumnMap, pattern_label
from nowrongdoor.population._model import TIERS, ScoringModel, load_scoring_model
from nowrongdoor.population._outputs import (
    OUTPUT_FILES,
    PART2_LABEL,
    WORKLIST_COLUMNS,
    member_reasons,
    risk_assessment_lines,
    write_atomically,
)
from nowrongdoor.population._valuesets import (
    SENSITIVITY_LABELS,
    ValueSet,
    icd10cm_codes,
    load_value_sets,
)

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa

    from nowrongdoor.population._backends import Engine

__all__ = ["STEPS", "ScoreResult", "score_population"]

#: Progress steps, in order.
STEPS = (
    "reading inputs",
    "choosing the as-of date",
    "building members",
    "matching indicators",
    "scoring and tiering",
    "collecting rejects",
    "writing outputs",
)


#: The output files that hold the flagged members' reasons.
_WITH_REASONS = frozenset(
    {"worklist.parquet", "worklist.csv", "risk_assessments.ndjson"}
)


@dataclass(frozen=True)
class ScoreResult:
    """What a scoring run produced.

    Attributes:
        out_dir: The output directory.
        as_of: The reference date used.
        summary: The contents of ``summary.json``.
        flagged: Number of members on the worklist.
        rejects: Number of rejected rows.
    """

    out_dir: Path
    as_of: date
    summary: dict[str, Any]
    flagged: int
    rejects: int


def _reference_tables(
    engine: Engine, value_sets: Sequence[ValueSet], model: ScoringModel, as_of: date
) -> tuple[Any, Any, Any]:
    """The code reference, the value sets' codes and the points, as tables."""
    import pyarrow as pa

    ids = {v.id for v in value_sets}
    if ids != set(model.indicators):
        raise UserInputError(
            "the scoring model and the value sets name different indicators: "
            f"{sorted(ids ^ set(model.indicators))}"
        )
    indicator_of = {c: v.id for v in value_sets for c in v.expand()}
    codes = sorted(set(icd10cm_codes()) | set(indicator_of))
    # The value sets' codes ranked in code order, from 1 (Python and both engines
    # order these ASCII codes alike, so a lower rank is a lower code); 0 for the
    # rest of the reference.
    ranked = sorted(indicator_of)
    if len(ranked) >= steps.RANK_LIMIT:
        raise UserInputError(
            f"the value sets hold {len(ranked):,} codes; at most "
            f"{steps.RANK_LIMIT - 1:,} can be ranked"
        )
    rank = {c: i for i, c in enumerate(ranked, start=1)}
    reference = arrow_table(
        {
            "ref_code": (pa.string(), codes),
            "code_rank": (pa.int32(), [rank.get(c, 0) for c in codes]),
        }
    )
    indicator_codes = arrow_table(
        {
            "code_rank": (pa.int32(), range(1, len(ranked) + 1)),
            "code": (pa.string(), ranked),
            "indicator": (pa.string(), [indicator_of[c] for c in ranked]),
        }
    )
    identifies = {v.id: int(v.identifies) for v in value_sets}
    suspects = {v.id: int(v.suspects) for v in value_sets}
    rows = model.points_rows(as_of)
    ind = [str(r["indicator"]) for r in rows]
    points = arrow_table(
        {
            "indicator": (pa.string(), ind),
            "band": (pa.string(), [r["band"] for r in rows]),
            "points": (pa.int64(), [r["points"] for r in rows]),
            "window_start": (pa.date32(), [r["window_start"] for r in rows]),
            "identifies": (pa.int64(), [identifies[i] for i in ind]),
            "suspects": (pa.int64(), [suspects[i] for i in ind]),
        }
    )
    return (
        engine.from_arrow(reference),
        engine.from_arrow(indicator_codes),
        engine.from_arrow(points),
    )


def score_population(
    inputs: Sequence[Path],
    out_dir: Path,
    *,
    engine: Engine,
    as_of: date | None = None,
    model: ScoringModel | None = None,
    value_sets: Sequence[ValueSet] | None = None,
    withhold: Sequence[str] = (),
    suppression_threshold: int = SMALL_CELL_THRESHOLD,
    progress: Callable[[str], None] | None = None,
    column_map: ColumnMap | None = None,
    today: date | None = None,
    outputs: Collection[str] = OUTPUT_FILES,
) -> ScoreResult:
    """Score every member in ``inputs`` and write the worklist directory.

    Args:
        inputs: Claims (CSV/Parquet, wide or long), members files and FHIR NDJSON
            files, or directories holding them.
        out_dir: Output directory; replaced atomically.
        engine: The engine adapter (``connect("duckdb")`` or ``connect("spark")``).
        as_of: Reference date; default is the latest valid service date.
        model: Points model; default is the shipped one.
        value_sets: Indicator value sets; default is the shipped ones.
        withhold: Sensitivity labels to withhold from person-level outputs.
        suppression_threshold: Summary cells from 1 to this minus 1 are suppressed.
        progress: Called with each step's name as it starts.
        column_map: How to read the claims files' columns, dates and codes
            (a map or a preset); ``None`` means our own layout.
        today: The day of the run (default: the system date); service dates after
            it are rejected as future dates and never become the as-of date.
        outputs: The output files to write (names from ``OUTPUT_FILES``;
            default: all). ``summary.json`` is always written: it is the run's
            record, and what lets a later run replace the directory. What only
            unwritten files need (the reasons, without a worklist or
            RiskAssessments) is not computed.

    Returns:
        The run's result.

    Raises:
        UserInputError: an input is missing, malformed or has no usable rows.
    """
    import pyarrow as pa

    def step(name: str) -> None:
        if progress is not None:
            progress(name)

    model = model or load_scoring_model()
    value_sets = tuple(value_sets or load_value_sets())
    bad = sorted(set(withhold) - set(SENSITIVITY_LABELS))
    if bad:
        raise UserInputError(
            f"unknown sensitivity label {bad[0]!r} for --withhold; use one of "
            + ", ".join(SENSITIVITY_LABELS)
        )

    unknown = sorted(set(outputs) - set(OUTPUT_FILES))
    if unknown:
        raise UserInputError(
            f"unknown output {unknown[0]!r}; choose from " + ", ".join(OUTPUT_FILES)
        )
    wanted = set(outputs) | {"summary.json"}

    today = today or date.today()
    step(STEPS[0])
    files = discover(inputs, column_map)
    raw = load_inputs(engine, files)
    advice = DateAdvice(engine, raw)
    dx = raw.diagnoses

    step(STEPS[1])
    given_as_of = as_of is not None
    if as_of is None:
        found = engine.to_arrow(checks.default_as_of(dx, today)).to_pylist()
        latest = found[0]["as_of"]
        if latest is None:
            future = int(found[0]["future"] or 0)
            unread = int(found[0]["unread"] or 0)
            claims = [str(f.path) for f in files if f.kind != "members"]
            if not found[0]["rows"]:
                raise UserInputError(_no_diagnoses(claims))
            if unread and not future:
                raise UserInputError(
                    first_unreadable(engine, raw, advice, "service_date")
                    or _unread_dates(files, unread, column_map)
                )
            raise UserInputError(
                f"the claims in {', '.join(claims)} hold no valid service date"
                + (f" on or before today ({today})" if future else "")
                + ", so there is no default as-of date; pass --as-of YYYY-MM-DD"
            )
        as_of = latest
    assert as_of is not None

    step(STEPS[2])
    # One pass over the member rows: distinct (member, birth date as written),
    # converted once each. The per-row member table is read again only when
    # some of these are unusable, to name their rows in rejects.csv.
    births = engine.cache(steps.member_births(raw.member_groups))
    reference, codes, points = _reference_tables(engine, value_sets, model, as_of)
    unusable = engine.to_arrow(births.filter(births.unusable).limit(1)).num_rows > 0
    if (
        unusable
        and not engine.to_arrow(births.filter(births.birth.notnull()).limit(1)).num_rows
    ):
        # No member has a readable birth date: the dates are in a pattern the
        # run was not told about (an empty worklist would read "no one at risk").
        stop = first_unreadable(engine, raw, advice, "birth_date")
        if stop is not None:
            raise UserInputError(stop)
    valid = steps.valid_members(births, model, as_of)
    age_unknown: frozenset[str] = frozenset()
    if unusable:
        age_unknown = _identified_undated(
            engine, raw, births, reference, codes, points, as_of, today
        )
    if age_unknown:
        ids = arrow_table({"member_id": (pa.string(), sorted(age_unknown))})
        valid = steps.with_age_unknown(valid, engine.from_arrow(ids))
    valid = engine.cache(valid)

    step(STEPS[3])
    # One pass over every diagnosis, never materialised: its few kept rows go
    # straight into the table of hits and rejected rows.
    screened = checks.relabel(
        steps.screen_diagnoses(
            dx,
            raw.lines,
            reference,
            codes,
            valid if raw.members_separate else None,
            today,
        )
    )
    alarms = [v.id for v in value_sets if v.role in ("identifies", "suspects")]
    found = engine.cache(
        steps.indicator_hits(screened, valid, points, codes, as_of, alarms)
    )
    hits = steps.hits_of(found)

    step(STEPS[4])
    part2 = frozenset(v.id for v in value_sets if v.sensitivity == PART2_LABEL)
    scored = steps.score_members(valid, hits, model, part2)
    flagged = engine.to_arrow(
        scored.filter(scored.tier != "none").select(
            *(c for c in WORKLIST_COLUMNS if c != "reasons")
        )
    )
    per_ind = engine.to_arrow(
        hits.group_by("indicator").agg(n=hits.count())
    ).to_pylist()
    if given_as_of and not per_ind:
        _check_as_of_in_data(engine, raw, files, as_of, today, advice)
    stats = engine.to_arrow(
        valid.aggregate(
            n=valid.count(),
            conflicts=(valid.birth != valid.latest_birth).cast("int64").sum(),
        )
    ).to_pylist()[0]
    # Every valid member has one scored row: the tier counts are the flagged
    # table's, and the rest are "none" (no second query over the scored join).
    tiers = Counter(flagged["tier"].cast(pa.string()).to_pylist())
    tiers["none"] = int(stats["n"] or 0) - flagged.num_rows
    # The reasons are read for the worklist and the RiskAssessments only.
    with_reasons = bool(wanted & _WITH_REASONS)
    hit_rows: list[dict[str, Any]] = []
    partial: dict[str, dict[str, Any]] = {}
    if with_reasons:
        on_list = scored.filter(scored.tier != "none").select("member_id")
        hit_rows = engine.to_arrow(hits.semi_join(on_list, "member_id")).to_pylist()
        # The few members on the list whose age is from a partial birth date.
        inexact = valid.filter(valid.birth_precision > 0).semi_join(
            on_list, "member_id"
        )
        partial = {
            str(r["member_id"]): r
            for r in engine.to_arrow(
                inexact.select("member_id", "birth", "birth_precision", "age")
            ).to_pylist()
        }

    step(STEPS[5])
    rej = steps.diagnosis_rejects(found)
    if unusable:
        rej = steps.member_rejects(raw.members).union(rej)
    rejects = engine.to_arrow(rej.distinct()).to_pylist() + raw.fhir_rejects
    patterns = date_patterns_of(raw.files)
    _name_date_patterns(rejects, patterns)
    other_forms = explain_date_rejects(
        rejects,
        patterns,
        (column_map or DEFAULT_MAP).formats.partial_birth_date,
        advice.advise,
    )
    _name_alarms(rejects)
    rejects.sort(key=lambda r: (r["file"], r["row"], r["reason"]))

    step(STEPS[6])
    columns: dict[str, list[Any]] = {}
    texts: list[tuple[str, str]] = []
    if with_reasons:
        _attach_notes(hit_rows, age_unknown, raw.fhir_notes, model, partial, as_of)
        reasons = member_reasons(hit_rows, value_sets, frozenset(withhold))
        columns = _worklist_order(flagged)
        no_reasons = ("[]", "")
        texts = [reasons.get(m, no_reasons) for m in columns["member_id"]]
        columns["reasons"] = [t[0] for t in texts]
    summary = _summary(
        files=[_input_entry(f) for f in raw.files],
        engine=engine.name,
        model=model,
        as_of=as_of,
        tiers=dict(tiers),
        indicators={i["indicator"]: int(i["n"]) for i in per_ind},
        members=int(stats["n"] or 0),
        conflicts=int(stats["conflicts"] or 0),
        rejects=rejects,
        other_forms=other_forms,
        ignored=raw.fhir_ignored,
        withhold=sorted(set(withhold)),
        threshold=suppression_threshold,
    )
    writers: dict[str, Callable[[Path], object]] = {
        "worklist.parquet": lambda p: _write_parquet(p, columns, pa),
        "worklist.csv": lambda p: p.write_text(
            csv_text(
                WORKLIST_COLUMNS,
                zip(*(columns[c] for c in WORKLIST_COLUMNS), strict=True),
            ),
            encoding="utf-8",
        ),
        "risk_assessments.ndjson": lambda p: p.write_text(
            "".join(
                risk_assessment_lines(
                    zip(
                        columns["member_id"],
                        columns["tier"],
                        columns["score"],
                        columns["pathway"],
                        strict=True,
                    ),
                    texts,
                    as_of,
                    model,
                )
            ),
            encoding="utf-8",
        ),
        "rejects.csv": lambda p: p.write_text(
            csv_text(
                ("file", "row", "reason"),
                ((r["file"], r["row"], r["reason"]) for r in rejects),
            ),
            encoding="utf-8",
        ),
        "summary.json": lambda p: p.write_text(
            json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        ),
    }
    write_atomically(out_dir, {n: w for n, w in writers.items() if n in wanted})
    return ScoreResult(
        out_dir=Path(out_dir),
        as_of=as_of,
        summary=summary,
        flagged=flagged.num_rows,
        rejects=len(rejects),
    )


def _identified_undated(
    engine: Engine,
    raw: RawInputs,
    births: ir.Table,
    reference: ir.Table,
    codes: ir.Table,
    points: ir.Table,
    as_of: date,
    today: date,
) -> frozenset[str]:
    """The members with no valid birth date whom a code of confirmed
    exploitation or its history identifies (tier ``identified``).

    They stay on the worklist with age unknown: a care manager expects an
    identified survivor there whether or not the extract holds a usable birth
    date, and the tier ``identified`` does not depend on age (an identifying
    code identifies whatever the score; docs/population.md, "Scoring model").
    Runs only when some member row is unusable: the diagnoses of the members
    without a birth date go through the same screen and look-back windows as
    everyone's, so the answer is the one the main pass would give.
    """
    undated = engine.cache(steps.undated_members(births))
    if not engine.to_arrow(undated.limit(1)).num_rows:
        return frozenset()
    mine = steps.with_age_unknown(None, undated)
    dx = raw.diagnoses.semi_join(undated, "member_id")
    lines = raw.lines.semi_join(undated, "member_id")
    screened = steps.screen_diagnoses(dx, lines, reference, codes, None, today)
    hits = steps.hits_of(steps.indicator_hits(screened, mine, points, codes, as_of))
    who = hits.filter(hits.identifies > 0).select("member_id").distinct()
    return frozenset(str(m) for m in engine.to_arrow(who)["member_id"].to_pylist())


def _attach_notes(
    hit_rows: list[dict[str, Any]],
    age_unknown: frozenset[str],
    fhir_notes: dict[tuple[str, str, str], str],
    model: ScoringModel,
    partial: dict[str, dict[str, Any]] | None = None,
    as_of: date | None = None,
) -> None:
    """Give the hits that need one a ``note`` (the member's age is unknown, or
    from a partial birth date) or a ``code_note`` (the code was counted as
    another; it names a code)."""
    partial = partial or {}
    if not age_unknown and not fhir_notes and not partial:
        return
    age_note = _age_unknown_note(model) if age_unknown else ""
    for h in hit_rows:
        when = h["date"]
        day = when.isoformat() if isinstance(when, date) else str(when)
        code = str(h["code"]).upper().replace(".", "")
        member = h["member_id"]
        h["code_note"] = fhir_notes.get((member, code, day))
        if member in age_unknown:
            h["note"] = age_note
        elif member in partial:
            h["note"] = _partial_birth_note(partial[member], as_of)
        else:
            h["note"] = None


def _partial_birth_note(member: dict[str, Any], as_of: date | None) -> str:
    """What a reason of a member whose birth date is a year or a year and month
    says about the age: it is the youngest the date allows (the birth date was
    read as the latest day it allows; docs/population.md, "Partial birth
    dates")."""
    birth: date = member["birth"]
    if int(member["birth_precision"]) == 2:
        written, kind = f"{birth.year:04d}", "year only"
    else:
        written, kind = f"{birth.year:04d}-{birth.month:02d}", "year and month"
    return (
        f"age {member['age']} from the partial birth date '{written}' ({kind}): "
        f"the youngest age it allows on {as_of}"
    )


def _age_unknown_note(model: ScoringModel) -> str:
    """What a reason of a member of unknown age says about the age."""
    band = model.age_unknown_band
    note = (
        "age unknown: no valid birth date in the inputs; kept on the worklist "
        "because a code of confirmed exploitation or its history identifies the "
        f"member; points at the {band.name} multiplier (x{band.multiplier:g}, the "
        "lowest)"
    )
    if model.minors_only:
        note += (
            f"; {', '.join(model.minors_only)} counts for minors only and cannot apply"
        )
    return note


def _input_entry(f: InputFile) -> dict[str, str]:
    """An input file as the summary lists it (with its delimiter, when a CSV
    file's is not a comma)."""
    entry = {"file": str(f.path), "kind": f.kind}
    if f.fmt == "csv" and f.delimiter != ",":
        entry["delimiter"] = DELIMITER_NAMES[f.delimiter]
    return entry


def _name_alarms(rejects: list[dict[str, Any]]) -> None:
    """Say on a rejected row that it carries a code of confirmed or suspected
    exploitation or its history, so the analyst follows it up (a mistyped
    member id, a date in another pattern) instead of losing a survivor."""
    for r in rejects:
        if r.get("alarm"):
            r["reason"] += (
                f"; the row carries a {r['alarm']} code: follow it up, it is not scored"
            )


def _alarm_counts(rejects: list[dict[str, Any]]) -> dict[str, Any]:
    """Rejected rows that carry a trafficking code, in total and by check."""
    by_check: dict[str, int] = {}
    for r in rejects:
        if r.get("alarm"):
            by_check[r["check"]] = by_check.get(r["check"], 0) + 1
    return {"total": sum(by_check.values()), "by_check": dict(sorted(by_check.items()))}


def _name_date_patterns(
    rejects: list[dict[str, Any]], patterns: Callable[[str, str], Sequence[str]]
) -> None:
    """Say which date patterns the column (``patterns(file, role)``) was read
    with in date reject reasons (``birth_date '...' is not a valid DD/MM/YYYY
    date``)."""
    iso = " is not a valid YYYY-MM-DD date"
    for r in rejects:
        if r["reason"].endswith(iso):
            role = r["reason"].split(" ", 1)[0]
            wanted = f" is not a valid {pattern_label(patterns(r['file'], role))} date"
            r["reason"] = r["reason"][: -len(iso)] + wanted


def _worklist_order(flagged: pa.Table) -> dict[str, list[Any]]:
    """The flagged members' columns, identified first, then by score (highest
    first) and member id (by code point, as Arrow and Python sort strings)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    # The tier names from buffers: ``pa.array(TIERS)`` would import pandas (_arrow).
    tiers = arrow_table({"tier": (pa.string(), TIERS)})["tier"].combine_chunks()
    keys = pa.table(
        {
            "rank": pc.index_in(flagged["tier"].cast(pa.string()), value_set=tiers),
            "score": flagged["score"],
            "member_id": flagged["member_id"],
        }
    )
    order = pc.sort_indices(
        keys,
        sort_keys=[
            ("rank", "ascending"),
            ("score", "descending"),
            ("member_id", "ascending"),
        ],
    )
    ordered = flagged.take(order)
    return {c: ordered[c].to_pylist() for c in flagged.column_names}


def _write_parquet(path: Path, columns: dict[str, list[Any]], pa: Any) -> None:
    import pyarrow.parquet as pq

    types = {
        "member_id": pa.string(),
        "age": pa.int32(),
        "tier": pa.string(),
        "score": pa.int64(),
        "pathway": pa.string(),
        "reasons": pa.string(),
        "open_tier": pa.string(),
        "open_score": pa.int64(),
    }
    table = arrow_table({c: (t, columns[c]) for c, t in types.items()})
    pq.write_table(table, path)


def _no_diagnoses(claims: list[str]) -> str:
    """The sentence for claims without a single diagnosis to read: a run would
    write an empty worklist, which reads as "no one at risk"."""
    return (
        f"the claims in {', '.join(claims)} hold no diagnosis code with a member "
        "id (no data rows below the header, or every diagnosis or member id cell "
        "is empty): nothing would be scored"
    )


def _unread_dates(
    files: Sequence[InputFile], unread: int, cmap: ColumnMap | None
) -> str:
    """The sentence for claims none of whose written service dates is valid:
    the dates are in another pattern, which a column map reads (``--as-of``
    would not help: every row would be rejected)."""
    claims = [f for f in files if f.kind != "members"]
    said = dict.fromkeys(p for f in claims for p in f.date_patterns("service_date"))
    how = (
        "written YYYY-MM-DD"
        if cmap is None or cmap.is_default
        else f"written as map '{cmap.name}' says ({', '.join(said)})"
    )
    names = [str(f.path) for f in claims]
    return (
        f"the claims in {', '.join(names)} hold no valid service date: none of "
        f"their diagnosis rows ({unread}) has a service date {how}; for another "
        "pattern (MM/DD/YYYY, YYYYMMDD...) give a column map with [formats] date "
        "(`nowrongdoor population inspect FILE --toml` proposes one)"
    )


def _check_as_of_in_data(
    engine: Engine,
    raw: RawInputs,
    files: Sequence[InputFile],
    as_of: date,
    today: date,
    advice: DateAdvice,
) -> None:
    """Stop a run whose ``--as-of`` lies before every valid service date: every
    diagnosis would fall after it, unscored and uncounted; and one none of whose
    service dates can be read (``--as-of`` does not make them readable).

    Raises:
        UserInputError: no valid service date is on or before ``as_of``.
    """
    dx = raw.diagnoses
    first = engine.to_arrow(checks.earliest_date(dx, today)).to_pylist()[0]["first"]
    if first is None:
        found = engine.to_arrow(checks.default_as_of(dx, today)).to_pylist()[0]
        if not found["rows"]:
            raise UserInputError(
                _no_diagnoses([str(f.path) for f in files if f.kind != "members"])
            )
        if found["unread"] and not found["future"]:
            stop = first_unreadable(engine, raw, advice, "service_date")
            if stop is not None:
                raise UserInputError(stop)
    if first is not None and first > as_of:
        claims = ", ".join(str(f.path) for f in files if f.kind != "members")
        raise UserInputError(
            f"--as-of {as_of.isoformat()} is before every service date in {claims} "
            f"(the earliest is {first.isoformat()}): nothing would be scored"
        )


def _summary(
    *,
    files: list[dict[str, str]],
    engine: str,
    model: ScoringModel,
    as_of: date,
    tiers: dict[str, int],
    indicators: dict[str, int],
    members: int,
    conflicts: int,
    rejects: list[dict[str, Any]],
    other_forms: int,
    ignored: dict[str, int],
    withhold: list[str],
    threshold: int,
) -> dict[str, Any]:
    by_check: dict[str, int] = {}
    for r in rejects:
        by_check[r["check"]] = by_check.get(r["check"], 0) + 1
    return {
        "model": model.name,
        "as_of": as_of.isoformat(),
        "engine": engine,
        "inputs": files,
        "members": mask_count(members, threshold),
        "members_with_conflicting_birth_dates": conflicts,
        "tiers": suppress_counts(
            {t: tiers.get(t, 0) for t in TIERS}, threshold, complementary=True
        ),
        "indicators": suppress_counts(
            {i: indicators.get(i, 0) for i in sorted(model.indicators)},
            threshold,
            complementary=False,
        ),
        "rejects": {"total": len(rejects), "by_check": dict(sorted(by_check.items()))},
        # Row counts, not member counts (as "rejects"): the analyst needs the
        # exact number to follow each row up in rejects.csv.
        "rejects_with_trafficking_code": _alarm_counts(rejects),
        # Dates rejected in a recognised form the run was not told about
        # (day first, two-digit year, Excel serial ...; _dates.py).
        "rejects_with_date_in_another_form": other_forms,
        "fhir_resources_ignored": dict(sorted(ignored.items())),
        "withheld_sensitivity_labels": withhold,
        "suppression": {
            "threshold": threshold,
            "rule": (
                f"member counts from 1 to {threshold - 1} are shown as '<{threshold}'; "
                "among the tiers, which add up to the member total, one more cell "
                "is suppressed when only one is small"
            ),
        },
    }
