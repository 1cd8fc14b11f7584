"""Graph step of the linker: hubs, contact groups, weighed pairs, merge (private).

1. Contacts (phone, email, handle) join ads into *contact groups*; a contact
   shared by groups that post in different cities at the same time is a hub
   and ignored (:mod:`nowrongdoor.ads.link._cluster`).
2. Photos are clustered by pHash; a photo cluster whose contact groups
   conflict is a hub (a stock photo); one used by more than two groups is
   *common* and weak evidence.
3. Text is reduced to distinctive shingles (used by few contact groups);
   MinHash LSH over them and the photo clusters propose pairs of ads from
   different contact groups (a few representatives per group and bucket, so
   the pairs stay near-linear).
4. Every candidate pair, the contact pairs and random pairs get comparison
   levels; u comes from the random pairs, m from EM over the candidates
   (:mod:`nowrongdoor.ads.link._model`).
5. Contact groups are joined by text or photo edges whose match weight clears
   the bar, strongest first, unless the clusters conflict.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nowrongdoor.ads.link._cluster import (
    Event,
    GroupEdge,
    find_conflict_hubs,
    key_activity,
    merge_groups,
    unsupported_keys,
)
from nowrongdoor.ads.link._core import (
    AdFacts,
    LinkOptions,
    LinkResult,
    Merge,
    prepare,
)
from nowrongdoor.ads.link._graph import Hub, UnionFind, index_keys
from nowrongdoor.ads.link._images import hash_images, image_clusters
from nowrongdoor.ads.link._model import FSModel, fit_model
from nowrongdoor.ads.link._pairs import (
    AdView,
    PairData,
    distinctive,
    minutes_of,
    pair_levels,
)
from nowrongdoor.ads.link._text import lsh_buckets, minhash

__all__ = ["combine", "event_of", "link_facts", "operation_ids"]

#: Representatives of one contact group compared per bucket or photo.
_REPS = 2
#: Contact groups of one bucket or photo compared pairwise at most.
_BUCKET_GROUPS = 40
#: Smallest corpus whose random pairs estimate u (below: the fixed priors).
_MIN_ADS_FOR_U = 100


def link_facts(
    records: Iterable[dict[str, Any]],
    *,
    options: LinkOptions,
    image_root: Path | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> LinkResult:
    """Link scanned records into operations (in this process).

    Args:
        records: Scanned records (the ``ads scan`` schema; ``text``, ``title``,
            ``posted_at``, ``city``, ``state`` and ``images`` used when present).
        options: Settings.
        image_root: Directory that relative image paths resolve against.
        progress: Called with ``(stage, count)``.

    Returns:
        The :class:`LinkResult`.
    """
    facts, shingles = prepare(records, options, progress)
    phash: dict[str, int] = {}
    unreadable: list[tuple[str, str]] = []
    if options.use_images:
        index = hash_images([r for f in facts for r in f.images], image_root)
        phash, unreadable = index.hashes, index.unreadable
    return combine(facts, shingles, phash, unreadable, options)


def event_of(f: AdFacts) -> Event:
    """``(minute, city|state)`` of one ad (an unknown time sorts last)."""
    place = f"{f.city.lower()}|{f.state}" if f.city else ""
    m = minutes_of(f.posted_at)
    return (m if m == m else float("inf"), place)


def _events(facts: Sequence[AdFacts]) -> list[Event]:
    return [event_of(f) for f in facts]


def _compact(labels: Sequence[int]) -> list[int]:
    names: dict[int, int] = {}
    return [names.setdefault(x, len(names)) for x in labels]


def combine(
    facts: list[AdFacts],
    shingles: list[np.ndarray],
    phash: dict[str, int],
    unreadable: list[tuple[str, str]],
    options: LinkOptions,
) -> LinkResult:
    """Graph step over prepared ads (see the module docstring).

    Args:
        facts: The ads' facts, in input order.
        shingles: Their shingle hashes (same order).
        phash: Image reference -> pHash of the readable images.
        unreadable: Images that could not be read, with the reason.
        options: Settings.

    Returns:
        The :class:`LinkResult`.
    """
    n = len(facts)
    window = options.conflict_days * 1440.0
    events = _events(facts)
    contacts_of = [
        [f"phone:{p}" for p in f.phones]
        + [f"email:{e}" for e in f.emails]
        + [f"handle:{h}" for h in f.handles]
        for f in facts
    ]
    all_contacts: dict[str, list[int]] = {}
    for i, keys in enumerate(contacts_of):
        for k in set(keys):
            all_contacts.setdefault(k, []).append(i)
    contact_keys = {k: v for k, v in all_contacts.items() if len(v) > 1}
    contact_ok, contact_hubs = find_conflict_hubs(
        contact_keys, contacts_of, all_contacts, events, window=window
    )
    group_of, _ = _contact_groups(n, contact_ok)
    photo_of: list[dict[int, int]] = [{} for _ in range(n)]
    if options.use_images and phash:
        cluster = image_clusters(phash, options.image_distance)
        for i, f in enumerate(facts):
            for r in f.images:
                if r in cluster:
                    photo_of[i].setdefault(cluster[r], phash[r])
    # keys joining established groups with nothing else in common
    text, _ = _distinctive(shingles, group_of, options)
    hub_keys = {h.key for h in contact_hubs}
    usable_of = [[k for k in keys if k not in hub_keys] for keys in contacts_of]
    weak = unsupported_keys(
        key_activity(contact_ok, usable_of, all_contacts),
        text,
        photo_of,
        events,
        [frozenset(k) for k in contacts_of],
        window=window,
    )
    for h in weak:
        del contact_ok[h.key]
    contact_hubs += weak
    group_of, star = _contact_groups(n, contact_ok)

    # photos: hubs (stock photos) and rarity
    image_ok: dict[str, list[int]] = {}
    image_hubs: list[Hub] = []
    if options.use_images and phash:
        image_keys = index_keys(
            (i, [f"image:{c:016x}" for c in photo_of[i]]) for i in range(n)
        )
        group_key = [[f"group:{g}"] for g in group_of]
        group_ads: dict[str, list[int]] = {}
        for i, g in enumerate(group_of):
            group_ads.setdefault(f"group:{g}", []).append(i)
        image_ok, image_hubs = find_conflict_hubs(
            image_keys, group_key, group_ads, events, window=window
        )
    rare = frozenset(
        int(k.split(":", 1)[1], 16)
        for k, ads in image_ok.items()
        if len({group_of[i] for i in ads}) <= 2
    )
    hub_photo = {int(h.key.split(":", 1)[1], 16) for h in image_hubs}
    for p in photo_of:
        for c in hub_photo & p.keys():
            del p[c]

    text, n_common = _distinctive(shingles, group_of, options)
    views = [
        AdView(
            contacts=frozenset(contacts_of[i]),
            text=text[i],
            photos=photo_of[i],
            names=frozenset(x.lower() for x in facts[i].names),
            city=facts[i].city.lower(),
            state=facts[i].state,
            minute=events[i][0] if events[i][0] != float("inf") else float("nan"),
        )
        for i in range(n)
    ]
    data = PairData(views, frozenset(h.key for h in contact_hubs), rare)

    cross = _cross_pairs(text, image_ok, group_of, options)
    star_levels = [pair_levels(data, a, b)[0] for a, b, _ in star]
    cross_levels = [pair_levels(data, a, b)[0] for a, b in cross]
    # in a tiny corpus random pairs are not mostly different operations: the
    # fixed priors of u stand in for them
    rand = _random_pairs(n, options.random_pairs) if n >= _MIN_ADS_FOR_U else []
    rand_levels = [pair_levels(data, a, b)[0] for a, b in rand]
    cand = np.array(star_levels + cross_levels, dtype=np.int64).reshape(-1, 6)
    model = fit_model(cand, np.array(rand_levels, dtype=np.int64).reshape(-1, 6))

    merges = [
        _contact_merge(a, b, key, lv, model)
        for (a, b, key), lv in zip(star, star_levels, strict=True)
    ]
    best: dict[tuple[int, int], tuple[GroupEdge, list[int]]] = {}
    for (a, b), lv in zip(cross, cross_levels, strict=True):
        if lv[1] < 3 and lv[2] < 3:  # no distinctive text and no rare photo
            continue
        w = model.match_weight(lv)
        if w < options.merge_weight:
            continue
        key = (min(group_of[a], group_of[b]), max(group_of[a], group_of[b]))
        if key not in best or w > best[key][0].weight:
            best[key] = (GroupEdge(w, a, b), lv)
    labels, used, refused = merge_groups(
        group_of, [e for e, _ in best.values()], events, window=window
    )
    level_of = {(e.a, e.b): lv for e, lv in best.values()}
    for e in used:
        merges.append(_cross_merge(data, e, level_of[(e.a, e.b)]))
    counts = {
        "ads": n,
        "contact_groups": max(group_of, default=-1) + 1,
        "common_shingles": n_common,
        "candidate_pairs": len(cross),
        "random_pairs": len(rand),
        "edges_over_bar": len(best),
        "refused_by_conflict": len(refused),
        "merges": len(merges),
    }
    return LinkResult(
        facts=facts,
        operation=operation_ids(labels, [f.id for f in facts]),
        merges=merges,
        hubs=contact_hubs + image_hubs,
        unreadable_images=unreadable,
        counts=counts,
        image_hashes=phash,
        model=model,
        pair_data=data,
        contact_group=group_of,
        refused=[(e.a, e.b, e.weight) for e in refused],
    )


def _distinctive(
    shingles: list[np.ndarray], group_of: list[int], options: LinkOptions
) -> tuple[list[np.ndarray], int]:
    if options.rarity == "ads":
        n_groups = max(group_of, default=-1) + 1
        per_group = len(group_of) / max(1, n_groups)
        cap = max(1, round(options.distinctive_groups * per_group))
        return distinctive(shingles, list(range(len(shingles))), cap)
    return distinctive(shingles, group_of, options.distinctive_groups)


def _contact_groups(
    n: int, keys: dict[str, list[int]]
) -> tuple[list[int], list[tuple[int, int, str]]]:
    """Contact group of every ad and the key edges that build the groups."""
    uf = UnionFind(n)
    star: list[tuple[int, int, str]] = []
    for key in sorted(keys, key=lambda k: (k.split(":", 1)[0] != "phone", k)):
        ads = keys[key]
        for j in ads[1:]:
            if uf.union(ads[0], j):
                star.append((ads[0], j, key))
    return _compact(uf.labels()), star


def _reps(members: Iterable[int], group_of: Sequence[int]) -> list[list[int]]:
    by: dict[int, list[int]] = {}
    for i in members:
        g = by.setdefault(group_of[i], [])
        if len(g) < _REPS:
            g.append(i)
    return list(by.values())[:_BUCKET_GROUPS]


def _pairs_across(groups: list[list[int]], out: set[tuple[int, int]]) -> None:
    for x in range(len(groups)):
        for y in range(x + 1, len(groups)):
            for a in groups[x]:
                for b in groups[y]:
                    out.add((min(a, b), max(a, b)))


def _cross_pairs(
    text: list[np.ndarray],
    image_ok: dict[str, list[int]],
    group_of: Sequence[int],
    options: LinkOptions,
) -> list[tuple[int, int]]:
    pairs: set[tuple[int, int]] = set()
    if options.use_text and len(text) > 1:
        sigs = minhash(text, options.num_perm)
        for bucket in lsh_buckets(sigs, options.text_threshold):
            _pairs_across(_reps(bucket, group_of), pairs)
    for _key, ads in sorted(image_ok.items()):
        _pairs_across(_reps(ads, group_of), pairs)
    return sorted(pairs)


def _random_pairs(n: int, k: int) -> list[tuple[int, int]]:
    """``k`` random pairs (every pair when there are fewer), seeded: stable."""
    if n < 2:
        return []
    if n * (n - 1) // 2 <= k:
        return [(a, b) for a in range(n) for b in range(a + 1, n)]
    rng = np.random.default_rng(20_250_101)
    a = rng.integers(0, n, k)
    b = rng.integers(0, n, k)
    keep = a != b
    return list(zip(a[keep].tolist(), b[keep].tolist(), strict=True))


def _contact_merge(a: int, b: int, key: str, lv: list[int], model: FSModel) -> Merge:
    kind, value = key.split(":", 1)
    weight = {"phone": 1.0, "email": 1.0, "handle": 0.9}[kind]
    return Merge(
        a, b, kind, f"shared {kind} {value}", weight, tuple(lv), model.match_weight(lv)
    )


def _cross_merge(data: PairData, e: GroupEdge, lv: list[int]) -> Merge:
    _, detail = pair_levels(data, e.a, e.b)
    if lv[1] >= 3 and (lv[2] < 3 or lv[1] >= lv[2]):
        jac = float(detail["jaccard"])  # type: ignore[arg-type]
        kind, strength = "text", jac
        evidence = (
            f"distinctive text (Jaccard {jac:.2f} on {detail['shared_shingles']} "
            "shared rare word 3-grams)"
        )
    else:
        d = int(detail["photo_distance"])  # type: ignore[call-overload]
        kind, strength = "image", 1.0 - d / 64
        evidence = f"same photo (pHash Hamming distance {d} of 64)"
    return Merge(
        e.a,
        e.b,
        kind,
        f"{evidence}; match weight {e.weight:.1f} bits",
        round(strength, 3),
        tuple(lv),
        round(e.weight, 2),
    )


def operation_ids(labels: Sequence[int], ids: Sequence[str]) -> list[str]:
    """Operation ids derived from the members: a hash of the smallest ad id.

    The same ads give the same id on every run, whatever the input order, so
    decisions recorded against an operation survive relinking.
    """
    smallest: dict[int, str] = {}
    for lab, ad in zip(labels, ids, strict=True):
        if lab not in smallest or ad < smallest[lab]:
            smallest[lab] = ad
    name = {
        lab: "OP-" + hashlib.sha1(ad.encode()).hexdigest()[:12]
        for lab, ad in smallest.items()
    }
    return [name[lab] for lab in labels]
