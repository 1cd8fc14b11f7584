"""The API tokens page: issue (text shown once), revoke one, revoke all."""

from __future__ import annotations

from typing import Any

from _web_html import login, parse


def _bearer(client: Any, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return int(client.get("/api/v1/auth/me", headers=headers).status_code)


def test_issue_list_and_revoke_tokens(client: Any) -> None:
    csrf = login(client, "cm.north")
    page = client.post(
        "/account/tokens", data={"name": "etl", "days": "7", "csrf_token": csrf}
    )
    assert page.status_code == 200, page.text[:300]
    token = parse(page.text).css_first("#issued-token").text()
    assert token.startswith("nwd_") and _bearer(client, token) == 200
    too_long = client.post(
        "/account/tokens", data={"name": "x", "days": "9999", "csrf_token": csrf}
    )
    assert "lifetime must be" in too_long.text
    long_name = client.post(  # a name is kept whole or refused, never cut
        "/account/tokens", data={"name": "n" * 101, "csrf_token": csrf}
    )
    assert parse(long_name.text).css_first("#issued-token") is None
    assert "The name has 101 characters; give one of at most 100." in long_name.text
    listed = client.get("/account/tokens")
    assert token not in listed.text and "etl" in listed.text
    form = parse(listed.text).css_first("form[action$='/revoke']")
    revoked = client.post(form.attributes["action"], data={"csrf_token": csrf})
    assert revoked.status_code == 303 and _bearer(client, token) == 401
    second = client.post("/account/tokens", data={"name": "two", "csrf_token": csrf})
    other = parse(second.text).css_first("#issued-token").text()
    out = client.post("/account/revoke-all", data={"csrf_token": csrf})
    assert out.status_code == 303 and _bearer(client, other) == 401
    assert client.get("/account/tokens").status_code == 200  # this session stays
    refused = client.post("/account/revoke-all")  # no CSRF token
    assert refused.status_code == 403
