"""TLS termination as docs/deploy.md describes it: Debian's nginx in front.

nginx (the Debian package; scripts/ensure-services.sh installs it) runs as its
own process on loopback with a self-signed certificate made by the test, in
front of the care app under uvicorn with proxy headers trusted from 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from _net import free_port
from nowrongdoor.care.app import create_app
from nowrongdoor.care.db import Database
from nowrongdoor.care.migrate import upgrade

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HSTS = "max-age=31536000; includeSubDomains"


def _self_signed(tmp: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _serve_app(app: Any, port: int) -> Iterator[None]:
    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            proxy_headers=True,
            forwarded_allow_ips="127.0.0.1",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn failed"
        time.sleep(0.05)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """nginx with TLS in front of the care app; yields ports and the CA file."""
    from nowrongdoor.settings import build_settings

    assert Path(NGINX).exists(), "nginx is missing: run scripts/ensure-services.sh"
    tmp = tmp_path_factory.mktemp("tls")
    settings = build_settings(
        env={}, data_dir=tmp, environment="test", secret_key="tls-proxy-test-key"
    )
    db = Database(settings)
    upgrade(db.engine)
    cert, key = _self_signed(tmp)
    app_port, https_port, http_port = free_port(), free_port(), free_port()
    conf = tmp / "nginx.conf"
    temp = {n: tmp / n for n in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    conf.write_text(
        f"""
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    server {{
        listen 127.0.0.1:{https_port} ssl;
        server_name localhost;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
        add_header Strict-Transport-Security "{HSTS}" always;
        add_header X-Proxy-Request-Id $request_id always;
        client_max_body_size 1m;
        location / {{
            proxy_pass http://127.0.0.1:{app_port};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Request-ID $request_id;
        }}
        location = /metrics {{ deny all; }}
    }}
    server {{
        listen 127.0.0.1:{http_port};
        return 301 https://localhost:{https_port}$request_uri;
    }}
}}
""",
        encoding="utf-8",
    )
    check = subprocess.run(
        [NGINX, "-t", "-c", str(conf), "-p", str(tmp)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    nginx = subprocess.Popen(
        [NGINX, "-c", str(conf), "-p", str(tmp), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in _serve_app(create_app(settings, database=db), app_port):
            deadline = time.monotonic() + 10
            while True:
                try:
                    socket.create_connection(("127.0.0.1", https_port), 1).close()
                    break
                except OSError:
                    assert nginx.poll() is None, "nginx exited"
                    assert time.monotonic() < deadline, "nginx did not listen"
                    time.sleep(0.1)
            yield {"https": https_port, "http": http_port, "ca": cert}
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        db.dispose()


def _client(proxied: dict[str, Any]) -> httpx.Client:
    context = ssl.create_default_context(cafile=str(proxied["ca"]))
    return httpx.Client(
        base_url=f"https://localhost:{proxied['https']}",
        verify=context,
        follow_redirects=False,
    )


def test_https_with_hsts_and_request_id(proxied: dict[str, Any]) -> None:
    with _client(proxied) as http:
        r = http.get("/healthz")
        ready = http.get("/readyz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    assert ready.status_code == 200
    hsts = r.headers["strict-transport-security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    # the app took nginx's request id, so proxy and app logs join
    assert r.headers["x-request-id"] == r.headers["x-proxy-request-id"]


def test_plain_http_is_redirected_to_https(proxied: dict[str, Any]) -> None:
    r = httpx.get(
        f"http://127.0.0.1:{proxied['http']}/login?next=/work", follow_redirects=False
    )
    assert r.status_code == 301
    assert (
        r.headers["location"]
        == f"https://localhost:{proxied['https']}/login?next=/work"
    )


def test_app_sees_https_from_forwarded_proto(proxied: dict[str, Any]) -> None:
    with _client(proxied) as http:
        r = http.get("/api/v1/persons/")  # the app redirects to the canonical URL
    assert r.status_code in (307, 308), r.text[:200]
    assert r.headers["location"].startswith(f"https://localhost:{proxied['https']}/")


def test_metrics_are_not_served_through_the_proxy(proxied: dict[str, Any]) -> None:
    with _client(proxied) as http:
        assert http.get("/metrics").status_code == 403


def test_a_certificate_nobody_trusts_is_refused(proxied: dict[str, Any]) -> None:
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"https://localhost:{proxied['https']}/healthz")
