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

from pydantic import AliasChoices, Field, SecretStr
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
    path_timeout_s: float = Field(default=5.0, gt=0, le=60, validation_alias=AliasChoices("GRAPH_SERVICE_PATH_TIMEOUT"))
    max_page_size: int = Field(default=200, ge=1, le=10_000, validation_alias=AliasChoices("GRAPH_SERVICE_MAX_PAGE"))
    import_batch_size: int = Field(default=2000, ge=1, le=50_000,
                                   validation_alias=AliasChoices("GRAPH_SERVICE_IMPORT_BATCH"))

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


@lru_cache
def get_settings() -> Settings:
    return Settings()
