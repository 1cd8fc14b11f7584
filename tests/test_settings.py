from pathlib import Path

import pytest
from pydantic import ValidationError

from nowrongdoor.settings import build_settings


def test_env_prefix_and_toml(tmp_path: Path) -> None:
    toml = tmp_path / "nwd.toml"
    toml.write_text('engine = "spark"\nport = 9000\n')
    s = build_settings(config_file=toml, env={"NOWRONGDOOR_PORT": "9100"})
    assert s.engine == "spark"
    assert s.port == 9100  # environment wins over the file


def test_default_database_is_sqlite_in_data_dir(tmp_path: Path) -> None:
    s = build_settings(env={}, data_dir=tmp_path)
    assert s.resolved_database_url == f"sqlite:///{tmp_path.as_posix()}/care.db"


def test_production_refuses_placeholder_secret() -> None:
    with pytest.raises(ValidationError, match="secret_key"):
        build_settings(env={}, environment="production")


def test_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope.toml"):
        build_settings(config_file=tmp_path / "nope.toml")


def test_unknown_setting_is_refused() -> None:
    with pytest.raises(ValidationError, match="colour"):
        build_settings(env={}, colour="red")


def test_a_variable_that_is_not_the_json_its_setting_needs_is_one_sentence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nowrongdoor.errors import UserInputError

    monkeypatch.setenv("NOWRONGDOOR_ENCRYPTION_KEYS", "not-json-s3cret")
    with pytest.raises(UserInputError) as info:
        build_settings()
    said = str(info.value)
    assert said.startswith("setting encryption_keys: NOWRONGDOOR_ENCRYPTION_KEYS")
    assert "is not JSON" in said and "s3cret" not in said


def test_an_empty_secret_key_is_refused_and_named() -> None:
    from nowrongdoor.errors import first_error

    for env in ({}, {"NOWRONGDOOR_ENVIRONMENT": "production"}):
        with pytest.raises(ValidationError) as info:
            build_settings(env={**env, "NOWRONGDOOR_SECRET_KEY": "  "})
        assert first_error(info.value) == (
            "secret_key",
            "it is empty; set NOWRONGDOOR_SECRET_KEY to a long random value "
            "(or leave it unset in development)",
        )
    with pytest.raises(ValidationError) as info:
        build_settings(env={}, environment="production")
    assert first_error(info.value)[0] == "secret_key"


def test_networks_and_the_redis_url_are_checked_when_read() -> None:
    from nowrongdoor.errors import first_error

    for field, value, said in (
        ("metrics_allow", ["10.0.0.0/8", "x/99"], "entry 1 (x/99) is not an IP"),
        ("rate_limit_url", "127.0.0.1:6379", "must start with redis://"),
    ):
        with pytest.raises(ValidationError) as info:
            build_settings(env={}, **{field: value})
        where, message = first_error(info.value)
        assert where == field and message.startswith(said), message
    fine = build_settings(
        env={},
        metrics_allow=["127.0.0.1/32", "fd00::/8", "10.0.0.1"],
        rate_limit_url="rediss://cache:6380/0",
    )
    assert fine.metrics_allow == ["127.0.0.1/32", "fd00::/8", "10.0.0.1"]


def test_a_mistyped_trusted_proxy_is_refused_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nowrongdoor.errors import first_error

    for bad in ("10.0.0.300", "localhost", "10.0.0.0/33", "*", ""):
        monkeypatch.setenv("NOWRONGDOOR_TRUSTED_PROXIES", f'["10.0.0.1", "{bad}"]')
        with pytest.raises(ValidationError) as info:
            build_settings()
        assert first_error(info.value) == (
            "trusted_proxies",
            f"entry 1 ({bad}) is not an IP address or CIDR network such as 10.0.0.0/8",
        )
    toml = tmp_path / "nwd.toml"
    toml.write_text('trusted_proxies = ["proxy.internal"]\n')
    with pytest.raises(ValidationError) as info:
        build_settings(config_file=toml, env={})
    assert first_error(info.value)[0] == "trusted_proxies"


def test_networks_are_written_the_way_they_match() -> None:
    # uvicorn reads "10.0.0.5/24" (host bits set) as a host name that never
    # matches; the setting keeps the network it means
    fine = build_settings(
        env={},
        trusted_proxies=["10.0.0.5/24", "192.0.2.7", "2001:DB8::1", "fd00::/8"],
        metrics_allow=["10.1.2.3/16"],
    )
    assert fine.trusted_proxies == [
        "10.0.0.0/24",
        "192.0.2.7",
        "2001:db8::1",
        "fd00::/8",
    ]
    assert fine.metrics_allow == ["10.1.0.0/16"]


def test_an_oidc_issuer_without_scheme_or_host_is_refused() -> None:
    from nowrongdoor.errors import first_error

    for bad in ("login.example.org/realms/plan", "https://", "ftp://idp.example"):
        with pytest.raises(ValidationError) as info:
            build_settings(env={}, oidc_issuer=bad)
        where, message = first_error(info.value)
        assert where == "oidc_issuer" and message.startswith(
            "must be the identity provider's address with https://"
        )
    for fine in ("https://login.example.org/realms/plan", "http://localhost:8080"):
        assert build_settings(env={}, oidc_issuer=fine).oidc_issuer == fine
