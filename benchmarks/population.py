"""Benchmark: the population pipeline against hand-written DuckDB SQL and pandas.

    .venv/bin/python benchmarks/population.py            # 10 million claim lines
    .venv/bin/python benchmarks/population.py --members 20000   # a quick check
    .venv/bin/python benchmarks/population.py --members 4930000 \
        --memory-limit 4GB --pandas-cap 6GB                # ~10^8 claim lines

The synthetic claims (wide Parquet parts, ``synth claims --format partitioned``:
about 20.3 lines per member) are generated once, in a separate process, and cached
under benchmarks/.cache/. Each contender runs in its own process on the same
folder and the same as-of date; its peak memory is its own process's high-water
mark (``VmHWM``, not ``ru_maxrss``, which a child inherits from a large parent).
``--memory-limit`` is DuckDB's memory limit for ours and the SQL alike (beyond it
DuckDB spills to ``--temp-dir``). pandas runs under ``--pandas-cap``: the parent
watches its resident memory and stops it at the cap, and the run reports the time
and memory at which it was stopped instead of a figure:

* ours-worklist - ``nowrongdoor.population.score_population`` on DuckDB writing
           what the SQL writes, the worklist as Parquet (``outputs=
           ("worklist.parquet",)``, ``--output worklist.parquet`` on the command
           line; the summary.json every run writes besides): validation of every
           row, indicators, scores, tiers, reasons. The headline ratio;
* ours   - the same writing every output file: also the worklist CSV, FHIR
           RiskAssessments and rejects.csv (reported beside the headline);
* sql    - one hand-written DuckDB SQL query producing the same tiers (the
           practical limit: no validation, no reasons, no output files but one;
           the dx columns unpivoted by the fastest form we measured, a UNION ALL
           of one filtered scan per column);
* pandas - what an analyst would write in pandas (per-dx-column filter + merge),
           run on the full data.

The tiers of all three are compared member by member; the run fails if they differ.

    .venv/bin/python benchmarks/population.py --layouts --members 50000

compares instead the same members read in three layouts, CSV, each scored by
``score_population`` on DuckDB in its own process, ``--rounds`` times (interleaved,
so machine load hits all three alike; every round printed, the verdict by the
median CPU time, the best round beside it):

* ours   - our wide layout (``claims.csv``);
* map    - the same claims with renamed columns, ``DD/MM/YYYY`` dates, undotted
           codes with a ``:Y`` present-on-admission suffix, read with ``--map``;
* taf    - the generator's CMS TAF layout (IP/LT/OT claim headers with
           ``DDMONYYYY`` dates, DE base file), read with ``--preset taf``.

The worklists must be byte-identical; the target is map and taf within 1.2x the
time of ours.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

AS_OF = date(2025, 12, 31)
#: DuckDB options of this run as JSON (set in the children from --options).
OPTIONS: str | None = None
ROOT = Path(__file__).resolve().parent
CACHE = ROOT / ".cache"
# ~20.3 claim lines per member over two years: 494,000 members ~ 10 million lines.
DEFAULT_MEMBERS = 494_000


def _data(members: int) -> Path:
    """The claims folder (wide Parquet parts), generated in its own process."""
    folder = CACHE / f"population-parts-{members}"
    path = folder / "claims"
    if not path.exists():
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "nowrongdoor", "synth", "claims", "--format",
             "partitioned", "--members", str(members), "--seed", "2026", "--out",
             str(folder)],
            check=True,
        )  # fmt: skip
        print(
            f"generated {members:,} members in {time.perf_counter() - t0:.0f} s "
            f"-> {path}",
            flush=True,
        )
    return path


def _engine_options() -> dict[str, object]:
    """DuckDB options shared by ours and the SQL (``--memory-limit``...)."""
    found: dict[str, object] = json.loads(OPTIONS or "{}")
    return found


def _reference() -> tuple[object, object]:
    """The SQL's value-set codes and points, as Arrow tables built from buffers.

    Built with the same helper ours uses: ``pa.table`` of Python lists makes
    pyarrow import pandas (about 0.2-0.3 s of CPU), which the hand-written SQL
    does not need and which would flatter ours in the comparison.
    """
    import pyarrow as pa

    from nowrongdoor.population import load_scoring_model, load_value_sets
    from nowrongdoor.population._arrow import arrow_table

    model = load_scoring_model()
    sets = load_value_sets()
    rows = [(c, v.id) for v in sets for c in v.expand()]
    codes = arrow_table(
        {
            "code": (pa.string(), [r[0] for r in rows]),
            "indicator": (pa.string(), [r[1] for r in rows]),
        }
    )
    identifies = {v.id: int(v.identifies) for v in sets}
    pts = model.points_rows(AS_OF)
    points = arrow_table(
        {
            "indicator": (pa.string(), [p["indicator"] for p in pts]),
            "band": (pa.string(), [p["band"] for p in pts]),
            "min_age": (pa.int64(), [p["min_age"] for p in pts]),
            "max_age": (pa.int64(), [p["max_age"] for p in pts]),
            "points": (pa.int64(), [p["points"] for p in pts]),
            "window_start": (pa.date32(), [p["window_start"] for p in pts]),
            "identifies": (pa.int64(), [identifies[str(p["indicator"])] for p in pts]),
        }
    )
    return codes, points


def run_ours(src: Path, out: Path, outputs: tuple[str, ...] = ()) -> dict[str, object]:
    from nowrongdoor.population import connect, score_population

    opts = _engine_options()
    engine = connect(
        "duckdb",
        memory_limit=opts.get("memory_limit"),  # type: ignore[arg-type]
        temp_dir=opts.get("temp_dir"),  # type: ignore[arg-type]
    )
    try:
        # ``outputs`` only when chosen: the code before it can be benchmarked too
        chosen = {"outputs": outputs} if outputs else {}
        result = score_population([src], out, engine=engine, as_of=AS_OF, **chosen)
    finally:
        engine.close()
    return {"flagged": result.flagged, "tiers_file": str(out / "worklist.parquet")}


HAND_SQL = """
COPY (
WITH dx AS (
    {unpivot}
),
members AS (
    SELECT member_id, min(birth_date) AS birth
    FROM read_parquet($src) GROUP BY member_id
),
aged AS (
    SELECT member_id,
           date_diff('year', birth, $as_of)
             - CASE WHEN strftime(birth, '%m%d') > strftime($as_of, '%m%d')
                    THEN 1 ELSE 0 END AS age
    FROM members
),
hits AS (
    SELECT d.member_id, c.indicator, max(p.points) AS points,
           max(p.identifies) AS identifies
    FROM dx d
    JOIN codes c USING (code)
    JOIN aged a USING (member_id)
    JOIN points p ON p.indicator = c.indicator AND a.age BETWEEN p.min_age AND p.max_age
    WHERE d.service_date BETWEEN p.window_start AND $as_of
    GROUP BY ALL
),
scored AS (
    SELECT member_id, sum(points) AS score, max(identifies) AS identified
    FROM hits GROUP BY member_id
)
SELECT member_id,
       CASE WHEN identified > 0 THEN 'identified'
            WHEN score >= $high THEN 'high'
            ELSE 'elevated' END AS tier,
       score
FROM scored
WHERE identified > 0 OR score >= $elevated
ORDER BY member_id
) TO '{out}' (FORMAT parquet)
"""


def run_sql(src: Path, out: Path) -> dict[str, object]:
    import duckdb

    from nowrongdoor.population import load_scoring_model

    model = load_scoring_model()
    codes, points = _reference()
    out.mkdir(parents=True, exist_ok=True)
    target = out / "tiers.parquet"
    con = duckdb.connect()
    opts = _engine_options()
    if opts.get("memory_limit"):
        con.execute(f"SET memory_limit = '{opts['memory_limit']}'")
    if opts.get("temp_dir"):
        con.execute(f"SET temp_directory = '{opts['temp_dir']}'")
    con.register("codes", codes)
    con.register("points", points)
    # The fastest unpivot we found in DuckDB for a Parquet file: one filtered scan
    # per dx column (faster than UNPIVOT or unnest of a list on 10M lines).
    unpivot = "\n    UNION ALL\n    ".join(
        f"SELECT member_id, service_date, replace(upper(dx{i}), '.', '') AS code "
        f"FROM read_parquet($src) WHERE dx{i} IS NOT NULL"
        for i in range(1, 13)
    )
    con.execute(
        HAND_SQL.replace("{out}", str(target)).replace("{unpivot}", unpivot),
        {
            "src": str(src / "*.parquet") if src.is_dir() else str(src),
            "as_of": AS_OF,
            "high": model.tiers.high,
            "elevated": model.tiers.elevated,
        },
    )
    return {"tiers_file": str(target)}


def run_pandas(src: Path, out: Path) -> dict[str, object]:
    import pandas as pd

    from nowrongdoor.population import load_scoring_model

    model = load_scoring_model()
    codes, points = _reference()
    codes_df = codes.to_pandas()  # type: ignore[attr-defined]
    points_df = points.to_pandas()  # type: ignore[attr-defined]
    points_df["window_start"] = pd.to_datetime(points_df["window_start"])
    dx_cols = [f"dx{i}" for i in range(1, 13)]
    df = pd.read_parquet(
        src, columns=["member_id", "birth_date", "service_date", *dx_cols]
    )
    df["service_date"] = pd.to_datetime(df["service_date"])
    members = df.groupby("member_id", as_index=False)["birth_date"].min()
    birth = pd.to_datetime(members["birth_date"])
    as_of = pd.Timestamp(AS_OF)
    later = (birth.dt.month > as_of.month) | (
        (birth.dt.month == as_of.month) & (birth.dt.day > as_of.day)
    )
    members["age"] = as_of.year - birth.dt.year - later.astype(int)
    parts = []
    for col in dx_cols:
        sub = df.loc[df[col].notna(), ["member_id", "service_date", col]]
        sub = sub.rename(columns={col: "code"})
        sub["code"] = sub["code"].str.upper().str.replace(".", "", regex=False)
        parts.append(sub.merge(codes_df, on="code"))
    del df
    hits = pd.concat(parts, ignore_index=True)
    hits = hits.merge(members[["member_id", "age"]], on="member_id")
    hits = hits.merge(points_df, on="indicator")
    hits = hits[
        (hits["age"] >= hits["min_age"])
        & (hits["age"] <= hits["max_age"])
        & (hits["service_date"] >= hits["window_start"])
        & (hits["service_date"] <= as_of)
    ]
    best = hits.groupby(["member_id", "indicator"], as_index=False).agg(
        points=("points", "max"), identifies=("identifies", "max")
    )
    scored = best.groupby("member_id", as_index=False).agg(
        score=("points", "sum"), identified=("identifies", "max")
    )
    scored["tier"] = "elevated"
    scored.loc[scored["score"] >= model.tiers.high, "tier"] = "high"
    scored.loc[scored["identified"] > 0, "tier"] = "identified"
    flagged = scored[
        (scored["identified"] > 0) | (scored["score"] >= model.tiers.elevated)
    ]
    out.mkdir(parents=True, exist_ok=True)
    target = out / "tiers.parquet"
    flagged[["member_id", "tier", "score"]].sort_values("member_id").to_parquet(
        target, index=False
    )
    return {"tiers_file": str(target)}


LAYOUT_MAP = """
name = "benchmark warehouse"
[columns]
member_id = "MBR_NO"
birth_date = "DOB"
claim_id = "CLAIM_NO"
service_date = "FROM_DT"
dx = ["DIAG_*"]
[formats]
date = "DD/MM/YYYY"
poa_separator = ":"
"""


def _layout_data(members: int) -> dict[str, Path]:
    """Our CSV, the mapped CSV (+ map.toml) and the TAF files of one population."""
    import duckdb

    from nowrongdoor.synth.claims import generate_claims

    root = CACHE / f"layouts-{members}"
    ours, taf = root / "ours", root / "taf"
    mapped = root / "map" / "warehouse.csv"
    if not (ours / "claims.csv").exists():
        generate_claims(members, 2026, ours, fmt="csv")
    if not (taf / "taf_de_base.csv").exists():
        generate_claims(members, 2026, taf, fmt="taf")
        (taf / "truth").rename(root / "taf-truth")
    if not mapped.exists():
        mapped.parent.mkdir(parents=True, exist_ok=True)
        dx = ", ".join(
            f"CASE WHEN dx{i} IS NULL THEN NULL "
            f"ELSE replace(dx{i}, '.', '') || ':Y' END AS DIAG_{i}"
            for i in range(1, 13)
        )
        src = str(ours / "claims.csv").replace("'", "''")
        tmp = str(mapped) + ".tmp"
        duckdb.sql(
            "COPY (SELECT member_id AS MBR_NO, "
            "strftime(birth_date, '%d/%m/%Y') AS DOB, claim_id AS CLAIM_NO, "
            "strftime(service_date, '%d/%m/%Y') AS FROM_DT, "
            f"{dx} FROM read_csv('{src}', header = true)) "
            f"TO '{tmp}' (HEADER, DELIMITER ',')"
        )
        Path(tmp).rename(mapped)
        (mapped.parent / "map.toml").write_text(LAYOUT_MAP, encoding="utf-8")
    return {"ours": ours / "claims.csv", "map": mapped, "taf": taf}


def _run_layout(kind: str, src: Path, out: Path) -> dict[str, object]:
    from nowrongdoor.population import connect, score_population
    from nowrongdoor.population._maps import load_map, load_preset

    cmap = {
        "ours": lambda: None,
        "map": lambda: load_map(src.parent / "map.toml"),
        "taf": lambda: load_preset("taf"),
    }[kind]()
    engine = connect("duckdb")
    try:
        result = score_population(
            [src], out, engine=engine, as_of=AS_OF, column_map=cmap
        )
    finally:
        engine.close()
    return {"flagged": result.flagged, "rejects": result.rejects}


RUNNERS = {
    "ours": run_ours,
    # the headline: ours writing what the SQL writes, a worklist Parquet file
    # (plus the summary.json every run writes)
    "ours-worklist": lambda src, out: run_ours(src, out, ("worklist.parquet",)),
    "sql": run_sql,
    "pandas": run_pandas,
    "layout-ours": lambda src, out: _run_layout("ours", src, out),
    "layout-map": lambda src, out: _run_layout("map", src, out),
    "layout-taf": lambda src, out: _run_layout("taf", src, out),
}


def _peak_mb(pid: int | str = "self") -> float:
    """A process's own resident-memory high-water mark (``VmHWM``), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _rss_mb(pid: int) -> float:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _child(name: str, src: Path, out: Path) -> None:
    t0 = time.perf_counter()
    info = RUNNERS[name](src, out)
    seconds = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "name": name,
                "seconds": seconds,
                "cpu_seconds": usage.ru_utime + usage.ru_stime,
                "peak_mb": _peak_mb(),
                **info,
            }
        )
    )


def _tiers(path: str) -> dict[str, tuple[str, int]]:
    import pyarrow.parquet as pq

    t = pq.read_table(path, columns=["member_id", "tier", "score"]).to_pydict()
    return {
        m: (tier, int(s))
        for m, tier, s in zip(t["member_id"], t["tier"], t["score"], strict=True)
    }


def _spawn(
    name: str,
    src: Path,
    out: Path,
    options: str = "{}",
    cap_mb: float | None = None,
) -> dict[str, object]:
    """Run one contender in its own process; stop it if its RSS passes ``cap_mb``.

    Returns its JSON line, or for a stopped contender ``{"capped": True, ...}``
    with the seconds and the resident memory at which it was stopped.
    """
    import tempfile

    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child", name, "--src", str(src), "--out",
             str(out), "--options", options],
            stdout=stdout,
            stderr=err,
            text=True,
        )  # fmt: skip
        high = 0.0
        while proc.poll() is None:
            rss = _rss_mb(proc.pid)
            high = max(high, rss)
            if cap_mb is not None and rss > cap_mb:
                proc.kill()
                proc.wait()
                return {
                    "name": name,
                    "capped": True,
                    "seconds": time.perf_counter() - t0,
                    "peak_mb": high,
                }
            time.sleep(0.05)
        stdout.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            print(err.read()[-3000:], file=sys.stderr)
            raise SystemExit(f"{name} failed")
        result: dict[str, object] = json.loads(stdout.read().strip().splitlines()[-1])
    return result


def _load() -> str:
    import os

    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def layouts(members: int, rounds: int) -> None:
    """Our layout vs a column map vs the TAF preset, same members, same run.

    Every round runs the three in turn (so machine load hits them alike) and is
    printed. The verdict uses the median CPU time per layout over the rounds;
    the best round and the median of the per-round ratios (each layout against
    ours in the same round) are printed beside it.
    """
    import os
    from statistics import median

    data = _layout_data(members)
    lines = sum(1 for _ in open(data["ours"], "rb")) - 1
    print(f"input: {lines:,} claim lines, {members:,} members, CSV", flush=True)
    print(f"load average at the start: {_load()}", flush=True)
    kinds = ("ours", "map", "taf")
    wall: dict[str, list[float]] = {k: [] for k in kinds}
    cpu: dict[str, list[float]] = {k: [] for k in kinds}
    for r in range(rounds):
        for kind in kinds:
            out = CACHE / "runs" / f"layout-{kind}-{members}"
            got = _spawn(f"layout-{kind}", data[kind], out)
            secs, used = float(got["seconds"]), float(got["cpu_seconds"])  # type: ignore[arg-type]
            wall[kind].append(secs)
            cpu[kind].append(used)
            print(
                f"round {r + 1} {kind:5s} {secs:7.1f} s wall {used:7.1f} s CPU  "
                f"peak {float(got['peak_mb']):6.0f} MB  "  # type: ignore[arg-type]
                f"flagged {got['flagged']}  rejects {got['rejects']}  "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    print(f"load average at the end: {_load()}")
    outs = {
        k: (CACHE / "runs" / f"layout-{k}-{members}" / "worklist.csv").read_bytes()
        for k in kinds
    }
    if len(set(outs.values())) != 1:
        raise SystemExit("worklists differ between layouts")
    print("worklists byte-identical across ours, map, taf")
    for kind in kinds:
        print(
            f"{kind:5s} CPU per round: "
            + ", ".join(f"{c:.2f}" for c in cpu[kind])
            + f" s (median {median(cpu[kind]):.2f}, best {min(cpu[kind]):.2f}); "
            f"wall median {median(wall[kind]):.1f} s, best {min(wall[kind]):.1f} s"
        )
    for kind in ("map", "taf"):
        ratio = median(cpu[kind]) / median(cpu["ours"])
        best = min(cpu[kind]) / min(cpu["ours"])
        paired = [t / o for t, o in zip(cpu[kind], cpu["ours"], strict=True)]
        verdict = "within" if ratio <= 1.2 else "NOT within"
        print(
            f"{kind} / ours: {ratio:.2f}x the CPU time by median of {rounds} "
            f"({median(cpu[kind]):.2f} s vs {median(cpu['ours']):.2f} s) - {verdict} "
            f"the 1.2x target; best of {rounds} {best:.2f}x; per round "
            + ", ".join(f"{x:.2f}" for x in paired)
            + f" (median {median(paired):.2f}x); wall by median "
            f"{median(wall[kind]) / median(wall['ours']):.2f}x"
        )


def _warm(files: list[str]) -> None:
    """Read the input once, so every contender finds it in the page cache (the
    first one would otherwise pay the disk reads, or other processes' eviction,
    alone)."""
    for name in files:
        with open(name, "rb") as handle:
            while handle.read(1 << 24):
                pass


def _size(value: str) -> float:
    """``6GB`` / ``512MB`` -> MB."""
    text = value.strip().upper().removesuffix("B").removesuffix("I")
    scale = {"K": 1 / 1024, "M": 1.0, "G": 1024.0, "T": 1024.0**2}
    if text and text[-1] in scale:
        return float(text[:-1]) * scale[text[-1]]
    return float(text) / 1024**2


def main() -> None:
    global OPTIONS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=DEFAULT_MEMBERS)
    parser.add_argument(
        "--layouts", action="store_true", help="our layout vs a map vs TAF preset"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=sorted(RUNNERS), action="append")
    parser.add_argument(
        "--memory-limit", help="DuckDB memory_limit for ours and the SQL, e.g. 4GB"
    )
    parser.add_argument("--temp-dir", type=Path, help="where DuckDB spills")
    parser.add_argument(
        "--pandas-cap",
        default="6GB",
        help="stop pandas when its resident memory passes this (default 6GB)",
    )
    parser.add_argument("--child", choices=sorted(RUNNERS), help=argparse.SUPPRESS)
    parser.add_argument("--src", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--options", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        OPTIONS = args.options
        _child(args.child, args.src, args.out)
        return
    if args.layouts:
        layouts(args.members, args.rounds)
        return
    src = _data(args.members)
    import pyarrow.dataset as ds

    data = ds.dataset(src, format="parquet")
    lines = data.count_rows()
    print(
        f"input: {src} ({len(data.files)} Parquet parts, {lines:,} claim lines, "
        f"{args.members:,} members)",
        flush=True,
    )
    options = json.dumps(
        {
            "memory_limit": args.memory_limit,
            "temp_dir": str(args.temp_dir) if args.temp_dir else None,
        }
    )
    _warm(data.files)
    cap = _size(args.pandas_cap)
    results: dict[str, dict[str, object]] = {}
    for name in args.only or ["ours-worklist", "ours", "sql", "pandas"]:
        out = CACHE / "runs" / f"{name}-{args.members}"
        r = _spawn(name, src, out, options, cap if name == "pandas" else None)
        results[name] = r
        if r.get("capped"):
            print(
                f"{name:7s} stopped at the {args.pandas_cap} cap after "
                f"{float(r['seconds']):.1f} s (resident {float(r['peak_mb']):,.0f} MB)"  # type: ignore[arg-type]
                " - no result",
                flush=True,
            )
            continue
        print(
            f"{name:13s} {float(r['seconds']):8.2f} s wall "  # type: ignore[arg-type]
            f"{float(r['cpu_seconds']):8.2f} s CPU   peak "  # type: ignore[arg-type]
            f"{float(r['peak_mb']):7.0f} MB   load {_load()}",  # type: ignore[arg-type]
            flush=True,
        )
    done = {n: r for n, r in results.items() if not r.get("capped")}
    tiers = {n: _tiers(str(r["tiers_file"])) for n, r in done.items()}
    first = next(iter(tiers.values()))
    for name, got in tiers.items():
        if got != first:
            diff = {k for k in first.keys() | got.keys() if first.get(k) != got.get(k)}
            raise SystemExit(f"{name} tiers differ for {len(diff)} members")
    print(f"tiers identical across {', '.join(tiers)} ({len(first):,} flagged members)")
    target = 1.5 if lines < 50_000_000 else 1.25
    for name, what in (
        ("ours-worklist", "ours writing the worklist Parquet, as the SQL does"),
        ("ours", "ours writing every output file"),
    ):
        if name not in done:
            continue
        mine = done[name]
        wall, cpu = float(mine["seconds"]), float(mine["cpu_seconds"])  # type: ignore[arg-type]
        if "sql" in done:
            by_wall = wall / float(done["sql"]["seconds"])  # type: ignore[arg-type]
            by_cpu = cpu / float(done["sql"]["cpu_seconds"])  # type: ignore[arg-type]
            verdict = "met" if by_cpu <= target else "MISSED"
            print(
                f"{name} / sql ({what}): {by_cpu:.2f}x the CPU time "
                f"(target <= {target}x: {verdict}), {by_wall:.2f}x the wall time"
            )
        if "pandas" in done:
            speed = float(done["pandas"]["seconds"]) / wall  # type: ignore[arg-type]
            faster = float(done["pandas"]["cpu_seconds"]) / cpu  # type: ignore[arg-type]
            print(
                f"pandas / {name}: {name} is {speed:.2f}x faster ({faster:.2f}x by CPU)"
            )
        peak = float(mine["peak_mb"])  # type: ignore[arg-type]
        print(
            f"{name} peak memory {peak:,.0f} MB (target < 6 GB: "
            f"{'met' if peak < 6144 else 'MISSED'})"
        )


if __name__ == "__main__":
    main()
