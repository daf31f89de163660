"""Schemathesis against the service's own OpenAPI document, on the real database: no 5xx and no
response that breaks its own schema. A bounded number of examples per operation here; the longer
run is `scripts/fuzz.py`.

The operations are driven from one test (schemathesis' pytest plugin does not load under
pytest 9), each with Hypothesis given a fixed budget and derandomised, so a run is repeatable.
"""

from __future__ import annotations

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from starlette.types import ASGIApp

from graph_service.store.database import Database
from tests.factories import MANAGER, small_document

EXAMPLES_PER_OPERATION = 10
# No 5xx, every status code documented, every response body valid against its schema. (Whether
# a schema-valid request may still be refused -- a 422 for a path from a member to itself, a 409
# for a transition the lifecycle forbids -- is a business rule, not a contract breach.)
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


def fuzz(app: ASGIApp, examples: int, *, headers: dict[str, str], derandomize: bool = True) -> list[str]:
    """Run every operation ``examples`` times with ``headers`` (the credentials); return the
    failures, one line each."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, derandomize=derandomize, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=CHECKS, headers=headers)

        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc).strip()[:2000]}")
    return failures


def test_api_keeps_its_contract(client: TestClient) -> None:
    assert client.post("/api/v1/import", json=small_document()).status_code == 200
    failures = fuzz(client.app, EXAMPLES_PER_OPERATION, headers=MANAGER)
    assert not failures, "\n\n".join(failures)


def test_api_keeps_its_contract_for_a_member_and_a_client_application(client: TestClient, db: Database) -> None:
    """The same checks through the other roles' code paths (consented views, per-object checks,
    403 and 404 answers), with fewer examples each."""
    from graph_service.services.keys import create_key

    assert client.post("/api/v1/import", json=small_document()).status_code == 200
    member = create_key(db, role="member", member="m-002", name="fuzz")
    site = create_key(db, role="client", name="fuzz")
    failures = []
    for key in (member, site):
        failures += fuzz(client.app, 4, headers={"Authorization": f"Bearer {key.key}"})
    assert not failures, "\n\n".join(failures)
