"""Schemathesis over the API's OpenAPI schema, a bounded run in the normal suite (issue 12,
« fuzzing and faults in CI »): generated requests, valid and invalid, to every endpoint; zero
5xx, every answer's status, content type and body as the schema declares them."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(db, settings):
    from django.core.cache import cache
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    settings.MUTUELLE_RATE_LIMIT_SCALE = 0  # the rate limit has its own tests
    cache.clear()
    # As Django's test client does: the WSGI handler must not close the test's connection at
    # the end of each request (on PostgreSQL that would end the test's transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same run every time: a failure here is reproducible
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_its_schema_says(case) -> None:
    case.call_and_validate(checks=CHECKS)
