# The two commands a newcomer needs:
#   make run   - set up everything and serve the seeded cluster on http://127.0.0.1:8000
#   make test  - set up everything and run the test suite against a real Neo4j
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test check setup neo4j chromium redis seed serve bench clean-data help

help:
	@echo "make run    set up, start Neo4j, seed the cluster (if empty), serve the API on http://$(HOST):$(PORT)"
	@echo "make test   set up, run the static checks, then the whole test suite against a real Neo4j"
	@echo "make check  the static checks alone: ruff on the tree, mypy strict on graph_service/ and seed/"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

setup: $(VENV)/.installed

neo4j: setup
	$(BIN)/graph-service db install

run: setup neo4j
	GRAPH_SERVICE_MODE=$${GRAPH_SERVICE_MODE:-development} $(BIN)/graph-service serve --host $(HOST) --port $(PORT) --seed-if-empty

# The browser tests drive Debian's Chromium (headless); install it when it is missing.
chromium:
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends chromium; }

# Several workers share sessions and rate limits through Debian's redis-server (tests/test_workers.py).
redis:
	@test -x /usr/bin/redis-server || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends redis-server; }

# Static checks: lint and format rules on the whole tree, strict types on the package and the generator.
check: setup
	$(BIN)/ruff check graph_service seed tests bench scripts
	$(BIN)/mypy

test: check neo4j chromium redis
	$(BIN)/python -m pytest

clean-data:
	-$(BIN)/graph-service db stop
	rm -rf .data
