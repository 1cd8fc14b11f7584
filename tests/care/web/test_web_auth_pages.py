"""Sign-in and sign-out pages, without a browser."""

from __future__ import annotations

from _web_html import assert_accessible_basics, login, parse

from nowrongdoor.care.seed import DEMO_PASSWORD


def _form_token(client) -> str:
    page = client.get("/login")
    return parse(page.text).css_first("input[name=csrf_token]").attributes["value"]


def test_login_page_is_accessible_and_sets_a_form_token(client):
    response = client.get("/login")
    tree = assert_accessible_basics(response.text)
    assert tree.css_first("#username").attributes["autocomplete"] == "username"
    assert "nwd_login_csrf" in response.headers["set-cookie"]


def test_login_lands_on_the_roles_start_page_and_logout_ends_it(client):
    csrf = login(client, "partner.shelter")
    assert client.get("/inbox").status_code == 200
    out = client.post("/logout", data={"csrf_token": csrf})
    assert out.status_code == 303 and out.headers["location"] == "/login?out=1"
    assert client.get("/inbox").status_code == 303


def test_wrong_password_says_so_and_is_audited(client, web_app):
    from sqlalchemy import text

    token = _form_token(client)
    response = client.post(
        "/login",
        data={
            "username": "cm.north",
            "password": "wrong-password-1",
            "csrf_token": token,
        },
    )
    assert response.status_code == 401
    tree = assert_accessible_basics(response.text)
    assert "Wrong username or password" in tree.css_first("#login-error").text()
    assert tree.css_first("#username").attributes["value"] == "cm.north"
    with web_app.state.db.engine.connect() as conn:
        outcome = conn.execute(
            text(
                "select outcome from audit_event where action = 'auth.login' "
                "order by seq desc limit 1"
            )
        ).scalar()
    assert outcome == "failure"


def test_login_without_the_form_token_is_refused(client):
    client.get("/login")
    response = client.post(
        "/login",
        data={"username": "cm.north", "password": DEMO_PASSWORD, "csrf_token": "x"},
    )
    assert response.status_code == 403
    assert "nwd_session" not in response.headers.get("set-cookie", "")


def test_repeated_failures_lock_the_account(client):
    for _ in range(5):
        client.post(
            "/login",
            data={
                "username": "analyst",
                "password": "not-the-password",
                "csrf_token": _form_token(client),
            },
        )
    response = client.post(
        "/login",
        data={
            "username": "analyst",
            "password": DEMO_PASSWORD,
            "csrf_token": _form_token(client),
        },
    )
    assert response.status_code == 423
    assert "locked" in parse(response.text).css_first("#login-error").text()


def test_next_goes_back_to_the_page_but_never_off_site(client):
    token = _form_token(client)
    response = client.post(
        "/login",
        data={
            "username": "cm.north",
            "password": DEMO_PASSWORD,
            "csrf_token": token,
            "next": "/people?q=P-1",
        },
    )
    assert response.headers["location"] == "/people?q=P-1"
    client.cookies.clear()
    token = _form_token(client)
    response = client.post(
        "/login",
        data={
            "username": "cm.north",
            "password": DEMO_PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/x",
        },
    )
    assert response.headers["location"] == "/work"


def test_a_post_without_the_session_csrf_token_is_refused(cm):
    response = cm.client.post("/intake", data={"door": "teacher"})
    assert response.status_code == 403
    assert "CSRF" in parse(response.text).css_first("main").text()


def test_the_api_keeps_its_json_errors(client):
    response = client.get("/api/v1/cases")
    assert response.status_code == 401
    assert response.json()["error"]["code"]


def test_pages_forbid_framing_caching_and_foreign_scripts(cm):
    headers = cm.get("/work").headers
    assert headers["cache-control"] == "no-store"
    assert headers["x-frame-options"] == "DENY"
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_api_docs_and_favicon_are_served_from_this_site(client):
    for path, asset in (
        ("/api/v1/docs", "/api/v1/docs-assets/swagger-ui-bundle.js"),
        ("/api/v1/redoc", "/api/v1/docs-assets/redoc.standalone.js"),
    ):
        page = client.get(path)
        assert page.status_code == 200
        assert asset in page.text
        assert "cdn." not in page.text and "fonts.googleapis" not in page.text
        script = client.get(asset)
        assert script.status_code == 200 and len(script.content) > 100_000
    assert client.get("/api/v1/docs-assets/swagger-ui.css").status_code == 200
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert 'rel="icon"' in client.get("/login").text
