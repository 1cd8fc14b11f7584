"""Missing-person posters of the synthetic ad corpus (private).

Planted posters describe a worker of an operation as the missing child she was
(real name, age at missing, description, a photo); decoys describe nobody in
the ads.
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nowrongdoor._output import atomic_open
from nowrongdoor.synth import _ads_bank as bank
from nowrongdoor.synth._ads_gen import SPAN_DAYS, START, height, km

if TYPE_CHECKING:
    from nowrongdoor.synth._ads_gen import _Builder, _Operation, _Worker

__all__ = ["POSTER_FIELDS", "make_posters", "write_posters_csv"]


def _poster_name(w: _Worker, rng: random.Random) -> tuple[str, list[str]]:
    """The poster's legal name and aliases for a planted worker."""
    aliases: list[str] = []
    if w.work_name in bank.NICKNAMES[w.first] and rng.random() < 0.6:
        aliases.append(w.work_name)
    if rng.random() < 0.3:
        aliases.append(rng.choice(bank.NICKNAMES[w.first]))
    return f"{w.first} {w.last}", sorted(set(aliases))


def make_posters(
    b: _Builder, victims: list[tuple[_Operation, _Worker]], n_decoys: int
) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """Planted posters (one per victim) and ``n_decoys`` decoys, with the truth."""
    rng = b.rng
    posters: list[dict[str, Any]] = []
    cases: dict[str, list[str]] = {}
    people: list[tuple[_Worker | None, _Operation | None]] = [
        (w, op) for op, w in victims
    ]
    people += [(None, None)] * n_decoys
    day_of = {
        a["id"]: (datetime.fromisoformat(a["posted_at"]).date() - START).days
        for a in b.ads
    }
    rng.shuffle(people)
    for n, (w, op) in enumerate(people):
        case_id = f"MP-{n + 1:05d}"
        if w is None or op is None:
            w = b.worker(f"decoy{n}")
            city = rng.choice(b.cities)
            missing_day = rng.randrange(-120, SPAN_DAYS - 30)
            age_missing = rng.randint(14, 17)
            photo_seed = w.base_seeds[0] if w.base_seeds else None
            cases[case_id] = []
        else:
            first_day = min((day_of[a] for a in w.ad_ids), default=0)
            missing_day = first_day - rng.randint(2, 90)
            r = rng.random()
            first_city = op.route[0][0]
            if r < 0.5:
                city = first_city
            elif r < 0.8:
                near = sorted(b.cities, key=lambda c: km(first_city, c))[:5]
                city = rng.choice(near)
            else:
                city = rng.choice(b.cities)
            age_missing = rng.choice((15, 16, 17))
            photo_seed = w.base_seeds[0] if w.base_seeds else None
            cases[case_id] = sorted(w.ad_ids)
        missing = START + timedelta(days=missing_day)
        name, aliases = _poster_name(w, rng)
        rec: dict[str, Any] = {
            "case_id": case_id,
            "name": name,
            "aliases": aliases,
            "sex": "F",
            "race": w.race,
            "height": height(w.height_in + rng.choice((-1, 0, 0, 1))) + '"',
            "weight": f"{w.weight_lb + rng.randint(-8, 8)} lbs",
            "hair": w.hair if rng.random() < 0.8 else rng.choice(bank.HAIR),
            "eyes": w.eyes,
            "marks": rng.choice(bank.MARKS) if rng.random() < 0.4 else "",
            "missing_date": missing.isoformat(),
            "city": city.name,
            "state": city.state,
            "photo": "",
        }
        if rng.random() < 0.5:
            days_old = int(age_missing * 365.25) + rng.randrange(300)
            born = missing - timedelta(days=days_old)
            rec["birth_date"] = born.isoformat()
            rec["age_at_missing"] = None
        else:
            rec["birth_date"] = None
            rec["age_at_missing"] = age_missing
        if photo_seed is not None and rng.random() < 0.75:
            from nowrongdoor.synth import _ads_images as im

            base = im.base_image(random.Random(photo_seed))
            rel = f"posters/{case_id}.png"
            im.save_png(im.perturb(base, random.Random(photo_seed + 99)), b.out / rel)
            b.n_images += 1
            rec["photo"] = rel
        for key in ("height", "weight", "aliases"):
            if rng.random() < 0.15:
                rec[key] = [] if key == "aliases" else ""
        posters.append(rec)
    return posters, cases


POSTER_FIELDS = (
    "case_id", "name", "aliases", "birth_date", "age_at_missing", "sex", "race",
    "height", "weight", "hair", "eyes", "marks", "missing_date", "city", "state",
    "photo",
)  # fmt: skip


def write_posters_csv(path: Path, posters: list[dict[str, Any]]) -> None:
    """Write the posters as CSV (aliases joined with ``; ``), atomically."""
    with atomic_open(path, newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=POSTER_FIELDS, lineterminator="\n")
        w.writeheader()
        for p in posters:
            row = {k: p.get(k) for k in POSTER_FIELDS}
            row["aliases"] = "; ".join(p.get("aliases") or [])
            row = {k: ("" if v is None else v) for k, v in row.items()}
            w.writerow(row)
