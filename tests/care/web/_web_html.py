"""HTML parsing helpers for the page tests."""

from __future__ import annotations

from typing import Any

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node


def parse(html: str) -> HTMLParser:
    """Parse a page."""
    return HTMLParser(html)


def texts(tree: HTMLParser, selector: str) -> list[str]:
    """Stripped text of every node matching ``selector``."""
    return [" ".join(n.text().split()) for n in tree.css(selector)]


def one(tree: HTMLParser, selector: str) -> Node:
    """The single node matching ``selector`` (fails loudly otherwise)."""
    nodes = tree.css(selector)
    assert len(nodes) == 1, f"{selector!r} matched {len(nodes)} nodes"
    return nodes[0]


def assert_accessible_basics(html: str) -> HTMLParser:
    """Checks every page must pass: language, title, skip link, main landmark,
    one h1, and a label for every visible form control."""
    tree = parse(html)
    assert one(tree, "html").attributes.get("lang") == "en"
    assert one(tree, "head > title").text().strip()
    skip = tree.css_first("a.skip-link")
    assert skip is not None and skip.attributes.get("href") == "#main"
    assert one(tree, "main").attributes.get("id") == "main"
    assert len(tree.css("h1")) == 1, "a page has exactly one h1"
    labelled = {
        n.attributes.get("for") for n in tree.css("label") if n.attributes.get("for")
    }
    for control in tree.css("input, select, textarea"):
        kind = control.attributes.get("type") or ""
        if kind in {"hidden", "submit", "button"}:
            continue
        cid = control.attributes.get("id")
        inside_label = any(p.tag == "label" for p in _ancestors(control))
        assert (
            inside_label
            or (cid and cid in labelled)
            or control.attributes.get("aria-label")
        ), f"form control {control.html[:80]!r} has no label"
    return tree


def _ancestors(node: Node) -> list[Node]:
    out = []
    parent = node.parent
    while parent is not None:
        out.append(parent)
        parent = parent.parent
    return out


def login(client: Any, username: str) -> str:
    """Sign ``client`` in through the login form; returns the CSRF token."""
    from nowrongdoor.care.seed import DEMO_PASSWORD

    page = client.get("/login")
    token = parse(page.text).css_first("input[name=csrf_token]").attributes["value"]
    response = client.post(
        "/login",
        data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 303, response.text[:500]
    home = client.get(response.headers["location"])
    meta = parse(home.text).css_first('meta[name="csrf-token"]')
    assert meta is not None, f"no CSRF token on {response.headers['location']}"
    return str(meta.attributes["content"])


def actions_shown(tree: HTMLParser, selector: str) -> dict[str, str]:
    """Each audit action the cells at ``selector`` show: code -> words.

    Every cell shows the words (``.action-words``, titled with the code) and
    the code beside them (``code.action-code``); the words are never the code.
    """
    cells = tree.css(selector)
    assert cells, f"no audit action at {selector!r}"
    seen: dict[str, str] = {}
    for cell in cells:
        words = cell.css_first(".action-words")
        code = cell.css_first("code.action-code").text()
        assert words.attributes["title"] == f"Action code: {code}"
        assert words.text() != code and " " in words.text(), code
        seen[code] = words.text()
    return seen
