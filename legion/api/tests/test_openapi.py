"""The OpenAPI document lists every answer an operation can give, and the interactive
documentation is served from Legion's own files under the strict CSP."""

import pytest
from django.test import Client

from legion.api import applicant, conversation, decisions, documents, schemas
from legion.api.api import api
from legion.api.examples import EXAMPLES


@pytest.fixture
def document(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_lists_the_common_errors(document):
    for path, method, operation in operations(document):
        listed = set(operation["responses"])
        assert {"400", "401", "403", "413", "429"} <= listed, (method, path, listed)


def test_every_post_takes_an_idempotency_key_and_case_writes_an_if_match(document):
    for path, method, operation in operations(document):
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        if method == "post":
            assert "Idempotency-Key" in headers, path
        if method == "post" and "{reference}" in path:
            assert "If-Match" in headers, path
            assert "412" in operation["responses"], path


def referenced_schemas(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"].rsplit("/", 1)[-1]
        for value in node.values():
            yield from referenced_schemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from referenced_schemas(value)


def test_every_request_and_answer_of_every_operation_has_an_example(document):
    components = document["components"]["schemas"]
    for path, method, operation in operations(document):
        shapes = set(referenced_schemas(operation.get("requestBody", {})))
        for status in ("200", "201"):
            shapes |= set(referenced_schemas(operation["responses"].get(status, {})))
        for name in shapes:
            assert components[name].get("examples"), (method, path, name)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_example_is_a_valid_value_of_its_shape(name):
    modules = (schemas, decisions, documents, conversation, applicant)
    shape = next(getattr(m, name) for m in modules if hasattr(m, name))
    shape.model_validate(EXAMPLES[name])


def test_the_document_names_only_shapes_that_exist():
    assert set(EXAMPLES) <= set(api.get_openapi_schema()["components"]["schemas"])


def test_the_docs_page_loads_nothing_from_other_origins(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html and "https://" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.browser
def test_the_interactive_docs_work_in_chromium_under_the_csp(page):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(f"failed {r.url}"))
    page.goto("/api/v1/docs")
    page.wait_for_selector(".opblock-summary", timeout=20000)
    summaries = page.locator(".opblock-summary-path").all_inner_texts()
    assert any(
        "/api/v1/cases/{reference}/transitions" in s.replace("\u200b", "") for s in summaries
    )
    page.locator(".opblock-summary").first.click()
    page.wait_for_selector(".opblock-body", timeout=10000)
    assert not [p for p in problems if "Content Security Policy" in p or "failed" in p], problems
    page.screenshot(path="var/screenshots/api-docs.png", full_page=False)
