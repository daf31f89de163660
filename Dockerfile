# The graph service's HTTP API. Neo4j runs in its own container (see docker-compose.yml);
# this image holds only the Python package and talks to it over Bolt (NEO4J_URI).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Only what the wheel is built from: the package, the seed generator and the Cypher catalog
# (pyproject.toml force-includes cypher/ as graph_service/_cypher).
WORKDIR /src
COPY pyproject.toml README.md ./
COPY graph_service/ graph_service/
COPY seed/ seed/
COPY cypher/ cypher/
COPY viz/ viz/
RUN pip install . \
 && rm -rf /src

# Run as an unprivileged user.
RUN useradd --create-home --uid 10001 --user-group app
USER app
WORKDIR /home/app

EXPOSE 8000

# 200 when Neo4j answers, 503 (so unhealthy) while it does not.
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]

CMD ["graph-service", "serve", "--host", "0.0.0.0", "--port", "8000", "--seed-if-empty"]
