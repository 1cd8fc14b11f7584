"""Write the ads evaluation set: generated ads with known truth and the deck's ads.

    .venv/bin/python tests/data/make_ads_eval.py            # tests/data/ads_eval.jsonl
    .venv/bin/python tests/data/make_ads_eval.py --n 2000 --seed 7 --out sample.jsonl

Labels come from the generator's templates (nowrongdoor.synth.ads), never
from the extractor; the deck's two ads are labelled by hand below.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

from nowrongdoor.synth.ads import generate_gold_ads

HERE = Path(__file__).parent

TYLER_TEXT = (
    "%%YUMMY PLESURE $$ 80hh 160 hr!!! I$$ **BEST N TYLER * 24/7* aim to please & "
    "indephn - 30\nARE you tired of the same ran down girls whois nonting that you "
    "were looking for. well you found the right lady only if you are willing to be "
    "pleased-satisfied I am open-minded down to earth, yummy plesure, Available "
    "now.you wont regret. Up scale company. Clean men who respect a woman. Never "
    "setale for less.Cause i will be the best part of your day/nite. NO cops. "
    "SERIES CALLERS ONLY! REAL PIC. Indapendint no roomates. very clean relax "
    "setting,INN CALLS ONLY! call 903 312 1887\nPoster's age: 30\n- Location: Tyler\n"
    "- User first posted December 2013\n- Post ID: 25265660 tyler"
)
ASHLEE_TEXT = (
    "SeXy* Petite* Bomb\nHello fellas Im Ashlee I'm a friendly bombshell ready to "
    "please. I Love to play and be a dream fulfiller. Treat your self and feel "
    "Relaxed Relieved and Rejuvenated\n100% Juicy\n100% All Woman\n100% All Fun\n"
    "75 near Downtown, Dallas\nPost ID: 35830090 dallas"
)
_EMPTY = {
    "phones": [],
    "emails": [],
    "handles": [],
    "ages": [],
    "rates": [],
    "locations": [],
    "names": [],
    "descriptors": [],
    "indicators": [],
}
DECK = [
    {
        "id": "deck-tyler-25265660",
        "text": TYLER_TEXT,
        "gold": {
            **_EMPTY,
            "phones": ["+19033121887"],
            "ages": [30],
            "rates": [
                {"amount": 80.0, "minutes": 30},
                {"amount": 160.0, "minutes": 60},
            ],
            "locations": [{"city": "Tyler", "state": "TX"}],
            "indicators": [
                {"code": "always_available"},
                {"code": "law_enforcement_avoidance"},
                {"code": "hotel_incall"},
            ],
        },
        "meta": {"kind": "deck", "phone_style": "spaced_groups"},
    },
    {
        "id": "deck-ashlee-35830090",
        "text": ASHLEE_TEXT,
        "gold": {
            **_EMPTY,
            "locations": [{"city": "Dallas", "state": "TX"}],
            "names": ["Ashlee"],
            "descriptors": ["build:petite"],
        },
        "meta": {"kind": "deck", "phone_style": "none"},
    },
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=400, help="generated ads")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "ads_eval.jsonl")
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=args.out.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        for record in [*DECK, *generate_gold_ads(args.n, seed=args.seed)]:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    os.replace(tmp, args.out)
    print(f"wrote {args.n + len(DECK)} ads to {args.out}")


if __name__ == "__main__":
    main()
