"""Check: ``ads scan`` writes byte-identical output with two source trees.

    .venv/bin/python benchmarks/ads_scan_identical.py --before /tmp/ads-before/src
    .venv/bin/python benchmarks/ads_scan_identical.py --before SRC --gold 3000 \\
        --seeds 1 7 2026 --operations 80

A speed-up of the extractor must not change what it finds. This scans every
corpus the project has with the current tree (``src`` next to this file, or
``--after``) and with ``--before`` (e.g. ``git archive REV src | tar -x -C DIR``),
each in its own process and in one worker, and compares the JSONL outputs byte
for byte:

* the shipped evaluation sets ``tests/data/ads_*.jsonl`` (docs/evaluation.md);
* ``generate_gold_ads(N, seed)`` for each ``--seeds`` (the benchmark's and the
  evaluation set's generator), written as JSONL;
* ``nowrongdoor synth ads`` corpora, easy and ``--hard`` (titles, cities,
  states and poster ages as well as text), one per seed.

It prints one line per corpus and exits non-zero when any output differs,
naming the first differing record.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETS = (
    "ads_eval.jsonl",
    "ads_handwritten.jsonl",
    "ads_heldout.jsonl",
    "ads_kinds.jsonl",
    "ads_cases.jsonl",
)


def _prepare(work: Path, gold: int, seeds: list[int], operations: int) -> list[Path]:
    """Write the generated corpora (with the current tree) and list every input."""
    from nowrongdoor.synth.ads import HARD, HardOptions, generate_ads, generate_gold_ads

    inputs = [ROOT / "tests" / "data" / name for name in SETS]
    work.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        path = work / f"gold_seed{seed}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for record in generate_gold_ads(gold, seed=seed):
                row = {"id": record["id"], "text": record["text"]}
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        inputs.append(path)
        for name, options in (("easy", HardOptions()), ("hard", HARD)):
            out = work / f"synth_{name}_seed{seed}"
            generate_ads(operations, seed, out, images=False, hard=options)
            inputs.append(out / "ads.jsonl")
    return inputs


def _scan_all(src: Path, inputs: list[Path], out_dir: Path) -> None:
    """Scan every input with the tree at ``src`` (in a fresh process)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from nowrongdoor.ads import scan\n"
        "out = Path(sys.argv[1])\n"
        "for i, name in enumerate(sys.argv[2:]):\n"
        "    scan(name, out / f'{i:02d}.jsonl', workers=1, top=0)\n"
    )
    # One hash seed for both trees: set iteration order must not differ.
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONHASHSEED": "0"}
    subprocess.run(
        [sys.executable, "-c", code, str(out_dir), *map(str, inputs)],
        check=True,
        env=env,
    )


def _first_difference(a: Path, b: Path) -> str:
    lines_a = a.read_text(encoding="utf-8").splitlines()
    lines_b = b.read_text(encoding="utf-8").splitlines()
    for k, (x, y) in enumerate(zip(lines_a, lines_b, strict=False)):
        if x != y:
            return f"line {k + 1}: before {x[:300]} | after {y[:300]}"
    return f"{len(lines_a)} lines before, {len(lines_b)} after"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", required=True, metavar="SRC")
    parser.add_argument("--after", default=str(ROOT / "src"), metavar="SRC")
    parser.add_argument("--work", default="/tmp/ads-scan-identical")
    parser.add_argument("--gold", type=int, default=3000, help="gold ads per seed")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 7, 2026])
    parser.add_argument(
        "--operations", type=int, default=80, help="operations per synth corpus"
    )
    args = parser.parse_args()
    work = Path(args.work)
    inputs = _prepare(work / "inputs", args.gold, args.seeds, args.operations)
    _scan_all(Path(args.before), inputs, work / "before")
    _scan_all(Path(args.after), inputs, work / "after")
    failed = 0
    for i, path in enumerate(inputs):
        a = work / "before" / f"{i:02d}.jsonl"
        b = work / "after" / f"{i:02d}.jsonl"
        records = sum(1 for _ in a.open(encoding="utf-8"))
        same = a.read_bytes() == b.read_bytes()
        label = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"{'identical' if same else 'DIFFERENT'}  {records:6,} records  {label}")
        if not same:
            failed += 1
            print("    " + _first_difference(a, b))
    print(f"{len(inputs) - failed} of {len(inputs)} corpora identical")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
