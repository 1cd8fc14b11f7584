"""One typed settings object, built by a factory.

Settings come, lowest priority first, from defaults, an optional TOML file, and
environment variables with the ``NOWRONGDOOR_`` prefix. Nothing else in the package
reads the environment: callers build a :class:`Settings` with :func:`build_settings`
at the edge (the CLI, the web app factory, a test) and pass it down.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    TomlConfigSettingsSource,
)

from nowrongdoor._privacy import SMALL_CELL_THRESHOLD
from nowrongdoor.errors import UserInputError

__all__ = ["Settings", "build_settings", "export_environment", "PLACEHOLDER_SECRET"]

#: The development-only secret. Refused when ``environment`` is ``production``.
PLACEHOLDER_SECRET = "change-me-development-only"


#: The schemes of a Redis URL (redis-py's ``Redis.from_url``).
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")

#: A memory size as DuckDB reads it (``4GB``, ``512 MiB``).
_SIZE = re.compile(r"(?i)^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$")


class PopulationSettings(BaseModel):
    """The ``[population]`` table: options of ``population score``."""

    model_config = ConfigDict(extra="forbid")

    map: dict[str, Any] | None = Field(
        None,
        description="A column map (`[population.map]`, same keys as a --map file).",
    )
    memory_limit: str | None = Field(
        None,
        description=(
            "DuckDB engine: most memory a run may hold, such as `4GB`; beyond it "
            "DuckDB spills to temp_dir (default: 80% of the machine's RAM)."
        ),
    )
    temp_dir: Path | None = Field(
        None,
        description=(
            "DuckDB engine: where a run spills what does not fit in memory_limit "
            "(default: DuckDB's `.tmp` in the working directory)."
        ),
    )
    threads: int | None = Field(
        None,
        ge=1,
        le=1024,
        description="DuckDB engine: worker threads (default: one per CPU core).",
    )

    @field_validator("memory_limit")
    @classmethod
    def _a_size(cls, value: str | None) -> str | None:
        if value is not None and not _SIZE.match(value):
            raise ValueError(f"{value!r} is not a size such as 4GB or 512MB")
        return value


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
    spark_master: str | None = Field(
        None,
        description=(
            "Spark master URL for the spark engine (spark://host:7077, yarn, "
            "k8s://...); default: a local session on this machine."
        ),
    )
    spark_driver_host: str = Field(
        "127.0.0.1",
        description=(
            "Spark engine: the address executors reach the driver (this process) "
            "on; on a real cluster, this machine's address the workers can reach "
            "(the default, loopback, suits local runs and a cluster on this "
            "machine)."
        ),
    )
    database_url: str | None = Field(
        None,
        description=(
            "SQLAlchemy URL of the care database; default is a SQLite file in "
            "data_dir. PostgreSQL: postgresql+psycopg://user@host:5432/db."
        ),
    )
    database_pool_size: int = Field(
        10,
        ge=1,
        le=1000,
        description=(
            "Care database: connections each process keeps open (as many more "
            "may be opened under load)."
        ),
    )
    database_pool_timeout: float = Field(
        1.5,
        gt=0,
        le=30,
        description=(
            "Care database: seconds a request waits for a free connection when "
            "all are busy before it is answered 503 with Retry-After (keep it "
            "under 2 so a full pool answers quickly instead of hanging)."
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
    audit_keys: list[SecretStr] = Field(
        default_factory=list,
        description=(
            "Keys of the audit chain's HMAC, newest first (at least 32 characters "
            "each); the first signs new events, all verify. Keep them outside the "
            "database. Empty in development: a key is derived from secret_key."
        ),
    )
    audit_checkpoint_file: Path | None = Field(
        None,
        description=(
            "Append-only file of signed audit checkpoints; default "
            "data_dir/audit-checkpoints.jsonl."
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
    population: PopulationSettings = Field(
        default_factory=PopulationSettings,
        description=(
            "Population options; `[population.map]` maps your claims columns, "
            "dates and codes (docs/population.md)."
        ),
    )
    suppression_threshold: int = Field(
        SMALL_CELL_THRESHOLD,
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
    token_max_days: int = Field(
        90,
        ge=1,
        le=3650,
        description="Care service: longest lifetime of an API token, in days.",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description=(
            "Care service: IP addresses (or CIDR networks) of reverse proxies whose "
            "X-Forwarded-For/-Proto headers are believed; other clients' are "
            "ignored. An entry that is not one (a host name) is refused."
        ),
    )
    hsts_seconds: int = Field(
        63_072_000,
        ge=0,
        description=(
            "Care service: Strict-Transport-Security max-age sent on HTTPS "
            "responses (directly, or via a trusted proxy); 0 sends none."
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
    hsds_rate_per_minute: int = Field(
        120,
        ge=1,
        description=(
            "Care service: requests per client address per minute to the public "
            "HSDS directory API (/hsds)."
        ),
    )
    rate_limit_url: str | None = Field(
        None,
        description=(
            "Care service: Redis URL (redis://127.0.0.1:6379/0) of the login rate "
            "limit shared by every worker; none counts per process (the SQLite "
            "demo). If Redis is down, limits fall back to per process, logged."
        ),
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

    metrics_allow: list[str] = Field(
        default_factory=lambda: ["127.0.0.1/32", "::1/128"],
        description=(
            "Care service: networks (CIDR) allowed to read /metrics without the "
            "metrics token."
        ),
    )
    metrics_token: SecretStr | None = Field(
        None,
        description=(
            "Care service: bearer token that also allows reading /metrics "
            "(Authorization: Bearer <token>); none: addresses only."
        ),
    )
    metrics_dir: Path | None = Field(
        None,
        description=(
            "Care service: directory where the workers of `serve --workers N` "
            "share Prometheus metrics (prometheus-client multiprocess mode); "
            "default data_dir/metrics when N > 1."
        ),
    )

    retention_closed_case_days: int = Field(
        3650,
        ge=1,
        description=(
            "Retention: a closed case (and a person left without cases) is purged "
            "this many days after closing; default 10 years, the Medicaid managed "
            "care record retention of 42 CFR 438.3(u)."
        ),
    )
    retention_note_days: int = Field(
        3650,
        ge=1,
        description="Retention: notes on a closed case older than this are purged.",
    )
    retention_declined_referral_days: int = Field(
        365,
        ge=1,
        description="Retention: a referral declined this many days ago is purged.",
    )
    retention_ad_match_lead_days: int = Field(
        180,
        ge=1,
        description=(
            "Retention: an ad-match lead dismissed or never reviewed is purged "
            "this many days after it arrived."
        ),
    )
    retention_ad_text_days: int = Field(
        180,
        ge=1,
        description=(
            "Retention: the text and title of an imported ad (investigator "
            "workspace) are purged this many days after the ad was posted (an "
            "undated ad: after its first import); its contacts, indicators and "
            "links stay."
        ),
    )
    purge_ledger_file: Path | None = Field(
        None,
        description=(
            "Append-only record of purged ids, applied again after a restore; "
            "default data_dir/purge-ledger.jsonl. Keep it with the backups."
        ),
    )

    oidc_issuer: str | None = Field(
        None,
        description=(
            "Single sign-on: the OpenID Connect issuer URL of the plan's identity "
            "provider (its /.well-known/openid-configuration is read); none: "
            "passwords only."
        ),
    )
    oidc_client_id: str | None = Field(
        None, description="Single sign-on: this service's client id at the provider."
    )
    oidc_client_secret: SecretStr | None = Field(
        None,
        description=(
            "Single sign-on: the client secret (none: a public client, PKCE only)."
        ),
    )
    oidc_scopes: str = Field(
        "openid profile email",
        description="Single sign-on: scopes requested from the provider.",
    )
    oidc_username_claim: str = Field(
        "preferred_username",
        description=(
            "Single sign-on: ID-token claim holding the username of a registered user."
        ),
    )
    oidc_groups_claim: str = Field(
        "groups",
        description="Single sign-on: ID-token claim listing the user's groups.",
    )
    oidc_role_map: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Single sign-on: provider group -> role (admin, supervisor, "
            "care_manager, analyst, partner_user); the first matching group wins "
            "and no match is refused."
        ),
    )
    oidc_org_map: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Single sign-on: provider group -> organisation name; the user's "
            "organisation is set from it at each sign-in."
        ),
    )
    oidc_create_users: bool = Field(
        False,
        description=(
            "Single sign-on: create unknown users at first sign-in (just in time); "
            "off: only users an admin registered may sign in."
        ),
    )

    job_interval_minutes: int = Field(
        55,
        ge=1,
        description=(
            "Scheduled jobs: `jobs run` skips a job that succeeded less than this "
            "many minutes ago (on any instance); 55 suits an hourly cron."
        ),
    )
    fhir_sync_minutes: int = Field(
        5,
        ge=1,
        description=(
            "Scheduled jobs: `jobs run` sends referrals to partners' FHIR servers "
            "and polls their Tasks at most this often (run cron at least as often)."
        ),
    )
    backup_dir: Path | None = Field(
        None,
        description=(
            "Scheduled jobs: directory where `jobs run` writes a backup; none: no "
            "backup job."
        ),
    )

    training_course_files: list[Path] = Field(
        default_factory=list,
        description=(
            "Training: the plan's own course YAML files (local modules such as "
            "state law or local partners), read after the shipped courses."
        ),
    )
    training_pass_mark: int = Field(
        80, ge=1, le=100, description="Training: percentage needed to pass a quiz."
    )
    training_attempts_per_day: int = Field(
        3,
        ge=1,
        description="Training: quiz attempts per person, module and UTC day.",
    )
    training_renewal_days: int = Field(
        365,
        ge=1,
        description="Training: a course completion is due for renewal after this.",
    )

    investigate_store_images: bool = Field(
        False,
        description=(
            "Investigator workspace: keep the pictures of imported ads and posters "
            "on disk (by SHA-256, in investigate_image_dir) to show them side by "
            "side; off: only their perceptual hashes are kept and compared in "
            "words. A matched minor's picture is never kept, whatever this says."
        ),
    )
    investigate_image_dir: Path | None = Field(
        None,
        description=(
            "Investigator workspace: folder of the kept pictures, one file per "
            "SHA-256; default data_dir/investigate-images."
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

    @field_validator("metrics_allow", "trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        """Each entry an IP address or network, written the one way it matches.

        A mistyped entry (``10.0.0.300``, ``localhost``, ``10.0.0.0/33``) is
        refused: it would never match a client. A network with host bits set
        (``10.0.0.5/24``) is written as its network (``10.0.0.0/24``), which is
        what it means here and the only form uvicorn's proxy check reads as one.
        """
        written = []
        for i, entry in enumerate(value):
            try:
                if "/" in entry:
                    written.append(str(ipaddress.ip_network(entry, strict=False)))
                else:
                    written.append(str(ipaddress.ip_address(entry)))
            except ValueError:
                raise PydanticCustomError(
                    "not_a_network",
                    "entry {i} ({entry}) is not an IP address or CIDR network "
                    "such as 10.0.0.0/8",
                    {"i": i, "entry": entry[:60]},
                ) from None
        return written

    @field_validator("rate_limit_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(_REDIS_SCHEMES):
            raise PydanticCustomError(
                "not_a_redis_url",
                "must start with redis://, rediss:// or unix:// (such as "
                "redis://127.0.0.1:6379/0)",
            )
        return value

    @field_validator("oidc_issuer")
    @classmethod
    def _issuer_url(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("https", "http") or not parts.netloc:
                raise PydanticCustomError(
                    "not_an_issuer_url",
                    "must be the identity provider's address with https:// "
                    "(such as https://login.example.org/realms/plan)",
                )
        return value

    @field_validator("secret_key")
    @classmethod
    def _refuse_placeholder_secrets(
        cls, value: SecretStr, info: ValidationInfo
    ) -> SecretStr:
        secret = value.get_secret_value()
        if not secret.strip():
            raise PydanticCustomError(
                "empty_secret",
                "it is empty; set NOWRONGDOOR_SECRET_KEY to a long random value "
                "(or leave it unset in development)",
            )
        if info.data.get("environment") == "production" and secret == (
            PLACEHOLDER_SECRET
        ):
            raise PydanticCustomError(
                "placeholder_secret",
                "it is the development placeholder; set "
                "NOWRONGDOOR_SECRET_KEY for production",
            )
        return value

    @property
    def resolved_checkpoint_file(self) -> Path:
        """The audit checkpoint file, defaulting to one in ``data_dir``."""
        if self.audit_checkpoint_file is not None:
            return self.audit_checkpoint_file
        return self.data_dir / "audit-checkpoints.jsonl"

    @property
    def resolved_purge_ledger(self) -> Path:
        """The purge ledger, defaulting to one in ``data_dir``."""
        if self.purge_ledger_file is not None:
            return self.purge_ledger_file
        return self.data_dir / "purge-ledger.jsonl"

    @property
    def resolved_image_dir(self) -> Path:
        """The investigator workspace's picture folder (default in ``data_dir``)."""
        if self.investigate_image_dir is not None:
            return self.investigate_image_dir
        return self.data_dir / "investigate-images"

    @property
    def resolved_database_url(self) -> str:
        """The care database URL, defaulting to a SQLite file in ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'care.db').as_posix()}"


def _check_toml(path: Path) -> None:
    """Refuse a settings file that is not UTF-8 TOML, in one sentence."""
    try:
        tomllib.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise UserInputError(
            f"settings file {path} is not UTF-8 text (byte {exc.start})"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise UserInputError(
            f"settings file {path} is not valid TOML: {exc}".replace("\n", " ")
        ) from None
    except RecursionError:
        raise UserInputError(f"settings file {path} is nested too deeply") from None


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
        UserInputError: ``config_file`` is not UTF-8 TOML.
        pydantic.ValidationError: a value is invalid (the message names the field).
    """
    if config_file is not None and not Path(config_file).is_file():
        raise FileNotFoundError(f"settings file {config_file} does not exist")
    if config_file is not None:
        _check_toml(Path(config_file))

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
    try:
        return _Configured(**values)
    except SettingsError as exc:
        raise UserInputError(_unparsed(exc)) from None


def _unparsed(exc: SettingsError) -> str:
    """One sentence for a ``NOWRONGDOOR_*`` variable that is not the JSON its
    setting (a list or a table) needs; never quotes the value (it may be a key).
    """
    found = re.search(r'field "([A-Za-z0-9_]+)"', str(exc))
    name = found.group(1) if found else "?"
    return (
        f"setting {name}: NOWRONGDOOR_{name.upper()} is not JSON; write a list "
        'as ["a", "b"] and a table as {"key": "value"}'
    )


def export_environment(values: dict[str, str]) -> None:
    """Set process environment variables for worker processes and libraries.

    The one writer of the environment, next to its one reader: ``serve
    --workers N`` exports the settings its workers rebuild and the variables a
    library reads itself (prometheus-client's ``PROMETHEUS_MULTIPROC_DIR``).

    Args:
        values: Variable names and values.
    """
    os.environ.update(values)
