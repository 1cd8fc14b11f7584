"""Benchmark: linking ads into operations and matching missing-person posters.

One run, on one seeded synthetic corpus (``nowrongdoor synth ads``):

* nowrongdoor ``ads link`` on the raw ads (scanning each ad on the fly) and on
  the generator's scanned records (linking alone): pairwise precision, recall,
  F1 and ARI against the true operations, wall time (each a fresh process).
* InfoShield (ICDE 2021; github.com/mengchillee/InfoShield) on the same ads
  (title + text), when ``--infoshield DIR`` points at a checkout outside this
  repository (it has no licence: never copy it here) and ``--infoshield-python``
  at a Python with its dependencies. Both its coarse (LSH) and fine (template)
  clusterings are scored; unclustered ads count as singletons.
* ``ads match``: recall@1 and recall@10 of the planted missing persons, against
  a baseline that ranks ads by name similarity alone (rapidfuzz), same run.
* Optionally ``--scale-ads N``: a larger corpus without images, linked from
  scanned records without the GraphML file; time and peak memory, and a linear
  extrapolation to one million ads when N is smaller (printed as such).

Usage::

    .venv/bin/python benchmarks/ads_link.py --operations 460 --seed 1 \\
        --infoshield /work/peers/InfoShield \\
        --infoshield-python /work/peers/venv/bin/python
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

from nowrongdoor.ads.link import adjusted_rand_index, pairwise_scores, recall_at_k
from nowrongdoor.synth.ads import generate_ads

ROOT = Path(__file__).resolve().parents[1]
NWD = [str(ROOT / ".venv" / "bin" / "nowrongdoor")]


def _run(
    cmd: list[str], cwd: Path | None = None, timeout: float | None = None
) -> tuple[float, int, bool]:
    """Run a command: wall seconds, its own peak RSS in MB, and whether it finished.

    With ``timeout``, a command still running after that many seconds is killed
    (with its process group) and reported as not finished.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, stdout=out, stderr=err, start_new_session=True
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


def _ablation(corpus: Path, truth: dict[str, str]) -> None:
    """Score the linker with signals switched off (scanned records, in process)."""
    from nowrongdoor.ads.link import LinkOptions, link_ads

    recs = [
        json.loads(x) for x in (corpus / "scanned_truth.jsonl").read_text().splitlines()
    ]
    no_contacts = [{**r, "phones": [], "emails": [], "handles": []} for r in recs]
    variants = [
        ("all signals", recs, LinkOptions()),
        ("contacts only", recs, LinkOptions(use_text=False, use_images=False)),
        ("contacts + photos", recs, LinkOptions(use_text=False)),
        ("contacts + text", recs, LinkOptions(use_images=False)),
        ("text only (no contacts)", no_contacts, LinkOptions(use_images=False)),
        ("text + photos (no contacts)", no_contacts, LinkOptions()),
    ]
    print("\nablation (scanned records; pairwise P/R/F1, ARI)")
    for name, data, opts in variants:
        res = link_ads(data, options=opts, image_root=corpus)
        ops = {f.id: op for f, op in zip(res.facts, res.operation, strict=True)}
        s = _scores(truth, ops)
        print(
            f"{name:40} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} "
            f"{s['ari']:6.3f}  hubs {len(res.hubs)}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--operations", type=int, default=460)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--infoshield", type=Path, default=None)
    ap.add_argument("--infoshield-python", default=sys.executable)
    ap.add_argument("--scale-ads", type=int, default=0)
    ap.add_argument(
        "--ablation", action="store_true", help="Also score each signal alone."
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
    corpus = work / "corpus"
    t = time.perf_counter()
    info = generate_ads(args.operations, args.seed, corpus)
    print(
        f"corpus: {info.ads} ads, {info.operations} operations, "
        f"{info.singletons} singletons, {info.planted} planted missing persons "
        f"+ {info.posters - info.planted} decoy posters, {info.images} images "
        f"({time.perf_counter() - t:.1f} s to generate)"
    )
    truth = json.loads((corpus / "truth.json").read_text())

    rows: list[tuple[str, dict[str, float], float, int]] = []
    link = [*NWD, "ads", "link"]
    secs_raw, peak, _ = _run(
        [*link, str(corpus / "ads.jsonl"), "--out", str(work / "raw")]
    )
    rows.append(
        (
            "nowrongdoor (raw ads, scan + link)",
            _scores(truth["operations"], _ops_csv(work / "raw" / "operations.csv")),
            secs_raw,
            peak,
        )  # fmt: skip
    )
    scanned = str(corpus / "scanned_truth.jsonl")
    secs_scanned, peak, _ = _run([*link, scanned, "--out", str(work / "scanned")])
    rows.append(
        (
            "nowrongdoor (scanned records, link)",
            _scores(truth["operations"], _ops_csv(work / "scanned" / "operations.csv")),
            secs_scanned,
            peak,
        )  # fmt: skip
    )
    peer_ari = None
    peer_secs = None
    if args.infoshield is None or not (args.infoshield / "infoshield.py").is_file():
        print(
            "InfoShield: skipped (pass --infoshield DIR with a checkout of "
            "github.com/mengchillee/InfoShield outside this repository)"
        )
    else:
        peer = _infoshield(
            args.infoshield, args.infoshield_python, corpus, work, args.peer_timeout
        )
        peer_secs = float(peer["seconds"])
        print(
            f"InfoShield: coarse (LSH) stage done after {peer['coarse_seconds']:.0f} s"
            f", whole run {peer_secs:.0f} s"
        )
        if not peer["finished"]:
            print(
                f"InfoShield: the fine (template alignment) stage did not finish in "
                f"{args.peer_timeout:.0f} s and was stopped; its coarse (LSH) "
                "clusters are scored and its time is a lower bound"
            )
        for kind in ("coarse", "fine"):
            if peer[kind] is None:
                continue
            s = _scores(truth["operations"], peer[kind])
            rows.append((f"InfoShield ({kind})", s, peer_secs, int(peer["peak_mb"])))
            peer_ari = max(peer_ari if peer_ari is not None else -1.0, s["ari"])

    print("\nlinking (pairwise P/R/F1 and ARI against the true operations)")
    print(f"{'system':40} {'P':>6} {'R':>6} {'F1':>6} {'ARI':>6} {'sec':>8} {'MB':>6}")
    for name, s, secs, mb in rows:
        print(
            f"{name:40} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} "
            f"{s['ari']:6.3f} {secs:8.1f} {mb:6d}"
        )
    if peer_ari is not None and peer_secs is not None:
        ours = rows[0][1]["ari"]
        bound = "" if peer["finished"] else "at least "
        print(
            f"ARI gain over InfoShield (best scored): {ours - peer_ari:+.3f} "
            f"(target >= +0.2); speed: {bound}{peer_secs / secs_raw:.1f}x faster "
            "end to end "
            f"(raw ads), {bound}{peer_secs / secs_scanned:.1f}x on scanned records "
            "(target >= 10x)"
        )

    t = time.perf_counter()
    _run([*NWD, "ads", "match", "--posters", str(corpus / "posters.jsonl"),
          "--ads", str(corpus / "ads.jsonl"), "--out", str(work / "match"),
          "--operations", str(work / "raw" / "operations.csv")])  # fmt: skip
    secs_match = time.perf_counter() - t
    ranked: dict[str, list[str]] = {}
    with (work / "match" / "matches.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            ranked.setdefault(r["case_id"], []).append(r["ad_id"])
    if args.ablation:
        _ablation(corpus, truth["operations"])

    t = time.perf_counter()
    base = _name_baseline(corpus, 10)
    secs_base = time.perf_counter() - t
    cases = truth["cases"]
    print("\nmissing-person matching (planted cases; decoys have no true ad)")
    print(f"{'system':40} {'R@1':>6} {'R@10':>6} {'sec':>8}")
    print(
        f"{'nowrongdoor ads match (Fellegi-Sunter)':40} "
        f"{recall_at_k(ranked, cases, 1):6.3f} {recall_at_k(ranked, cases, 10):6.3f} "
        f"{secs_match:8.1f}"
    )
    print(
        f"{'baseline: name similarity only':40} {recall_at_k(base, cases, 1):6.3f} "
        f"{recall_at_k(base, cases, 10):6.3f} {secs_base:8.1f}"
    )

    if args.scale_ads:
        ops = max(1, round(args.scale_ads / 9.3 / 1.1))
        big = work / "scale"
        t = time.perf_counter()
        b = generate_ads(ops, args.seed, big, images=False, singletons=ops // 10)
        gen = time.perf_counter() - t
        secs, peak, _ = _run([*NWD, "ads", "link", str(big / "scanned_truth.jsonl"),
                           "--out", str(work / "scale_out"), "--no-graph"])  # fmt: skip
        s = _scores(
            json.loads((big / "truth.json").read_text())["operations"],
            _ops_csv(work / "scale_out" / "operations.csv"),
        )
        print(
            f"\nscale: {b.ads} ads (generated in {gen:.0f} s) linked from scanned "
            f"records in {secs:.0f} s, peak RSS {peak} MB, "
            f"ARI {s['ari']:.3f}"
        )
        if b.ads < 1_000_000:
            print(
                f"linear extrapolation to 1,000,000 ads: {secs * 1e6 / b.ads / 60:.1f} "
                "min (an extrapolation, not a measurement)"
            )
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
