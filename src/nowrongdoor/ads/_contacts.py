"""E-mail addresses and social-media handles (private)."""

from __future__ import annotations

import re

from nowrongdoor.ads._span import Span
from nowrongdoor.text import CaselessPattern, lower_text

__all__ = ["find_emails", "find_handles", "PLATFORMS"]

_TLDS = (
    "com|net|org|edu|gov|io|co|us|me|info|biz|xyz|ca|uk|de|fr|mx|app|email|live|"
    "icloud|online|site|club|ru|in"
)
_AT = r"(?:\s*@\s*|\s*[\(\[\{<]\s*at\s*[\)\]\}>]\s*|\s+at\s+|\s*\(@\)\s*)"
_DOT = r"(?:\s*\.\s*|\s*[\(\[\{<]\s*dot\s*[\)\]\}>]\s*|\s+dot\s+)"
# Addresses, platforms and handles are read in lower case: these patterns run
# on the lower-cased text when it keeps every offset (CaselessPattern.fast).
_EMAIL = CaselessPattern(
    rf"(?<![\w.+-])(?P<user>[a-z0-9][a-z0-9._+-]{{0,63}})"
    rf"{_AT}(?P<domain>[a-z0-9-]{{2,63}}(?:{_DOT}[a-z0-9-]{{2,63}})*?)"
    rf"{_DOT}(?P<tld>{_TLDS})(?![a-z0-9])"
)
_SPACES_DOT = re.compile(r"\s*(?:\.|[\(\[\{<]\s*dot\s*[\)\]\}>]|\s+dot\s+)\s*", re.I)
# " at " forms are everyday English ("meet me at home dot"): require a mail host.
_MAIL_HOSTS = frozenset(
    "gmail yahoo hotmail outlook aol icloud protonmail proton live msn ymail "
    "mail gmx zoho yandex comcast att sbcglobal verizon".split()
)

#: Platform names and the words ads use for them.
PLATFORMS: dict[str, tuple[str, ...]] = {
    "instagram": ("instagram", "insta", "ig"),
    "snapchat": ("snapchat", "snap", "sc"),
    "kik": ("kik",),
    "telegram": ("telegram", "tg", "tele"),
    "whatsapp": ("whatsapp", "whats app", "wa", "whatsap"),
    "twitter": ("twitter", "x", "tw"),
    "onlyfans": ("onlyfans", "only fans", "of"),
}
_ALIAS = {
    alias: platform for platform, aliases in PLATFORMS.items() for alias in aliases
}
_ALIAS_RE = "|".join(
    re.escape(a).replace(r"\ ", r"\s?") for a in sorted(_ALIAS, key=len, reverse=True)
)
# Short aliases (ig, sc, x, of, wa, tg, tw) need a colon, dash or @ after them.
_SHORT = {"ig", "sc", "x", "of", "wa", "tg", "tw", "tele", "snap", "insta"}
_HANDLE = CaselessPattern(
    rf"(?<![\w@])(?P<alias>{_ALIAS_RE})(?![a-z0-9_])"
    rf"(?P<sep>\s*(?:(?:me|at|is|name)\s*)?(?:[:=\-~>]+\s*)?|\s+)"
    rf"(?P<at>@\s?)?(?P<handle>[a-z0-9][a-z0-9._]{{1,29}})(?![\w@])"
)
_URL = CaselessPattern(
    r"(?<![\w.])(?:https?://)?(?:www\.)?(?P<site>instagram\.com|snapchat\.com/add|"
    r"t\.me|kik\.me|onlyfans\.com|twitter\.com|x\.com|wa\.me)/"
    r"(?P<handle>[a-z0-9][a-z0-9._]{1,29})"
)
_URL_PLATFORM = {
    "instagram.com": "instagram",
    "snapchat.com/add": "snapchat",
    "t.me": "telegram",
    "kik.me": "kik",
    "onlyfans.com": "onlyfans",
    "twitter.com": "twitter",
    "x.com": "twitter",
    "wa.me": "whatsapp",
}
# Words that follow a platform name but are not handles.
_NOT_HANDLES = frozenset(
    "me only is are and or the for to at in on my me: me. available please pls "
    "msg message text call dm add also too now here just".split()
)


# A spelled "at" as _AT writes it: " at " or "(at)", set off by spaces or brackets.
_SPACES = re.compile(r"\s+")
_SPELLED_AT = re.compile(r"[\s(\[{<]at[\s)\]}>]")


def _spelled_possible(folded: str, lower: str | None) -> bool:
    """False when no address can be found in a text without "@".

    Without "@", a match needs a spelled "at" (:data:`_SPELLED_AT`) and is kept
    only when its host is a mail host, so one of those must be in the text
    (checked on ``lower`` only, where case folding is exact).
    """
    if _SPELLED_AT.search(folded) is None:
        return False
    return lower is None or any(host in lower for host in _MAIL_HOSTS)


def find_emails(text: str, lower: str | None = None) -> list[Span[str]]:
    """Find e-mail addresses, also spelled out ("name at gmail dot com").

    Args:
        text: Normalised ad text.
        lower: ``nowrongdoor.text.lower_text(text)``, if the caller has it.

    Returns:
        Lower-case addresses with spans in ``text``.
    """
    hits: list[Span[str]] = []
    if lower is None:
        lower = lower_text(text)
    if "@" not in text and not _spelled_possible(lower or text.lower(), lower):
        return hits
    for m in _EMAIL.finditer_spans(text, lower):
        domain = _SPACES_DOT.sub(".", m.group("domain")).lower()
        spelled = "@" not in m.group(0)
        if spelled and domain.split(".")[0] not in _MAIL_HOSTS:
            continue
        value = f"{m.group('user').lower()}@{domain}.{m.group('tld').lower()}"
        hits.append(Span(value, m.start(), m.end()))
    return hits


def find_handles(text: str, lower: str | None = None) -> list[Span[str]]:
    """Find social-media handles as ``platform:handle`` (lower case).

    Args:
        text: Normalised ad text.
        lower: ``nowrongdoor.text.lower_text(text)``, if the caller has it.

    Returns:
        Handles with spans in ``text``.
    """
    hits: list[Span[str]] = []
    if lower is None:
        lower = lower_text(text)
    for m in _URL.finditer_spans(text, lower):
        platform = _URL_PLATFORM[m.group("site").lower()]
        hits.append(Span(f"{platform}:{m.group('handle').lower()}", m.start(), m.end()))
    for m in _HANDLE.finditer_spans(text, lower):
        written = text[m.start("alias") : m.end("alias")]  # case as written
        alias = _SPACES.sub(" ", written.lower())
        found = _ALIAS.get(alias) or _ALIAS.get(alias.replace(" ", ""))
        if found is None:
            continue
        platform = found
        handle = m.group("handle").lower().rstrip(".")
        sep = m.group("sep")
        if alias in _SHORT and not (sep.strip() or m.group("at")):
            continue
        if (
            alias in ("x", "of")
            and written not in ("X", "OF")
            and not (m.group("at") or ":" in sep)
        ):
            continue
        if handle in _NOT_HANDLES or handle.isdigit():
            continue
        if any(h.start <= m.start() < h.end for h in hits):
            continue
        hits.append(Span(f"{platform}:{handle}", m.start(), m.end()))
    hits.sort(key=lambda h: h.start)
    return hits
