"""Benchmark: missing-person recall of ``ads match`` on one generated corpus.

Links the corpus's scanned records (``link_ads``), matches its posters against
the operations (``match_linked``, top 10) and prints recall@1 and recall@10 of
the planted missing persons and the matching CPU time. Run it with another
checkout's ``src`` first on ``PYTHONPATH`` to compare two versions on the same
corpus.

Usage::

    nowrongdoor synth ads --operations 460 --seed 1 --hard --out /tmp/h460
    python benchmarks/ads_match.py /tmp/h460
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from nowrongdoor.ads import link_ads, load_posters, match_linked, recall_at_k


def main() -> None:
    corpus = Path(sys.argv[1])
    lines = (corpus / "scanned_truth.jsonl").read_text(encoding="utf-8").splitlines()
    result = link_ads([json.loads(x) for x in lines if x.strip()], image_root=corpus)
    posters = load_posters(corpus / "posters.jsonl")
    started = time.process_time()
    matches, _ = match_linked(posters, result, top=10, image_root=corpus)
    cpu = time.process_time() - started
    ranked: dict[str, list[str]] = {}
    for m in matches:
        ranked.setdefault(m.case_id, []).append(m.ad_id)
    cases = json.loads((corpus / "truth.json").read_text())["cases"]
    print(
        f"{len(posters)} posters: recall@1 {recall_at_k(ranked, cases, 1):.3f}, "
        f"recall@10 {recall_at_k(ranked, cases, 10):.3f}; matching CPU {cpu:.1f} s"
    )


if __name__ == "__main__":
    main()
