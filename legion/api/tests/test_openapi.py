"""The OpenAPI document lists every answer an operation can give, and the interactive
documentation is served from Legion's own files under the strict CSP."""

import inspect
import re

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


# ------------------------------------------------ what a handler can answer is listed
#
# Two checks together: the fuzz run (test_fuzz.py) fails on any status it receives that
# the document does not list (status_code_conformance); this one reads each handler
# and the functions it reaches, so that statuses random input never provokes (a
# refusal of the workflow, a stale If-Match) are listed too.


def _reached(function, depth: int = 2) -> dict[str, object]:
    """The functions a handler calls, by name, and those its own API helpers call."""
    from legion.api.tests.test_coverage import calls

    found = {}
    for name in calls(function, depth=0):
        target = function.__globals__.get(name)
        if inspect.isfunction(target) or inspect.isclass(target):
            found[name] = target
            if depth and inspect.isfunction(target) and target.__module__.startswith("legion.api"):
                found |= _reached(target, depth - 1)
    return found


def _refuses(function) -> bool:
    """Whether a domain function can refuse with a CaseError (the API's 404/409)."""
    module = inspect.getmodule(function)
    source = inspect.getsource(module) if module else ""
    return any(word in source for word in ("CaseError", "TransitionRefused", "Refused("))


def answers_a_handler_can_give(path: str, method: str, function) -> set[int]:
    """The statuses the handler's code and the API's error handlers can produce."""
    source = inspect.getsource(function)
    reached = _reached(function)
    statuses = {int(s) for s in re.findall(r"Status\((\d{3})", source)} or {200}
    domain = [
        f
        for f in reached.values()
        if inspect.isfunction(f)
        and f.__module__.startswith("legion.")
        and not f.__module__.startswith("legion.api")
    ]
    if "{" in path or "get_case" in reached or "Http404" in source:
        statuses.add(404)
    if any(_refuses(f) for f in domain):
        statuses |= {404, 409}  # CaseError: "not_found" is 404, any other refusal 409
    if (
        "{" in path
        or "payload" in inspect.signature(function).parameters
        or len(inspect.signature(function).parameters) > 1
    ):
        statuses.add(422)
    if {"case_write", "_write"} & set(reached):
        statuses.add(412)
    return statuses


def test_every_answer_a_handler_can_give_is_listed(document):
    from legion.api.tests.test_coverage import handlers

    checked = 0
    for operation, function in handlers().items():
        method, path = operation.split(" ", 1)
        listed = {int(s) for s in document["paths"][path][method.lower()]["responses"]}
        missing = answers_a_handler_can_give(path, method, function) - listed
        assert not missing, f"{operation} can answer {sorted(missing)}, not listed"
        checked += 1
    assert checked == sum(len(m) for m in document["paths"].values())


def test_the_analysis_sees_refusals_and_versions():
    from legion.api.tests.test_coverage import handlers

    known = handlers()
    verify = known["POST /api/v1/cases/{reference}/documents/{document_id}/verification"]
    assert {404, 409, 412, 422} <= answers_a_handler_can_give("/x/{reference}", "POST", verify)
    start = known["POST /api/v1/applicant/drafts"]
    assert 201 in answers_a_handler_can_give("/api/v1/applicant/drafts", "POST", start)
