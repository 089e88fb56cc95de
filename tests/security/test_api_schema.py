"""Issue 18, item 11: schemathesis generates requests from the API's own OpenAPI schema
(odd strings, NUL bytes, huge numbers, impossible dates) and every one is answered without
a server error, for a signed-in token of another commune and of the staff. Bounded: a fixed
number of examples per operation, no deadline, runs in the suite on both databases."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from dangvien.accounts.services import token_create
from dangvien.api.views import api

from ..conftest import register

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())


@pytest.fixture
def tokens(tree, users):
    register(tree.xa_c1, card="1", cccd="001090012345")
    return [token_create(actor=None, user=u, name="fuzz") for u in (users.an, users.binh)]


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_no_generated_request_gets_a_server_error(case, client, tokens):
    for token in tokens:
        response = client.get(case.formatted_path, case.query or {}, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code < 500, (
            case.method,
            case.formatted_path,
            case.query,
            response.status_code,
        )
