"""Property-based tests of the JSON API from its own OpenAPI schema (schemathesis): whatever a client sends,
valid by the schema or deliberately not, the server answers without a 5xx, with a status code the schema
documents, and with a body that matches the response schema it declares.

The operations are driven with hypothesis directly (`APIOperation.as_strategy`) rather than through
schemathesis' pytest plugin, whose lazy fixture loader does not run under pytest 9; that also lets the
store be built in a fixture instead of at import time. Bounded to 25 examples per operation and mode, so
the run stays well under a minute on a 2-core machine.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation import GenerationMode  # noqa: E402

from tests.test_web_api import build_store  # noqa: E402

OPERATIONS = [
    ("POST", "/api/analyze"),
    ("GET", "/api/articles/{article_id}"),
    ("GET", "/api/search"),
    ("GET", "/api/outlets"),
    ("GET", "/api/articles/{article_id}/copies"),
    ("GET", "/api/articles/{article_id}/copies/{other_id}"),
    ("GET", "/api/families"),
    ("GET", "/api/actors"),
    ("GET", "/api/actors/{actor_id}"),
    ("GET", "/api/actors/{actor_id}/framing"),
    ("GET", "/api/claims/{claim_id}/corroboration"),
]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("NEWSPROBE_SCHEMA_EXAMPLES", "25"))  # raise it for a deeper run


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory):
    from newsprobe.core.model import Article
    from newsprobe.corpus.copies import index
    from newsprobe.io.store import Store
    from newsprobe.web import create_app
    from tests.copies_texts import ORIGINAL, proxy_copy

    path: Path = tmp_path_factory.mktemp("schema") / "news.db"
    build_store(path)
    with Store(path) as store:  # a family, so that the copies operations have something to return
        store.add_many([Article(id="a1b2c3d4e5f60718", text=ORIGINAL, outlet="wire.example", published="2024-03-05"),
                        Article(id="a1b2c3d4e5f60719", text=proxy_copy(), outlet="proxy.example")])
        index.update(store)
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(path))


def test_every_operation_is_covered(api_schema) -> None:
    found = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}
    assert found == set(OPERATIONS)


NO_INPUT = {("GET", "/api/outlets")}  # nothing to make invalid: no negative case for these
CASES = [(m, p, mode) for m, p in OPERATIONS for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
         if not (mode is GenerationMode.NEGATIVE and (m, p) in NO_INPUT)]


def test_no_input_operations_really_take_none(api_schema) -> None:
    for method, path in NO_INPUT:
        operation = api_schema[path][method]
        assert not list(operation.iter_parameters()) and not operation.body


@pytest.mark.parametrize(("method", "path", "mode"), CASES,
                         ids=[f"{m} {p}-{'valid' if mode is GenerationMode.POSITIVE else 'invalid'}"
                              for m, p, mode in CASES])
def test_operation_conforms(api_schema, method: str, path: str, mode: GenerationMode) -> None:
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case) -> None:
        case.call_and_validate(checks=CHECKS)

    check()
