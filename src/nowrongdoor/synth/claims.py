"""Synthetic Medicaid-like claims with planted trafficking-risk profiles.

``generate_claims`` draws a member population aged 0-64, a plausible number of
claim lines per member over a two-year window, routine diagnoses by age, background
conditions at rough Medicaid-like prevalences (substance use, SMI, STI, ...) and a
small number of planted risk profiles (members coded as exploited, high-risk minors
and adults) at a realistic base rate, with a ground-truth file. Output formats: wide
claims CSV or Parquet, long claims + members CSV, or FHIR Bulk Data NDJSON, all of the
same members and claims. The same seed gives the same bytes. Nothing here describes a
real person.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from nowrongdoor._output import atomic_into, atomic_open, atomic_path, write_atomic
from nowrongdoor.synth._claims_codes import (
    ADULT_CODES,
    CHILD_CODES,
    CONDITIONS,
    PLACES_OF_SERVICE,
    PROFILES,
)

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa
    from numpy.typing import NDArray

__all__ = ["ClaimsCorpus", "ClaimsFormat", "FORMATS", "generate_claims"]

ClaimsFormat = Literal["csv", "parquet", "long", "fhir", "taf", "synpuf"]
FORMATS: tuple[str, ...] = ("csv", "parquet", "long", "fhir", "taf", "synpuf")
_MAX_DX = 12
_NONE: Any = None
_DX_COUNTS = (
    0.42,
    0.25,
    0.14,
    0.08,
    0.05,
    0.03,
    0.015,
    0.008,
    0.004,
    0.002,
    0.0006,
    0.0004,
)


@dataclass(frozen=True)
class ClaimsCorpus:
    """What ``generate_claims`` wrote.

    Attributes:
        members: Members generated.
        claim_lines: Claim lines (rows of the wide file).
        diagnoses: Diagnosis codes across all claim lines.
        planted: Members per planted profile.
        files: Files written, relative to the output directory.
    """

    members: int
    claim_lines: int
    diagnoses: int
    planted: dict[str, int]
    files: tuple[str, ...]


def _band(age: NDArray[np.int64]) -> NDArray[np.int64]:
    import numpy as np

    return np.select([age <= 11, age <= 17, age <= 24], [0, 1, 2], 3)


def generate_claims(
    members: int,
    seed: int,
    out: Path,
    *,
    fmt: ClaimsFormat = "csv",
    end: date = date(2025, 12, 31),
    days: int = 730,
    claims_per_year: float = 9.0,
    progress: Callable[[str], None] | None = None,
) -> ClaimsCorpus:
    """Generate a synthetic population and write it to ``out``.

    Args:
        members: Number of members.
        seed: Random seed; the same seed gives byte-identical files.
        out: Output directory (created).
        fmt: ``csv`` (wide claims.csv), ``parquet`` (wide claims.parquet), ``long``
            (claims_long.csv + members.csv), ``fhir`` (Patient, Encounter,
            Condition and ExplanationOfBenefit NDJSON), ``taf`` (CMS T-MSIS
            Analytic Files layout: IP, LT and OT claim headers + DE base file) or
            ``synpuf`` (CMS DE-SynPUF layout: beneficiary summary + claims).
        end: Last service date of the window.
        days: Window length in days.
        claims_per_year: Mean claim lines per member per year.
        progress: Called with a short description of each stage.

    Returns:
        Counts and file names.

    Raises:
        ValueError: ``members`` is below 1 or ``fmt`` is unknown.
    """
    import numpy as np

    if members < 1:
        raise ValueError("members must be at least 1")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")

    def say(text: str) -> None:
        if progress is not None:
            progress(text)

    sample, planted = _draw(
        members, np.random.default_rng(seed), end, days, claims_per_year, say
    )
    # Written into a work folder and moved into out at the end: an interrupted
    # run leaves no claims without their truth.
    with atomic_into(Path(out)) as work:
        corpus_files = _write(work, fmt, seed, sample, say)
    return ClaimsCorpus(
        members=members,
        claim_lines=int(sample.member_of.size),
        diagnoses=int((sample.dx >= 0).sum()),
        planted=planted,
        files=corpus_files,
    )


def _draw(
    members: int,
    rng: Any,
    end: date,
    days: int,
    claims_per_year: float,
    say: Callable[[str], None],
) -> tuple[_Sample, dict[str, int]]:
    """Draw ``members`` members and their claim lines from ``rng``.

    Returns:
        The sample (member indexes from 0) and the members per planted profile.
    """
    import numpy as np

    say("members")
    # Medicaid-like ages: many children, adults skewed young.
    child = rng.random(members) < 0.40
    age = np.where(
        child,
        rng.integers(0, 18, members),
        np.minimum(64, 18 + rng.gamma(2.0, 9.0, members).astype(np.int64)),
    )
    female = rng.random(members) < np.where(age >= 18, 0.60, 0.49)
    end_np = np.datetime64(end.isoformat(), "D")
    birth = (
        end_np
        - (age * 365.25).astype("timedelta64[D]")
        - rng.integers(0, 365, members).astype("timedelta64[D]")
    )
    age = ((end_np - birth).astype(np.int64) / 365.25).astype(np.int64)
    band = _band(age)

    say("claim lines")
    frailty = rng.gamma(1.2, 1 / 1.2, members) * np.where(age >= 40, 1.4, 1.0)
    n_claims = 1 + rng.poisson(claims_per_year * days / 365.0 * frailty)
    total = int(n_claims.sum())
    member_of = np.repeat(np.arange(members), n_claims)
    svc = rng.integers(0, days, total)
    order = np.lexsort((svc, member_of))
    svc = svc[order]
    start = np.concatenate([[0], np.cumsum(n_claims)[:-1]])
    pos_codes = np.array([p for p, _ in PLACES_OF_SERVICE])
    pos_w = np.array([w for _, w in PLACES_OF_SERVICE], dtype=float)
    pos = rng.choice(len(pos_codes), total, p=pos_w / pos_w.sum())
    ndx = 1 + rng.choice(_MAX_DX, total, p=np.array(_DX_COUNTS) / sum(_DX_COUNTS))

    vocab: list[str] = []
    index: dict[str, int] = {}

    def code_id(code: str) -> int:
        if code not in index:
            index[code] = len(vocab)
            vocab.append(code)
        return index[code]

    child_ids = np.array([code_id(c) for c, _ in CHILD_CODES])
    child_w = np.array([w for _, w in CHILD_CODES], dtype=float)
    adult_ids = np.array([code_id(c) for c, _ in ADULT_CODES])
    adult_w = np.array([w for _, w in ADULT_CODES], dtype=float)
    is_child_claim = age[member_of] < 18
    dx = np.full((total, _MAX_DX), -1, dtype=np.int32)
    for slot in range(_MAX_DX):
        used = ndx > slot
        kids = used & is_child_claim
        grown = used & ~is_child_claim
        dx[kids, slot] = child_ids[
            rng.choice(len(child_ids), int(kids.sum()), p=child_w / child_w.sum())
        ]
        dx[grown, slot] = adult_ids[
            rng.choice(len(adult_ids), int(grown.sum()), p=adult_w / adult_w.sum())
        ]

    say("conditions and planted profiles")
    events: list[tuple[int, int, int]] = []  # (member, code id, claims carrying it)
    for _name, codes, prevalence, female_only, (lo, hi) in CONDITIONS:
        p = np.array(prevalence)[band]
        if female_only:
            p = np.where(female & (age >= 12), p, 0.0)
        has = np.flatnonzero(rng.random(members) < p)
        picks = rng.integers(0, len(codes), has.size)
        counts = rng.integers(lo, hi + 1, has.size)
        events.extend(
            zip(
                has.tolist(),
                [code_id(codes[i]) for i in picks],
                counts.tolist(),
                strict=True,
            )
        )
    profile = np.full(members, "", dtype=object)
    planted_codes: dict[int, list[str]] = {}
    planted: dict[str, int] = {}
    for name, rate, (lo, hi), pools in PROFILES:
        eligible = (age >= lo) & (age <= hi) & (profile == "")
        chosen = np.flatnonzero(eligible & (rng.random(members) < rate))
        profile[chosen] = name
        planted[name] = int(chosen.size)
        for m in chosen.tolist():
            for pool in pools:
                code = pool[int(rng.integers(0, len(pool)))]
                planted_codes.setdefault(m, []).append(code)
                events.append((m, code_id(code), int(rng.integers(1, 3))))
    for m, cid, count in events:
        for _ in range(count):
            c = int(start[m] + rng.integers(0, n_claims[m]))
            slot = int(ndx[c])
            if slot < _MAX_DX:
                ndx[c] = slot + 1
            else:
                slot = _MAX_DX - 1
            dx[c, slot] = cid

    sample = _Sample(
        members=members,
        age=age,
        female=female,
        birth=birth,
        member_of=member_of,
        svc=svc,
        first_day=end_np - days + 1,
        pos=pos_codes[pos],
        dx=dx,
        vocab=np.array(vocab, dtype=object),
        profile=profile,
        planted_codes=planted_codes,
    )
    return sample, planted


def _member_ids(n: int) -> list[str]:
    width = max(7, len(str(n)))
    return [f"M{i:0{width}d}" for i in range(1, n + 1)]


@dataclass(frozen=True)
class _Sample:
    """The generated members and claim lines, before any layout is written.

    Attributes:
        members: How many members.
        age: Age of each member at the end of the period.
        female: Whether each member is female.
        birth: Birth date of each member (``datetime64[D]``).
        member_of: The member (index) of each claim line.
        svc: Day of service of each claim line, counted from ``first_day``.
        first_day: First day of the period.
        pos: Place-of-service code of each claim line.
        dx: Diagnosis slots of each claim line (index into ``vocab``; -1 empty).
        vocab: The ICD-10-CM codes.
        profile: Planted profile of each member (``""`` for none).
        planted_codes: Member -> codes planted for its profile.
    """

    members: int
    age: NDArray[np.int64]
    female: NDArray[np.bool_]
    birth: NDArray[np.datetime64]
    member_of: NDArray[np.intp]
    svc: NDArray[np.int64]
    first_day: np.datetime64
    pos: NDArray[np.object_]
    dx: NDArray[np.int32]
    vocab: NDArray[np.object_]
    profile: NDArray[np.object_]
    planted_codes: dict[int, list[str]]


def _write(
    out: Path, fmt: str, seed: int, sample: _Sample, say: Callable[[str], None]
) -> tuple[str, ...]:
    import numpy as np
    import pyarrow as pa

    members, age, female, birth = (
        sample.members, sample.age, sample.female, sample.birth,
    )  # fmt: skip
    member_of, svc, first_day, pos = (
        sample.member_of, sample.svc, sample.first_day, sample.pos,
    )  # fmt: skip
    dx, vocab, profile = sample.dx, sample.vocab, sample.profile
    planted_codes = sample.planted_codes

    out = Path(out)
    ids = np.array(_member_ids(members), dtype=object)
    total = member_of.size
    width = max(9, len(str(total)))
    claim_ids = np.array([f"C{i:0{width}d}" for i in range(1, total + 1)], dtype=object)
    dates = (first_day + svc.astype("timedelta64[D]")).astype("datetime64[D]")
    sex = np.where(female, "F", "M")
    say(f"writing {fmt}")
    files: list[str] = []
    if fmt in ("csv", "parquet"):
        table = _wide_table(
            ids, birth, sex, member_of, claim_ids, dates, pos, dx, vocab
        )
        if fmt == "csv":
            _write_csv(table, out / "claims.csv")
            files.append("claims.csv")
        else:
            import pyarrow.parquet as pq

            with atomic_path(out / "claims.parquet") as tmp:
                pq.write_table(table, tmp, row_group_size=1_000_000)
            files.append("claims.parquet")
    elif fmt == "long":
        rows, slots = np.nonzero(dx >= 0)
        table = pa.table(
            {
                "member_id": pa.array(ids[member_of[rows]], pa.string()),
                "claim_id": pa.array(claim_ids[rows], pa.string()),
                "service_date": pa.array(dates[rows], pa.date32()),
                "dx_code": pa.array(vocab[dx[rows, slots]], pa.string()),
            }
        )
        _write_csv(table, out / "claims_long.csv")
        _write_csv(
            pa.table(
                {
                    "member_id": pa.array(ids, pa.string()),
                    "birth_date": pa.array(birth, pa.date32()),
                    "sex": pa.array(sex, pa.string()),
                }
            ),
            out / "members.csv",
        )
        files += ["claims_long.csv", "members.csv"]
    else:
        lines = _Lines(ids, birth, female, member_of, claim_ids, dates, pos, dx, vocab)
        writer = {"taf": _write_taf, "synpuf": _write_synpuf}.get(fmt, _write_fhir)
        files += writer(out, lines)
    truth = _truth_table(ids, age, profile, planted_codes)
    (out / "truth").mkdir(exist_ok=True)
    _write_csv(truth, out / "truth" / "ground_truth.csv")
    files.append("truth/ground_truth.csv")
    write_atomic(
        out / "truth" / "generator.json",
        json.dumps(
            {
                "generator": "nowrongdoor synth claims",
                "seed": seed,
                "members": members,
                "format": fmt,
                "synthetic": True,
            },
            indent=2,
            sort_keys=True,
        )
        + "\n",
    )
    files.append("truth/generator.json")
    return tuple(files)


def _wide_table(
    ids: Any,
    birth: Any,
    sex: Any,
    member_of: Any,
    claim_ids: Any,
    dates: Any,
    pos: Any,
    dx: Any,
    vocab: Any,
) -> pa.Table:
    """Claim lines in our wide layout as an Arrow table (dates typed)."""
    import numpy as np
    import pyarrow as pa

    cols: dict[str, Any] = {
        "member_id": pa.array(ids[member_of], pa.string()),
        "birth_date": pa.array(birth[member_of], pa.date32()),
        "sex": pa.array(sex[member_of], pa.string()),
        "claim_id": pa.array(claim_ids, pa.string()),
        "service_date": pa.array(dates, pa.date32()),
        "place_of_service": pa.array(pos, pa.string()),
    }
    for slot in range(dx.shape[1]):
        col = dx[:, slot]
        empty = np.array(None, dtype=object)
        values = np.where(col >= 0, vocab[np.maximum(col, 0)], empty)
        cols[f"dx{slot + 1}"] = pa.array(values, pa.string())
    return pa.table(cols)


def _truth_table(
    ids: Any, age: Any, profile: Any, planted_codes: dict[int, list[str]]
) -> pa.Table:
    """The ground truth of members ``ids``: age, planted profile and codes."""
    import numpy as np
    import pyarrow as pa

    return pa.table(
        {
            "member_id": pa.array(ids, pa.string()),
            "age": pa.array(age, pa.int32()),
            "profile": pa.array(np.where(profile == "", "none", profile), pa.string()),
            "planted_codes": pa.array(
                [";".join(planted_codes.get(i, [])) for i in range(ids.size)],
                pa.string(),
            ),
        }
    )


def _write_csv(table: pa.Table, path: Path) -> None:
    import pyarrow.csv as pcsv

    with atomic_path(path) as tmp:
        pcsv.write_csv(
            table, tmp, pcsv.WriteOptions(quoting_style="none", batch_size=200_000)
        )


def _dates_as(dates: NDArray[np.datetime64], pattern: str) -> pa.Array:
    """``datetime64[D]`` values as text: ``DDMONYYYY`` (SAS DATE9.) or
    ``YYYYMMDD``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ts = pa.array(dates.astype("datetime64[s]"), pa.timestamp("s"))
    if pattern == "DDMONYYYY":
        return pc.utf8_upper(pc.strftime(ts, format="%d%b%Y", locale="C"))
    return pc.strftime(ts, format="%Y%m%d", locale="C")


def _slots(
    dx: NDArray[np.int32],
    rows: NDArray[np.intp],
    width: int,
    undotted: NDArray[np.object_],
) -> list[tuple[NDArray[np.object_], NDArray[np.bool_]]]:
    """Diagnosis columns 1..width of the claim lines ``rows``: (codes with None
    when empty, present mask) per column."""
    import numpy as np

    out: list[tuple[NDArray[np.object_], NDArray[np.bool_]]] = []
    for slot in range(width):
        if slot < dx.shape[1]:
            col = dx[rows, slot]
            present = col >= 0
            empty = np.array(None, dtype=object)
            codes = np.where(present, undotted[np.maximum(col, 0)], empty)
            out.append((codes, present))
        else:
            out.append(
                (np.full(rows.size, None, dtype=object), np.zeros(rows.size, bool))
            )
    return out


@dataclass(frozen=True)
class _Lines:
    """The generated members and claim lines every layout writer reads."""

    ids: NDArray[np.object_]
    birth: NDArray[np.datetime64]
    female: NDArray[np.bool_]
    member_of: NDArray[np.intp]
    claim_ids: NDArray[np.object_]
    dates: NDArray[np.datetime64]
    pos: NDArray[np.object_]
    dx: NDArray[np.int32]
    vocab: NDArray[np.object_]

    def undotted(self) -> NDArray[np.object_]:
        """The diagnosis vocabulary without dots, as the CMS layouts write codes."""
        import numpy as np

        return np.array([c.replace(".", "") for c in self.vocab], dtype=object)


def _write_taf(out: Path, lines: _Lines) -> list[str]:
    """The same claims in the CMS TAF layout (docs/population.md, "Presets").

    A claim line goes to the inpatient (IP) base claim file when its place of
    service is an inpatient hospital (21) or it has more than 5 diagnoses (the
    long-term care file holds 5, the other-services file 2), to the LT file when it
    has 3 to 5, else to the OT file. Codes without dots, dates as SAS writes them
    (``DDMONYYYY``), MSIS_ID our member id, BENE_ID a separate CCW-style id.
    """
    import numpy as np
    import pyarrow as pa

    undotted = lines.undotted()
    ndx = (lines.dx >= 0).sum(axis=1)
    inpatient = (lines.pos == "21") | (ndx > 5)
    long_term = ~inpatient & (ndx > 2)
    bene = np.array([f"B{i:09d}" for i in range(1, lines.ids.size + 1)], dtype=object)
    files = []
    for name, rows, width, admitting in (
        ("taf_ip_base.csv", np.flatnonzero(inpatient), 12, True),
        ("taf_lt_base.csv", np.flatnonzero(long_term), 5, True),
        ("taf_ot_base.csv", np.flatnonzero(~inpatient & ~long_term), 2, False),
    ):
        m = lines.member_of[rows]
        day = _dates_as(lines.dates[rows], "DDMONYYYY")
        cols: dict[str, Any] = {
            "BENE_ID": pa.array(bene[m], pa.string()),
            "MSIS_ID": pa.array(lines.ids[m], pa.string()),
            "STATE_CD": pa.array(np.full(rows.size, "IN", dtype=object), pa.string()),
            "CLM_ID": pa.array(lines.claim_ids[rows], pa.string()),
            "BIRTH_DT": _dates_as(lines.birth[m], "DDMONYYYY"),
            "SRVC_BGN_DT": day,
            "SRVC_END_DT": day,
        }
        slots = _slots(lines.dx, rows, width, undotted)
        if admitting:
            cols["ADMTG_DGNS_CD"] = pa.array(slots[0][0], pa.string())
            cols["ADMTG_DGNS_VRSN_CD"] = pa.array(
                np.where(slots[0][1], "0", _NONE), pa.string()
            )
        for i, (values, present) in enumerate(slots, start=1):
            cols[f"DGNS_CD_{i}"] = pa.array(values, pa.string())
            cols[f"DGNS_VRSN_CD_{i}"] = pa.array(
                np.where(present, "0", _NONE), pa.string()
            )
            if admitting:
                cols[f"DGNS_POA_IND_{i}"] = pa.array(
                    np.where(present, "Y", _NONE), pa.string()
                )
        _write_csv(pa.table(cols), out / name)
        files.append(name)
    _write_csv(
        pa.table(
            {
                "BENE_ID": pa.array(bene, pa.string()),
                "MSIS_ID": pa.array(lines.ids, pa.string()),
                "STATE_CD": pa.array(np.full(lines.ids.size, "IN", dtype=object)),
                "BIRTH_DT": _dates_as(lines.birth, "DDMONYYYY"),
                "SEX_CD": pa.array(np.where(lines.female, "F", "M"), pa.string()),
            }
        ),
        out / "taf_de_base.csv",
    )
    return [*files, "taf_de_base.csv"]


def _write_synpuf(out: Path, lines: _Lines) -> list[str]:
    """The same claims in the CMS DE-SynPUF layout (docs/population.md).

    Inpatient lines (place of service 21) go to the inpatient claims file, the
    rest to the outpatient file; each holds ``ADMTNG_ICD9_DGNS_CD`` and
    ``ICD9_DGNS_CD_1..10``. A line with more than 10 diagnoses continues in a
    second row with the same ``CLM_ID`` and ``SEGMENT`` 2, as multi-segment
    DE-SynPUF claims do. Dates ``YYYYMMDD``, codes without dots. (The real
    DE-SynPUF is 2008-2010, ICD-9-CM; these files carry our ICD-10-CM codes.)
    """
    import numpy as np
    import pyarrow as pa

    undotted = lines.undotted()
    files = []
    inpatient = lines.pos == "21"
    for name, rows in (
        ("synpuf_inpatient_claims.csv", np.flatnonzero(inpatient)),
        ("synpuf_outpatient_claims.csv", np.flatnonzero(~inpatient)),
    ):
        slots = _slots(lines.dx, rows, 12, undotted)
        over = np.flatnonzero(slots[10][1])
        seg = np.concatenate([np.ones(rows.size, np.int64), np.full(over.size, 2)])
        both = np.concatenate([rows, rows[over]])
        m = lines.member_of[both]
        day = _dates_as(lines.dates[both], "YYYYMMDD")
        cols: dict[str, Any] = {
            "DESYNPUF_ID": pa.array(lines.ids[m], pa.string()),
            "CLM_ID": pa.array(lines.claim_ids[both], pa.string()),
            "SEGMENT": pa.array(seg, pa.int64()),
            "CLM_FROM_DT": day,
            "CLM_THRU_DT": day,
            "ADMTNG_ICD9_DGNS_CD": pa.array(
                np.full(both.size, None, dtype=object), pa.string()
            ),
        }
        for i in range(10):
            first = slots[i][0]
            extra = slots[10 + i][0][over] if i < 2 else np.full(over.size, None)
            cols[f"ICD9_DGNS_CD_{i + 1}"] = pa.array(
                np.concatenate([first, extra]), pa.string()
            )
        order = np.lexsort((seg, both))
        table = pa.table(cols).take(pa.array(order))
        _write_csv(table, out / name)
        files.append(name)
    _write_csv(
        pa.table(
            {
                "DESYNPUF_ID": pa.array(lines.ids, pa.string()),
                "BENE_BIRTH_DT": _dates_as(lines.birth, "YYYYMMDD"),
                "BENE_SEX_IDENT_CD": pa.array(np.where(lines.female, "2", "1")),
            }
        ),
        out / "synpuf_beneficiary_summary.csv",
    )
    return [*files, "synpuf_beneficiary_summary.csv"]


def _write_fhir(out: Path, lines: _Lines) -> list[str]:
    ids, birth, female = lines.ids, lines.birth, lines.female
    member_of = lines.member_of
    claim_ids, dates, dx, vocab = lines.claim_ids, lines.dates, lines.dx, lines.vocab
    system = "http://hl7.org/fhir/sid/icd-10-cm"
    first = date(1970, 1, 1)

    def iso(d: Any) -> str:
        return (first + timedelta(days=int(d.astype("int64")))).isoformat()

    names = ["Patient", "Encounter", "Condition", "ExplanationOfBenefit"]
    with ExitStack() as stack:
        handles = {
            n: stack.enter_context(atomic_open(out / f"{n}.ndjson")) for n in names
        }
        for i, mid in enumerate(ids.tolist()):
            handles["Patient"].write(
                json.dumps(
                    {
                        "resourceType": "Patient",
                        "id": mid,
                        "gender": "female" if female[i] else "male",
                        "birthDate": iso(birth[i]),
                    }
                )
                + "\n"
            )
        for c in range(member_of.size):
            mid = ids[member_of[c]]
            cid = claim_ids[c]
            when = iso(dates[c])
            codes = [vocab[k] for k in dx[c].tolist() if k >= 0]
            if c % 2 == 0:
                handles["ExplanationOfBenefit"].write(
                    json.dumps(
                        {
                            "resourceType": "ExplanationOfBenefit",
                            "id": cid,
                            "status": "active",
                            "use": "claim",
                            "patient": {"reference": f"Patient/{mid}"},
                            "billablePeriod": {"start": when, "end": when},
                            "diagnosis": [
                                {
                                    "sequence": j + 1,
                                    "diagnosisCodeableConcept": {
                                        "coding": [{"system": system, "code": code}]
                                    },
                                }
                                for j, code in enumerate(codes)
                            ],
                        }
                    )
                    + "\n"
                )
                continue
            handles["Encounter"].write(
                json.dumps(
                    {
                        "resourceType": "Encounter",
                        "id": cid,
                        "status": "finished",
                        "subject": {"reference": f"Patient/{mid}"},
                        "period": {"start": when, "end": when},
                    }
                )
                + "\n"
            )
            for j, code in enumerate(codes):
                handles["Condition"].write(
                    json.dumps(
                        {
                            "resourceType": "Condition",
                            "id": f"{cid}-{j + 1}",
                            "subject": {"reference": f"Patient/{mid}"},
                            "encounter": {"reference": f"Encounter/{cid}"},
                            "code": {"coding": [{"system": system, "code": code}]},
                        }
                    )
                    + "\n"
                )
    return [f"{n}.ndjson" for n in names]
