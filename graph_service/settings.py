"""Settings, read from the environment (and an optional ``.env`` file) with pydantic-settings.

Two ways to reach Neo4j:

* ``NEO4J_URI`` set: an external server (Aura, a ``neo4j://`` cluster, a company instance, or the
  docker-compose service), with ``NEO4J_USER`` and ``NEO4J_PASSWORD``.
* ``NEO4J_URI`` unset: the managed local server under ``GRAPH_SERVICE_HOME``, whose password is
  generated on first start and kept in that folder.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings", "PROJECT_ROOT"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # External server. When unset, the managed local server is used.
    neo4j_uri: str | None = Field(default=None, validation_alias=AliasChoices("NEO4J_URI"))
    neo4j_user: str = Field(default="neo4j", validation_alias=AliasChoices("NEO4J_USER"))
    neo4j_password: SecretStr | None = Field(default=None, validation_alias=AliasChoices("NEO4J_PASSWORD"))
    neo4j_database: str = Field(default="neo4j", validation_alias=AliasChoices("NEO4J_DATABASE"))
    neo4j_trusted_ca: Path | None = Field(
        default=None, validation_alias=AliasChoices("GRAPH_SERVICE_NEO4J_TRUSTED_CA"),
        description="A CA certificate (PEM) that signed the server's certificate, for a private cluster: "
                    "with neo4j+s:// or bolt+s:// the certificate is checked against it instead of the system's CAs.",
    )

    # Managed local server.
    home: Path = Field(default=PROJECT_ROOT / ".data", validation_alias=AliasChoices("GRAPH_SERVICE_HOME"))
    neo4j_dist: Path = Field(
        default=PROJECT_ROOT / ".neo4j",
        validation_alias=AliasChoices("GRAPH_SERVICE_NEO4J_DIST"),
        description="Where the Neo4j jars assembled from Maven Central are kept (shared by every home).",
    )
    bolt_port: int = Field(default=7687, ge=1, le=65535, validation_alias=AliasChoices("GRAPH_SERVICE_BOLT_PORT"))
    http_port: int = Field(default=7474, ge=1, le=65535, validation_alias=AliasChoices("GRAPH_SERVICE_HTTP_PORT"))
    heap: str = Field(default="768m", pattern=r"^\d+[kmg]$", validation_alias=AliasChoices("GRAPH_SERVICE_HEAP"))
    pagecache: str = Field(default="256m", pattern=r"^\d+[kmg]$",
                           validation_alias=AliasChoices("GRAPH_SERVICE_PAGECACHE"))
    tx_memory_max: str = Field(default="256m", pattern=r"^\d+[kmg]$",
                               validation_alias=AliasChoices("GRAPH_SERVICE_TX_MEMORY_MAX"))
    tx_memory_total: str = Field(default="512m", pattern=r"^\d+[kmg]$",
                                 validation_alias=AliasChoices("GRAPH_SERVICE_TX_MEMORY_TOTAL"))
    start_timeout: float = Field(default=120.0, gt=0, validation_alias=AliasChoices("GRAPH_SERVICE_START_TIMEOUT"))
    java: str = Field(default="java", validation_alias=AliasChoices("GRAPH_SERVICE_JAVA"))
    mvn: str = Field(default="mvn", validation_alias=AliasChoices("GRAPH_SERVICE_MVN"))

    # Query bounds.
    tx_timeout_s: float = Field(default=30.0, gt=0, le=600, validation_alias=AliasChoices("GRAPH_SERVICE_TX_TIMEOUT"))
    connection_timeout_s: float = Field(default=5.0, gt=0,
                                        validation_alias=AliasChoices("GRAPH_SERVICE_CONNECTION_TIMEOUT"))
    projection_check_s: float = Field(
        default=1.0, ge=0, le=300, validation_alias=AliasChoices("GRAPH_SERVICE_PROJECTION_CHECK"),
        description="How often (s) to look for writes made by other processes; local writes count at once.",
    )
    impressions_check_s: float = Field(
        default=30.0, ge=0, le=3600, validation_alias=AliasChoices("GRAPH_SERVICE_IMPRESSIONS_CHECK"),
        description="How long (s) a process keeps a member's impression counts before it reads them again: "
                    "impressions recorded by other processes count there within this time (its own at once; "
                    "0: read them on every request).",
    )
    path_timeout_s: float = Field(default=5.0, gt=0, le=60, validation_alias=AliasChoices("GRAPH_SERVICE_PATH_TIMEOUT"))
    max_page_size: int = Field(default=200, ge=1, le=10_000, validation_alias=AliasChoices("GRAPH_SERVICE_MAX_PAGE"))
    import_batch_size: int = Field(default=2000, ge=1, le=50_000,
                                   validation_alias=AliasChoices("GRAPH_SERVICE_IMPORT_BATCH"))

    # Who may call the service (docs/security.md).
    mode: Literal["production", "development"] = Field(
        default="production", validation_alias=AliasChoices("GRAPH_SERVICE_MODE"),
        description="In production the service refuses to start without GRAPH_SERVICE_MANAGER_KEY; in "
                    "development a random manager key is generated and kept in <home>/manager-key.",
    )
    manager_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("GRAPH_SERVICE_MANAGER_KEY"),
        description="The cluster manager's key, sent as 'Authorization: Bearer <key>'. At least 24 characters.",
    )
    rate_limit_per_minute: int = Field(
        default=600, ge=1, le=10_000_000, validation_alias=AliasChoices("GRAPH_SERVICE_RATE_LIMIT"),
        description="Requests per minute each key may make on average; above it the service answers 429.",
    )
    rate_burst: int = Field(default=120, ge=1, le=1_000_000, validation_alias=AliasChoices("GRAPH_SERVICE_RATE_BURST"),
                            description="Requests a key may make at once before the per-minute rate applies.")
    login_attempts_per_minute: int = Field(
        default=20, ge=1, le=100_000, validation_alias=AliasChoices("GRAPH_SERVICE_LOGIN_RATE"),
        description="Failed authentications allowed per client address per minute (slows key guessing).",
    )
    max_body_bytes: int = Field(default=1 << 20, ge=1024, le=1 << 30,
                                validation_alias=AliasChoices("GRAPH_SERVICE_MAX_BODY"),
                                description="Largest request body accepted, except for imports (413 above).")
    max_import_bytes: int = Field(default=64 << 20, ge=1024, le=4 << 30,
                                  validation_alias=AliasChoices("GRAPH_SERVICE_MAX_IMPORT_BODY"),
                                  description="Largest body accepted by POST /api/v1/import.")
    session_hours: float = Field(default=8.0, gt=0, le=24 * 30,
                                 validation_alias=AliasChoices("GRAPH_SERVICE_SESSION_HOURS"),
                                 description="How long a browser login lasts.")
    audit_log: Path | None = Field(default=None, validation_alias=AliasChoices("GRAPH_SERVICE_AUDIT_LOG"),
                                   description="The audit log (JSON lines); default <home>/audit.jsonl.")
    # More than one process (docs/operations.md, "Several workers and Redis").
    key_cache_s: float = Field(
        default=1.0, ge=0, le=60, validation_alias=AliasChoices("GRAPH_SERVICE_KEY_CACHE"),
        description="How long (s) a process trusts a member or client key it looked up; a revocation made "
                    "in another process takes effect there within this time (0: look up every request).",
    )
    redis_url: str | None = Field(
        default=None, min_length=1, validation_alias=AliasChoices("GRAPH_SERVICE_REDIS_URL"),
        description="Redis shared by every process (redis://host:port/db): browser sessions and rate limits. "
                    "Unset: kept in this process's memory (one process only).",
    )

    @field_validator("neo4j_uri")
    @classmethod
    def _neo4j_uri(cls, value: str | None) -> str | None:
        from urllib.parse import urlsplit

        schemes = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")  # store/database.URI_SCHEMES
        if value and (urlsplit(value).scheme.lower() not in schemes or not urlsplit(value).hostname):
            raise ValueError(f"NEO4J_URI must be {', '.join(s + '://' for s in schemes)} followed by a host "
                             f"(e.g. neo4j+s://abcd1234.databases.neo4j.io), not {value!r}")
        return value

    @field_validator("manager_key")
    @classmethod
    def _strong_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 24:
            raise ValueError("GRAPH_SERVICE_MANAGER_KEY must be at least 24 characters long")
        return value

    @property
    def development(self) -> bool:
        return self.mode == "development"

    @property
    def audit_log_path(self) -> Path:
        return self.audit_log or self.home / "audit.jsonl"

    @property
    def managed(self) -> bool:
        """True when the service runs its own local Neo4j server."""
        return not self.neo4j_uri

    # Network pages (/viz).
    viz_aggregate_threshold: int = Field(
        default=2000, ge=1, le=1_000_000, validation_alias=AliasChoices("GRAPH_SERVICE_VIZ_AGGREGATE_THRESHOLD"),
        description="Above this many members the ecosystem map shows communities (or subsectors) as single "
                    "nodes with a drill-down, instead of every member.",
    )

    # Global analyses: betweenness, communities, bridges (docs/analytics.md, "Global analyses").
    betweenness_exact_limit: int = Field(
        default=5_000, ge=0, le=10_000_000, validation_alias=AliasChoices("GRAPH_SERVICE_BETWEENNESS_EXACT_LIMIT"),
        description="Up to this many members betweenness is exact (Brandes, igraph: about 2 s at 5,000); "
                    "above, KADABRA's estimate within GRAPH_SERVICE_BETWEENNESS_EPSILON.",
    )
    betweenness_epsilon: float = Field(
        default=0.005, gt=0, lt=1, validation_alias=AliasChoices("GRAPH_SERVICE_BETWEENNESS_EPSILON"),
        description="Above the exact limit, every betweenness is within this of the exact normalised value "
                    "(the time grows as 1/epsilon^2) ...",
    )
    betweenness_delta: float = Field(
        default=0.1, gt=0, lt=1, validation_alias=AliasChoices("GRAPH_SERVICE_BETWEENNESS_DELTA"),
        description="... with probability at least 1 - delta (all members at once).",
    )
    analytics_background: bool = Field(
        default=True, validation_alias=AliasChoices("GRAPH_SERVICE_ANALYTICS_BACKGROUND"),
        description="Compute the global analyses of graphs above GRAPH_SERVICE_ANALYTICS_SYNC_LIMIT in a "
                    "background thread after every change; requests read the latest result.",
    )
    analytics_sync_limit: int = Field(
        default=2_000, ge=0, le=10_000_000, validation_alias=AliasChoices("GRAPH_SERVICE_ANALYTICS_SYNC_LIMIT"),
        description="Graphs of at most this many members get their global analyses computed on the request "
                    "(fresh, well under a second); bigger ones are answered from the background's latest.",
    )
    model_refit_share: float = Field(
        default=0.05, ge=0, le=1, validation_alias=AliasChoices("GRAPH_SERVICE_MODEL_REFIT_SHARE"),
        description="The recommender's link model is refitted (in the background) once this share of the ties "
                    "or of the members at its fit changed; until then it is reused (services/link_models.py).",
    )

    # Mailed introductions (docs/workspace/messages.md): the desk sends them only when a host and a
    # sender are set; the links in them lead to GRAPH_SERVICE_PUBLIC_URL (else the request's origin).
    smtp_host: str | None = Field(default=None, min_length=1, validation_alias=AliasChoices("GRAPH_SERVICE_SMTP_HOST"))
    smtp_port: int = Field(default=587, ge=1, le=65535, validation_alias=AliasChoices("GRAPH_SERVICE_SMTP_PORT"))
    smtp_user: str | None = Field(default=None, validation_alias=AliasChoices("GRAPH_SERVICE_SMTP_USER"))
    smtp_password: SecretStr | None = Field(default=None, validation_alias=AliasChoices("GRAPH_SERVICE_SMTP_PASSWORD"))
    smtp_from: str | None = Field(
        default=None, validation_alias=AliasChoices("GRAPH_SERVICE_SMTP_FROM"),
        description="The sender of the mailed introductions, e.g. 'Cluster manager <manager@cluster.example.lu>'.",
    )
    smtp_starttls: bool = Field(default=True, validation_alias=AliasChoices("GRAPH_SERVICE_SMTP_STARTTLS"),
                                description="Upgrade the connection with STARTTLS before logging in and sending.")
    smtp_timeout_s: float = Field(default=15.0, gt=0, le=300,
                                  validation_alias=AliasChoices("GRAPH_SERVICE_SMTP_TIMEOUT"))
    public_url: str | None = Field(
        default=None, pattern=r"^https?://[^/?#\s]+/?$", validation_alias=AliasChoices("GRAPH_SERVICE_PUBLIC_URL"),
        description="The service's address as members reach it (scheme and host, e.g. https://graph.cluster.lu), "
                    "for the links in mailed introductions; by default the address the manager's browser used.",
    )
    answer_link_days: int = Field(default=14, ge=1, le=90,
                                  validation_alias=AliasChoices("GRAPH_SERVICE_ANSWER_LINK_DAYS"),
                                  description="How long a mailed accept or decline link works.")

    @property
    def smtp_configured(self) -> bool:
        """Whether introductions can be sent by mail (a host and a sender are set)."""
        return bool(self.smtp_host and self.smtp_from)


@lru_cache
def get_settings() -> Settings:
    return Settings()
