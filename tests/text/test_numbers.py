"""The numeric view's folded run pattern finds what the IGNORECASE one finds."""

from __future__ import annotations

import sys

from nowrongdoor.text import _numbers as numbers
from nowrongdoor.text import normalize, numeric_view


def test_only_look_alikes_fold_into_the_look_alike_class() -> None:
    # The folded text keeps "l", writes "L" as "\u0142", lower-cases the rest:
    # the characters that land on the case-sensitive class [lio|] must be
    # exactly those the IGNORECASE pattern's (?-i:[lIio|O]) matches.
    landing = {
        chr(cp)
        for cp in range(sys.maxunicode + 1)
        if not 0xD800 <= cp <= 0xDFFF
        and chr(cp).replace("L", "\u0142").lower() in ("l", "i", "o", "|")
    }
    assert landing == set("lIio|O")
    # And the one letter written as "\u0142" besides "L" sends a text the slow way.
    owners = {
        chr(cp)
        for cp in range(sys.maxunicode + 1)
        if not 0xD800 <= cp <= 0xDFFF and chr(cp).lower() == "\u0142"
    }
    assert owners <= {"\u0141", "\u0142"}
    assert numbers._folded("\u0141\u00f3d\u017a 903") is None


def test_folded_runs_are_the_ignorecase_runs() -> None:
    from nowrongdoor.synth.ads import generate_gold_ads

    texts = [normalize(r["text"]).text for r in generate_gold_ads(1500, seed=5)]
    texts += [
        "ELEVEN 3LEVEN call Nine0Three eLeVeN L7 l7 ONE TWO THREE I O | LOL",
        "SIX ONE TWO NINE EIGHT EIGHT ZERO FOUR ONE FIVE, TWELVE, TwELVE, 3l2",
        "nine0three for too 3l2 one8eight7 947 l|ol",
    ]
    compared = 0
    for text in texts + [t.upper() for t in texts[:300]]:
        folded = numbers._folded(text)
        if folded is None:
            continue
        compared += 1
        want = [m.span() for m in numbers._RUN.finditer(text)]
        assert [m.span() for m in numbers._RUN_FOLDED.finditer(folded)] == want
        cheap = numbers._CHEAP.search(text) is not None
        assert (numbers._CHEAP_FOLDED.search(folded) is not None) == cheap
    assert compared > 1500


def test_upper_case_l_is_not_a_one_but_eleven_is_eleven() -> None:
    assert numeric_view("ELEVEN L 903 312 1887").text == "11 L 903 312 1887"
    assert numeric_view("nine0three 3l2 one8eight7").text == "903 312 1887"
