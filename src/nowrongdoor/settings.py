"""One typed settings object, built by a factory.

Settings come, lowest priority first, from defaults, an optional TOML file, and
environment variables with the ``NOWRONGDOOR_`` prefix. Nothing else in the package
reads the environment: callers build a :class:`Settings` with :func:`build_settings`
at the edge (the CLI, the web app factory, a test) and pass it down.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

__all__ = ["Settings", "build_settings", "PLACEHOLDER_SECRET"]

#: The development-only secret. Refused when ``environment`` is ``production``.
PLACEHOLDER_SECRET = "change-me-development-only"


class Settings(BaseSettings):
    """Every setting nowrongdoor reads, with help text.

    Each field can be set in the TOML file or as ``NOWRONGDOOR_<FIELD>`` in the
    environment (for example ``NOWRONGDOOR_DATABASE_URL``).
    """

    model_config = SettingsConfigDict(
        env_prefix="NOWRONGDOOR_",
        extra="forbid",
        validate_default=True,
    )

    environment: Literal["development", "test", "production"] = Field(
        "development",
        description="Deployment kind; production refuses placeholder secrets.",
    )
    data_dir: Path = Field(
        Path(".nowrongdoor"),
        description="Directory for embedded databases and generated files.",
    )
    engine: Literal["duckdb", "spark"] = Field(
        "duckdb",
        description="Batch engine for population and ads pipelines.",
    )
    database_url: str | None = Field(
        None,
        description=(
            "SQLAlchemy URL of the care database; default is a SQLite file in "
            "data_dir. PostgreSQL: postgresql+psycopg://user@host:5432/db."
        ),
    )
    secret_key: SecretStr = Field(
        SecretStr(PLACEHOLDER_SECRET),
        description="Signs session cookies and CSRF tokens.",
    )
    encryption_keys: list[SecretStr] = Field(
        default_factory=list,
        description=(
            "Fernet keys for person data at rest, newest first; the first encrypts, "
            "all decrypt (key rotation). Empty in development: a key is derived "
            "from secret_key."
        ),
    )
    host: str = Field("127.0.0.1", description="Address `nowrongdoor serve` binds.")
    port: int = Field(8000, ge=1, le=65535, description="Port `serve` listens on.")
    state: str = Field(
        "IN",
        min_length=2,
        max_length=2,
        description="US state whose mandatory-reporting contacts are shown.",
    )
    suppression_threshold: int = Field(
        11,
        ge=1,
        description="Aggregate cells below this value (and above 0) are suppressed.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Logging level; nothing person-level is ever logged."
    )
    ads_max_chars: int = Field(
        200_000,
        ge=1_000,
        description="Ads: an ad text longer than this is reported and skipped.",
    )
    session_minutes: int = Field(
        480, ge=1, description="Care service: a login session lasts this long."
    )
    cookie_secure: bool = Field(
        True,
        description=(
            "Care service: mark the session cookie Secure (HTTPS only; browsers "
            "also accept it on http://localhost)."
        ),
    )
    login_max_failures: int = Field(
        5, ge=1, description="Care service: failed logins in a row before lockout."
    )
    login_lockout_minutes: int = Field(
        15, ge=1, description="Care service: how long a locked account stays locked."
    )
    login_rate_per_minute: int = Field(
        20, ge=1, description="Care service: login attempts per client per minute."
    )
    max_request_bytes: int = Field(
        1_048_576, ge=1024, description="Care service: largest request body accepted."
    )
    api_threads: int = Field(
        4,
        ge=1,
        le=256,
        description=(
            "Care service on PostgreSQL: worker threads per process for the "
            "synchronous route code (fewer threads, less GIL contention; SQLite "
            "keeps AnyIO's default of 40)."
        ),
    )

    pool_routes: list[str] = Field(
        default_factory=list,
        description=(
            "Care service: which team's pool imported worklist rows land in, as "
            "rules `county=<name>:<team>` or `age=<low>-<high>:<team>` (first "
            "match wins); rows no rule matches go to the supervisors' pool. "
            "`care import-worklist --team` overrides them."
        ),
    )

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Settings:
        if (
            self.environment == "production"
            and self.secret_key.get_secret_value() == PLACEHOLDER_SECRET
        ):
            raise ValueError(
                "secret_key is the development placeholder; set NOWRONGDOOR_SECRET_KEY "
                "for production"
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        """The care database URL, defaulting to a SQLite file in ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'care.db').as_posix()}"


def build_settings(
    config_file: Path | None = None,
    env: dict[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Build the settings object.

    Args:
        config_file: Optional TOML file; its keys are the field names.
        env: Environment mapping to read ``NOWRONGDOOR_*`` variables from. ``None``
            means the process environment (read here, at the edge, only).
        **overrides: Field values that win over every other source.

    Returns:
        A validated :class:`Settings`.

    Raises:
        FileNotFoundError: ``config_file`` does not exist.
        pydantic.ValidationError: a value is invalid (the message names the field).
    """
    if config_file is not None and not Path(config_file).is_file():
        raise FileNotFoundError(f"settings file {config_file} does not exist")

    class _Configured(Settings):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            sources: list[PydanticBaseSettingsSource] = [init_settings]
            if env is None:
                sources.append(env_settings)
            if config_file is not None:
                sources.append(
                    TomlConfigSettingsSource(settings_cls, toml_file=config_file)
                )
            return tuple(sources)

    values: dict[str, Any] = dict(overrides)
    if env is not None:
        prefix = "NOWRONGDOOR_"
        for key, value in env.items():
            if key.upper().startswith(prefix):
                name = key[len(prefix) :].lower()
                values.setdefault(name, value)
    return _Configured(**values)
