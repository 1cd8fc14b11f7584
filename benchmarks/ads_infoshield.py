"""Benchmark: ``ads link`` against InfoShield, both run to the end, same ads.

InfoShield (ICDE 2021; github.com/mengchillee/InfoShield) has no licence, so it
is never copied here: ``--infoshield DIR`` points at a checkout outside this
repository and ``--infoshield-python`` at a Python with its dependencies. On
one generated corpus (``synth ads``, ``--hard`` by default, no images: InfoShield
reads text only) both systems run as fresh processes, one after the other:

* ``nowrongdoor ads link ads.jsonl`` on the raw ads (scan on the fly + link:
  end to end, as InfoShield starts from text), and on the scanned records;
* ``infoshield.py ads.csv ad_id description`` on ``title. text`` of every ad,
  coarse (LSH) and fine (templates) clusterings scored, unclustered ads single.

The machine is shared, so besides wall seconds the CPU seconds of each process
and its children (``wait4``) are reported; the speed ratio is given on both.

Usage::

    python benchmarks/ads_infoshield.py --operations 120 --seed 3 \\
        --infoshield /tmp/peers/InfoShield --infoshield-python /tmp/peers/py
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ads_link import _ops_csv, _scores

from nowrongdoor.synth.ads import HARD, generate_ads

ROOT = Path(__file__).resolve().parents[1]
NWD = [sys.executable, "-m", "nowrongdoor"]


def _run_cpu(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, int]:
    """Run a command to the end: wall seconds, CPU seconds, peak RSS in MB."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    t = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    except KeyboardInterrupt:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited with {proc.returncode}")
    return (
        time.perf_counter() - t,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss // 1024,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--operations", type=int, default=120)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--easy", action="store_true", help="The easy corpus.")
    ap.add_argument("--infoshield", type=Path, required=True)
    ap.add_argument("--infoshield-python", default=sys.executable)
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="nwd_ads_infoshield_"))
    corpus = work / "corpus"
    info = generate_ads(
        args.operations,
        args.seed,
        corpus,
        hard=None if args.easy else HARD,
        images=False,
    )
    print(f"corpus: {info.ads} ads, {info.operations} operations ({work})")
    truth = json.loads((corpus / "truth.json").read_text())["operations"]
    rows = []
    for label, src in (("raw ads (scan + link)", "ads.jsonl"),
                       ("scanned records", "scanned_truth.jsonl")):  # fmt: skip
        out = work / src.split(".")[0]
        wall, cpu, mb = _run_cpu(
            [*NWD, "ads", "link", str(corpus / src), "--out", str(out), "--no-graph"]
        )
        s = _scores(truth, _ops_csv(out / "operations.csv"))
        rows.append((f"ads link, {label}", s, wall, cpu, mb))
    run = work / "peer"
    run.mkdir()
    ads = [json.loads(x) for x in (corpus / "ads.jsonl").read_text().splitlines()]
    with (run / "ads.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["ad_id", "description"])
        for a in ads:
            text = f"{a['title']}. {a['text']}".replace("\n", " ").replace("\r", " ")
            w.writerow([a["id"], text])
    script = str(args.infoshield / "infoshield.py")
    wall, cpu, mb = _run_cpu(
        [args.infoshield_python, script, "ads.csv", "ad_id", "description"], cwd=run
    )
    coarse: dict[str, str] = {}
    with (run / "ads_full_LSH_labels.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            label = str(r["LSH label"])
            coarse[str(r["ad_id"])] = f"c{label}" if label != "-1" else f"s{r['ad_id']}"
    fine: dict[str, str] = {}
    with (run / "template_table.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            fine[str(r["ID"])] = f"t{r['LSH Label']}-{r['Template #']}"
    rows.append(("InfoShield coarse (LSH)", _scores(truth, coarse), wall, cpu, mb))
    rows.append(("InfoShield fine (templates)", _scores(truth, fine), wall, cpu, mb))
    print(f"{'system':34} {'P':>6} {'R':>6} {'F1':>6} {'ARI':>6} {'wall s':>8} "
          f"{'CPU s':>8} {'MB':>6}")  # fmt: skip
    for name, s, w, c, mb in rows:
        print(
            f"{name:34} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} "
            f"{s['ari']:6.3f} {w:8.1f} {c:8.1f} {mb:6d}"
        )
    print(
        f"InfoShield / ads link on raw ads: wall {wall / rows[0][2]:.1f}x, "
        f"CPU {cpu / rows[0][3]:.1f}x (target >= 10x)"
    )


if __name__ == "__main__":
    main()
