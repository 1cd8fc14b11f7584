"""A crawler per role: every link reachable from the role's home page (depth
2) answers 200 or a deliberate 403 page - never 404, 422 or 500 - and every
GET form on those pages answers a page: submitted empty, its empty fields are
ignored (200); with bad values, the page names the field (400)."""

from __future__ import annotations

from urllib.parse import urldefrag, urlencode, urlsplit

import pytest
from _web_html import parse

HOMES = {
    "cm.north": "/work",
    "supervisor": "/work",
    "admin": "/admin",
    "analyst": "/dashboard",
    "partner.shelter": "/inbox",
}
#: Links that end the session or leave the site are not followed.
SKIP = ("/logout", "/static/", "/api/", "tel:", "mailto:", "http://", "https://")
#: Enough pages per role to cover every kind of page without a long test.
MAX_PAGES = 60


def _links(html: str) -> list[str]:
    out = []
    for a in parse(html).css("a[href]"):
        href = urldefrag(a.attributes.get("href") or "")[0]
        if href and href.startswith("/") and not href.startswith(SKIP):
            out.append(href)
        elif href.startswith("?"):
            out.append(href)
    return out


def _check(response, url: str, username: str) -> None:
    assert response.status_code in (200, 403), (
        f"{username}: {url} answered {response.status_code}"
    )
    assert response.headers["content-type"].startswith(("text/html", "text/csv")), (
        f"{username}: {url} answered {response.headers['content-type']}"
    )
    if response.status_code == 403:
        assert "You do not have access" in response.text


@pytest.mark.parametrize("username", sorted(HOMES))
def test_every_link_to_depth_two_answers_a_page(sign_in, username):
    user = sign_in(username)
    home = HOMES[username]
    seen: dict[str, int] = {}
    frontier = [home]
    forms: list[tuple[str, list[str]]] = []
    for _depth in range(3):
        following: list[str] = []
        for url in frontier:
            if url in seen or len(seen) >= MAX_PAGES:
                continue
            response = user.get(url, follow_redirects=True)
            _check(response, url, username)
            seen[url] = response.status_code
            if (
                response.status_code != 200
                or "text/html" not in response.headers["content-type"]
            ):
                continue
            page = parse(response.text)
            for form in page.css("main form"):
                if (form.attributes.get("method") or "get").lower() == "get":
                    action = form.attributes.get("action") or urlsplit(url).path
                    names = [
                        n.attributes["name"]
                        for n in form.css("input[name], select[name], textarea[name]")
                        if n.attributes.get("type") not in ("hidden", "checkbox")
                    ]
                    forms.append((action, names))
            base = urlsplit(url).path
            following += [
                base + h if h.startswith("?") else h for h in _links(response.text)
            ]
        frontier = following
    assert len(seen) > 3, f"{username} reached only {sorted(seen)}"
    assert forms, f"{username} met no search or filter form"
    for action, names in {(a, tuple(n)) for a, n in forms}:
        for values in ("", "-1", "x" * 30, "%00'\"<b>"):
            url = f"{action}?{urlencode(dict.fromkeys(names, values))}"
            response = user.get(url, follow_redirects=True)
            allowed = (200,) if values == "" else (200, 400, 403)
            assert response.status_code in allowed, (
                f"{username}: form {url} answered {response.status_code}"
                " (empty fields are ignored)" * (values == "")
            )
            assert response.headers["content-type"].startswith("text/html"), url
