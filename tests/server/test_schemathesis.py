"""Property-based requests from the OpenAPI document: no 5xx, responses match the schema."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)
from tests.server.conftest import LiveServer

# The global stream never ends by design; everything else is generated against.
ENDLESS = ("/api/events",)


def test_generated_requests_find_no_server_errors(live: LiveServer) -> None:
    auth = {"Authorization": f"Bearer {live.token}"}
    schema = schemathesis.openapi.from_url(f"{live.url}/schema/openapi.json", headers=auth)
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    operations = [r.ok() for r in schema.get_all_operations()]
    tested = 0
    for operation in operations:
        if operation.path in ENDLESS:
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=5, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(base_url=live.url, headers=auth, checks=checks, timeout=20)

        run()
        tested += 1
    assert tested >= 28
