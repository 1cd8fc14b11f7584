"""Benchmark: linking ads into operations and matching missing-person posters.

One run, on two seeded synthetic corpora of the same size (``nowrongdoor synth
ads``): the *easy* corpus (operations with their own templates, rotating
phones, reused photos) and the *hard* one (``--hard``: stock paragraphs copied
by unrelated operations, a site footer on every ad, free-written ads, stock
photos and booking lines shared by unrelated operations, burner phones with a
kept handle). On each:

* ``ads link`` of this checkout ("after") and of ``--before REV`` ("before",
  the code at that git revision, exported to a temp dir), both on the
  generator's scanned records in fresh processes: pairwise precision, recall,
  F1, ARI, wall time; "after" also on the raw ads (scanned on the fly);
* phone-only linking (union-find over shared phone numbers) as a baseline;
* InfoShield (ICDE 2021; github.com/mengchillee/InfoShield) on the same ads
  (title + text), when ``--infoshield DIR`` points at a checkout outside this
  repository (it has no licence: never copy it here) and ``--infoshield-python``
  at a Python with its dependencies; coarse (LSH) and fine (template)
  clusterings, unclustered ads as singletons;
* ``ads match`` on the "after" operations: recall@1 and recall@10 of the
  planted missing persons, against a name-similarity baseline.

``--ablation`` adds, on the hard corpus, the linker with signals switched off
and with shingle rarity counted over ads instead of contact groups.
``--scale-ads N`` links a larger easy corpus without images (time, memory).

Usage::

    python benchmarks/ads_link.py --operations 460 --seed 1 --ablation \\
        --infoshield /tmp/peers/InfoShield --infoshield-python /tmp/peers/py
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from nowrongdoor.ads import adjusted_rand_index, pairwise_scores, recall_at_k
from nowrongdoor.synth.ads import generate_ads

ROOT = Path(__file__).resolve().parents[1]
NWD = [sys.executable, "-m", "nowrongdoor"]
#: The linker before issue 12 (union-find over every edge above a threshold).
BEFORE = "f90e38e"


def _run(
    cmd: list[str],
    cwd: Path | None = None,
    timeout: float | None = None,
    src: Path | None = None,
) -> tuple[float, int, bool]:
    """Run a command: wall seconds, its own peak RSS in MB, and whether it finished.

    With ``timeout``, a command still running after that many seconds is killed
    (with its process group) and reported as not finished. ``src`` is put first
    on ``PYTHONPATH`` (default: this checkout's ``src``).
    """
    env = {**os.environ, "PYTHONPATH": str(src or ROOT / "src")}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, stdout=out, stderr=err, start_new_session=True, env=env
        )
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if timeout is not None and time.perf_counter() - t > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                _, status, usage = os.wait4(proc.pid, 0)
                return time.perf_counter() - t, usage.ru_maxrss // 1024, False
            time.sleep(0.2)
        secs = time.perf_counter() - t
        if os.waitstatus_to_exitcode(status) != 0:
            out.seek(0)
            err.seek(0)
            raise SystemExit(
                f"{' '.join(cmd)} failed:\n{out.read().decode()}\n{err.read().decode()}"
            )
    proc.returncode = 0
    return secs, usage.ru_maxrss // 1024, True


def _ops_csv(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as fh:
        return {r["id"]: r["operation"] for r in csv.DictReader(fh)}


def _scores(truth: dict[str, str], pred: dict[str, str]) -> dict[str, float]:
    ids = sorted(truth)
    t = [truth[i] for i in ids]
    p = [pred.get(i, f"single:{i}") for i in ids]
    return {**pairwise_scores(t, p), "ari": adjusted_rand_index(t, p)}


def _infoshield(
    checkout: Path, python: str, corpus: Path, work: Path, timeout: float
) -> dict[str, Any]:
    run = work / "infoshield_run"
    run.mkdir()
    ads = [json.loads(x) for x in (corpus / "ads.jsonl").read_text().splitlines()]
    with (run / "ads.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["ad_id", "description"])
        for a in ads:
            text = f"{a['title']}. {a['text']}".replace("\n", " ").replace("\r", " ")
            w.writerow([a["id"], text])
    started = time.time()
    secs, peak, finished = _run(
        [python, str(checkout / "infoshield.py"), "ads.csv", "ad_id", "description"],
        cwd=run,
        timeout=timeout,
    )
    coarse: dict[str, str] = {}
    with (run / "ads_full_LSH_labels.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            label = str(r["LSH label"])
            coarse[str(r["ad_id"])] = f"c{label}" if label != "-1" else f"s{r['ad_id']}"
    fine: dict[str, str] | None = None
    if finished:
        fine = {}
        with (run / "template_table.csv").open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                fine[str(r["ID"])] = f"t{r['LSH Label']}-{r['Template #']}"
    coarse_secs = (run / "ads_full_LSH_labels.csv").stat().st_mtime - started
    return {
        "seconds": secs,
        "coarse_seconds": coarse_secs,
        "peak_mb": peak,
        "coarse": coarse,
        "fine": fine,
        "finished": finished,
    }


def _name_baseline(corpus: Path, k: int) -> dict[str, list[str]]:
    """Rank ads by the best rapidfuzz ratio of poster names to ad names."""
    from rapidfuzz import fuzz

    recs = [
        json.loads(x) for x in (corpus / "scanned_truth.jsonl").read_text().splitlines()
    ]
    posters = [
        json.loads(x) for x in (corpus / "posters.jsonl").read_text().splitlines()
    ]
    ranked: dict[str, list[str]] = {}
    for p in posters:
        names = [p["name"].split()[0].lower(), *(a.lower() for a in p["aliases"])]
        scored = []
        for r in recs:
            best = max(
                (fuzz.ratio(n, m.lower()) for n in names for m in r["names"]),
                default=0.0,
            )
            scored.append((-best, r["id"]))
        scored.sort()
        ranked[p["case_id"]] = [i for _, i in scored[:k]]
    return ranked


def _records(corpus: Path) -> list[dict[str, Any]]:
    lines = (corpus / "scanned_truth.jsonl").read_text().splitlines()
    return [json.loads(x) for x in lines]


def _phone_only(corpus: Path) -> dict[str, str]:
    """Baseline: ads sharing a phone number are one operation (union-find)."""
    recs = _records(corpus)
    parent = list(range(len(recs)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first: dict[str, int] = {}
    for i, r in enumerate(recs):
        for p in r["phones"]:
            if p in first:
                parent[find(i)] = find(first[p])
            else:
                first[p] = i
    return {r["id"]: str(find(i)) for i, r in enumerate(recs)}


def _before_src(rev: str, work: Path) -> Path:
    """Export ``src/`` at git revision ``rev`` into ``work`` (no checkout)."""
    dest = work / f"before_{rev}"
    dest.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "src"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest / "src"


def _ablation(corpus: Path, truth: dict[str, str]) -> None:
    """Score the linker with signals switched off (scanned records, in process)."""
    from nowrongdoor.ads import LinkOptions, link_ads

    recs = _records(corpus)
    variants = [
        ("all signals (rarity over contact groups)", LinkOptions()),
        ("rarity over ads (IDF-style)", LinkOptions(rarity="ads")),
        ("contacts only", LinkOptions(use_text=False, use_images=False)),
        ("contacts + photos", LinkOptions(use_text=False)),
        ("contacts + text", LinkOptions(use_images=False)),
    ]
    print(f"\nablation on {corpus.name} (scanned records; P/R/F1, ARI)")
    for name, opts in variants:
        res = link_ads(recs, options=opts, image_root=corpus)
        ops = {f.id: op for f, op in zip(res.facts, res.operation, strict=True)}
        s = _scores(truth, ops)
        print(
            f"{name:42} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} "
            f"{s['ari']:6.3f}  hubs {len(res.hubs)}"
        )


Row = tuple[str, dict[str, float], float | None, int | None]


def _link_rows(
    corpus: Path, work: Path, before: Path, args: argparse.Namespace
) -> tuple[list[Row], dict[str, float]]:
    truth = json.loads((corpus / "truth.json").read_text())["operations"]
    out = work / corpus.name
    scanned = str(corpus / "scanned_truth.jsonl")
    rows: list[Row] = []
    secs: dict[str, float] = {}
    link = [*NWD, "ads", "link"]
    t, mb, _ = _run([*link, scanned, "--out", str(out / "before"), "--no-graph"],
                    src=before)  # fmt: skip
    secs["before"] = t
    rows.append((f"ads link before ({args.before}), scanned", _scores(
        truth, _ops_csv(out / "before" / "operations.csv")), t, mb))  # fmt: skip
    t, mb, _ = _run([*link, scanned, "--out", str(out / "after"), "--no-graph"])
    secs["after"] = t
    rows.append(("ads link after, scanned", _scores(
        truth, _ops_csv(out / "after" / "operations.csv")), t, mb))  # fmt: skip
    raw = str(corpus / "ads.jsonl")
    t, mb, _ = _run([*link, raw, "--out", str(out / "raw"), "--no-graph"])
    secs["after_raw"] = t
    rows.append(("ads link after, raw ads (scan + link)", _scores(
        truth, _ops_csv(out / "raw" / "operations.csv")), t, mb))  # fmt: skip
    rows.append(("phone-only linking (union-find)", _scores(
        truth, _phone_only(corpus)), None, None))  # fmt: skip
    if args.infoshield is not None and (args.infoshield / "infoshield.py").is_file():
        run = work / f"infoshield_{corpus.name}"
        run.mkdir()
        peer = _infoshield(
            args.infoshield, args.infoshield_python, corpus, run, args.peer_timeout
        )
        secs["infoshield"] = float(peer["seconds"])
        for kind in ("coarse", "fine"):
            if peer[kind] is not None:
                rows.append((f"InfoShield ({kind})", _scores(truth, peer[kind]),
                             float(peer["seconds"]), int(peer["peak_mb"])))  # fmt: skip
        if not peer["finished"]:
            print(f"InfoShield on {corpus.name}: stopped after {args.peer_timeout} s")
    return rows, secs


def _match(corpus: Path, work: Path) -> tuple[float, float, float, float]:
    out = work / corpus.name
    _run([*NWD, "ads", "match", "--posters", str(corpus / "posters.jsonl"),
          "--ads", str(corpus / "ads.jsonl"), "--out", str(out / "match"),
          "--operations", str(out / "raw" / "operations.csv")])  # fmt: skip
    ranked: dict[str, list[str]] = {}
    with (out / "match" / "matches.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            ranked.setdefault(r["case_id"], []).append(r["ad_id"])
    cases = json.loads((corpus / "truth.json").read_text())["cases"]
    base = _name_baseline(corpus, 10)
    return (
        recall_at_k(ranked, cases, 1),
        recall_at_k(ranked, cases, 10),
        recall_at_k(base, cases, 1),
        recall_at_k(base, cases, 10),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--operations", type=int, default=460)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--before", default=BEFORE, help="Git revision of 'before'.")
    ap.add_argument("--infoshield", type=Path, default=None)
    ap.add_argument("--infoshield-python", default=sys.executable)
    ap.add_argument("--scale-ads", type=int, default=0)
    ap.add_argument(
        "--ablation", action="store_true", help="Also score signals and rarity."
    )
    ap.add_argument(
        "--peer-timeout", type=float, default=1800.0, help="Stop InfoShield after."
    )
    ap.add_argument("--keep", type=Path, default=None, help="Keep files here.")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="nwd_ads_link_"))
    if args.keep:
        work = args.keep
        work.mkdir(parents=True, exist_ok=True)
    before = _before_src(args.before, work)
    from nowrongdoor.synth.ads import HARD

    corpora = []
    for name, hard in (("easy", None), ("hard", HARD)):
        corpus = work / name
        t = time.perf_counter()
        info = generate_ads(args.operations, args.seed, corpus, hard=hard)
        print(
            f"{name} corpus: {info.ads} ads, {info.operations} operations, "
            f"{info.singletons} singletons, {info.planted} planted missing persons "
            f"+ {info.posters - info.planted} decoy posters, {info.images} images "
            f"({time.perf_counter() - t:.1f} s to generate)"
        )
        corpora.append(corpus)

    for corpus in corpora:
        rows, secs = _link_rows(corpus, work, before, args)
        print(f"\nlinking, {corpus.name} corpus (pairwise P/R/F1, ARI)")
        print(
            f"{'system':44} {'P':>6} {'R':>6} {'F1':>6} {'ARI':>6} {'sec':>7} {'MB':>5}"
        )
        for name, s, sec, mb in rows:
            tail = f"{sec:7.1f} {mb:5d}" if sec is not None and mb is not None else ""
            print(
                f"{name:44} {s['precision']:6.3f} {s['recall']:6.3f} "
                f"{s['f1']:6.3f} {s['ari']:6.3f} {tail}"
            )
        print(
            f"speed: after / before on the same scanned ads = "
            f"{secs['after'] / secs['before']:.2f}x (target <= 2x)"
        )
        if "infoshield" in secs:
            print(
                f"InfoShield / ours (raw ads, end to end) = "
                f"{secs['infoshield'] / secs['after_raw']:.1f}x (target >= 10x)"
            )
        r1, r10, b1, b10 = _match(corpus, work)
        print(
            f"missing persons, {corpus.name}: ads match R@1 {r1:.3f} R@10 {r10:.3f}; "
            f"name-only baseline R@1 {b1:.3f} R@10 {b10:.3f}"
        )
        if args.ablation and corpus.name == "hard":
            truth = json.loads((corpus / "truth.json").read_text())["operations"]
            _ablation(corpus, truth)

    if args.scale_ads:
        ops = max(1, round(args.scale_ads / 9.3 / 1.1))
        big = work / "scale"
        t = time.perf_counter()
        b = generate_ads(ops, args.seed, big, images=False, singletons=ops // 10)
        gen = time.perf_counter() - t
        big_secs, peak, _ = _run([*NWD, "ads", "link", str(big / "scanned_truth.jsonl"),
                           "--out", str(work / "scale_out"), "--no-graph"])  # fmt: skip
        s = _scores(
            json.loads((big / "truth.json").read_text())["operations"],
            _ops_csv(work / "scale_out" / "operations.csv"),
        )
        print(
            f"\nscale: {b.ads} ads (generated in {gen:.0f} s) linked from scanned "
            f"records in {big_secs:.0f} s, peak RSS {peak} MB, ARI {s['ari']:.3f}"
        )
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
