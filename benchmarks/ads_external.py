"""Build external gold sets from other teams' labelled real ads, outside the repo.

Real ads carry real people's numbers, so they never enter the repository. This
script reads git snapshots of public Memex/DIG repositories (cloned or mirrored
anywhere outside the repo) and writes gold JSONL files that
``nowrongdoor ads evaluate`` reads, into a folder outside the repo (``/tmp`` by
default):

* ``etk_age.jsonl``: the age ground truth of usc-isi-i2/etk
  (``etk/unit_tests/ground_truth/age.jl`` at commit d559fa2, the last version
  before the file was removed): real escort-site pages, each with the ages the
  etk team marked ``correct``. Gold: ``ages``.
* ``dig_ads_kinds.jsonl``: usc-isi-i2/dig-ads-classifier
  (``digAdsClassifier/resources/training.csv`` and ``testing.csv``): real ads
  labelled 3 (escort), 2 (massage) or 4 (job ad). Gold: ``kind`` and ``class``
  (job ads are ``benign``; escort and massage ads ``escort``, as the labels do
  not say which carry trafficking indicators).

    python benchmarks/ads_external.py --etk /path/to/etk.git \\
        --dig-ads-classifier /path/to/dig-ads-classifier.git --out /tmp/ads-external
    nowrongdoor ads evaluate /tmp/ads-external/etk_age.jsonl
    nowrongdoor ads evaluate /tmp/ads-external/dig_ads_kinds.jsonl
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

ETK_COMMIT = "d559fa2"
ETK_AGE = "etk/unit_tests/ground_truth/age.jl"
DIG_FILES = (
    "digAdsClassifier/resources/training.csv",
    "digAdsClassifier/resources/testing.csv",
)
DIG_LABELS = {
    "3": ("escort", "escort"),
    "2": ("massage", "escort"),
    "4": ("job", "benign"),
}


def _show(repo: Path, rev: str, path: str) -> str:
    return subprocess.run(
        ["git", f"--git-dir={repo}", "show", f"{rev}:{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def etk_ages(repo: Path) -> list[dict[str, object]]:
    """The etk age ground truth as gold records (duplicate pages once)."""
    out: list[dict[str, object]] = []
    seen: set[str] = set()
    for line in _show(repo, ETK_COMMIT, ETK_AGE).splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        text = raw.get("text") or raw.get("content") or ""
        if text in seen:
            continue
        seen.add(text)
        ages = sorted({int(a) for a in raw["correct"]})
        out.append(
            {"id": f"etk-age-{len(out) + 1}", "text": text, "gold": {"ages": ages}}
        )
    return out


def dig_ads(repo: Path) -> list[dict[str, object]]:
    """The dig-ads-classifier labelled ads as gold records."""
    csv.field_size_limit(1 << 28)
    out: list[dict[str, object]] = []
    for path in DIG_FILES:
        for row in csv.DictReader(io.StringIO(_show(repo, "HEAD", path))):
            kind, cls = DIG_LABELS[row["label"]]
            text = " ".join(row["extracted_text"].split())
            if not text:
                continue
            out.append(
                {
                    "id": f"dig-ads-{len(out) + 1}",
                    "text": text,
                    "gold": {"kind": kind, "class": cls},
                }
            )
    return out


def main(argv: list[str] | None = None) -> int:
    """Write the external gold sets."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--etk", type=Path, help="git dir of usc-isi-i2/etk")
    parser.add_argument(
        "--dig-ads-classifier",
        type=Path,
        help="git dir of usc-isi-i2/dig-ads-classifier",
    )
    parser.add_argument("--out", type=Path, default=Path("/tmp/ads-external"))
    args = parser.parse_args(argv)
    here = Path(__file__).resolve().parents[1]
    if here in args.out.resolve().parents or args.out.resolve() == here:
        print(f"{args.out}: real ads must not be written inside the repository.")
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    sets = {}
    if args.etk:
        sets["etk_age.jsonl"] = etk_ages(args.etk)
    if args.dig_ads_classifier:
        sets["dig_ads_kinds.jsonl"] = dig_ads(args.dig_ads_classifier)
    for name, records in sets.items():
        path = args.out / name
        with path.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        print(f"{path}: {len(records)} ads")
    return 0


if __name__ == "__main__":
    sys.exit(main())
