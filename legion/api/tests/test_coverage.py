"""Every domain function a web page calls has an API operation that calls it, or a
written reason why not (legion/api/coverage.py)."""

import ast
import importlib
import inspect
from pathlib import Path

import pytest

from legion.api.api import api
from legion.api.coverage import API_OPERATIONS, NO_API

ROOT = Path(__file__).resolve().parents[2]
FACES = ("workspace", "portal", "accounts")  # apps that are pages, not domain


def web_views() -> list[Path]:
    return sorted(
        p
        for p in ROOT.rglob("*.py")
        if ("views" in p.parts or p.name == "views.py") and "tests" not in p.parts
    )


def services_called_by_pages() -> dict[str, list[str]]:
    """Domain functions imported by the view modules: what the pages call."""
    found: dict[str, list[str]] = {}
    for path in web_views():
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("legion.")):
                continue
            module = importlib.import_module(node.module)
            for alias in node.names:
                obj = getattr(module, alias.name, None)
                if not inspect.isfunction(obj) or not obj.__module__.startswith("legion."):
                    continue
                if obj.__module__.split(".")[1] in FACES:
                    continue
                found.setdefault(f"{obj.__module__}.{obj.__name__}", []).append(path.name)
    return found


def handlers() -> dict[str, object]:
    """'METHOD /api/v1/path' -> the function that answers it."""
    result = {}
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            full = "/api/v1" + (prefix.rstrip("/") + "/" + path.lstrip("/")).rstrip("/")
            full = full.replace("//", "/")
            for operation in path_view.operations:
                for method in operation.methods:
                    result[f"{method} {full}"] = operation.view_func
    return result


def calls(function, depth: int = 2) -> set[str]:
    """Names the function calls, and those its module's own helpers call (two levels):
    an operation may reach its service through a helper such as `_status`."""
    names = {
        node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        for node in ast.walk(ast.parse(inspect.getsource(function).lstrip()))
        if isinstance(node, ast.Call)
    }
    if depth:
        for name in list(names):
            helper = function.__globals__.get(name)
            if inspect.isfunction(helper) and helper.__module__.startswith("legion.api"):
                names |= calls(helper, depth - 1)
    return names


def test_the_views_are_found():
    assert len(web_views()) >= 10
    assert "legion.cases.documents.document_verify" in services_called_by_pages()


def test_every_service_a_page_calls_is_declared():
    called = set(services_called_by_pages())
    declared = set(API_OPERATIONS) | set(NO_API)
    assert not set(API_OPERATIONS) & set(NO_API)
    assert called - declared == set(), "a page calls these: give each an operation or a reason"
    assert declared - called == set(), "declared, but no page calls these any more"


@pytest.mark.parametrize("service", sorted(API_OPERATIONS))
def test_each_mapped_operation_exists_and_calls_its_service(service):
    known = handlers()
    name = service.rsplit(".", 1)[1]
    for operation in API_OPERATIONS[service]:
        assert operation in known, f"no such operation: {operation}"
        assert name in calls(known[operation]), f"{operation} does not call {name}"


def test_every_reason_is_written():
    for service, reason in NO_API.items():
        assert len(reason) > 10, service
