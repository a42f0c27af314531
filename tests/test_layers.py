"""Layers without cycles: legion's apps depend downwards only.

The import graph is built from the source (every import, including those inside
functions and under TYPE_CHECKING), between the parts of the project declared below,
and must point downwards: faces → domain apps → cases → audit → missions →
infrastructure. Apps of one layer may use each other, as long as no cycle forms. What
an app above `cases` adds to the case lifecycle (guards, reactions, scope) it registers
at the fan-out point (legion/cases/lifecycle.py, the access policy's scope extensions)
from its AppConfig.ready(), so `cases` never imports it.

A Django app's pages, routes and commands (views, urls, forms, templatetags,
management commands) are a face of that app: they sit in the faces layer whatever
app they live in, so that the identity review pages may use the workspace's layout.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "legion"

# The allowed order, declared once: each layer may import the layers below it.
LAYERS: list[tuple[str, set[str]]] = [
    # Knows nothing of the domain: encryption, formats, locks, the outbox of messages.
    ("infrastructure", {"crypto", "cldr", "ratelimit", "formats", "outbox", "idempotency"}),
    ("missions", {"missions"}),
    # The tamper-evident log (and its break-the-glass grants) that cases writes to.
    ("audit", {"audit"}),
    ("cases", {"cases"}),
    # Domain apps: each registers what it adds to a case's life with `cases`.
    (
        "domain",
        {
            "advisories",
            "interviews",
            "identity",
            "conversation",
            "dataprotection",
            "assisted",
            "accounts",
            "content",
            "dashboard",
            "webhooks",
        },
    ),
    # Faces: pages, API, reports, commands, health checks, the server.
    # (Exports are the reports' CSV files of a queue: DESIGN.md's reports face.)
    ("faces", {"portal", "workspace", "api", "reports", "exports", "operations", "server"}),
    # The project: settings, routes, entry points, demo data and test support.
    (
        "project",
        {"settings", "urls", "asgi", "wsgi", "cli", "__main__", "middleware", "demo", "testing"},
    ),
]
RANK = {part: rank for rank, (_name, parts) in enumerate(LAYERS) for part in parts}
FACES = next(rank for rank, (name, _parts) in enumerate(LAYERS) if name == "faces")
FACE_MODULES = {"views", "urls", "forms", "templatetags", "management", "admin"}


def part_of(module: str) -> str:
    """The part of the project a dotted module name belongs to: its app, or its app's
    face ("identity:face")."""
    names = module.split(".")
    app = names[1] if len(names) > 1 else names[0]
    if len(names) > 2 and names[2] in FACE_MODULES and RANK.get(app, FACES) < FACES:
        return f"{app}:face"
    return app


def rank_of(part: str) -> int:
    return FACES if part.endswith(":face") else RANK[part]


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT.parent).with_suffix("")
    names = list(relative.parts)
    if names[-1] == "__init__":
        names.pop()
    return ".".join(names)


def imported_modules(tree: ast.AST, module: str) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = module.split(".")[: -node.level]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((name, node.lineno))
            # `from legion import crypto` names a module too.
            found += [(f"{name}.{alias.name}", node.lineno) for alias in node.names]
    return [(name, line) for name, line in found if name.startswith("legion.")]


def runtime_files() -> list[Path]:
    return [
        path
        for path in sorted(ROOT.rglob("*.py"))
        if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts)
    ]


def import_graph() -> dict[str, dict[str, list[str]]]:
    """part → imported part → where ("legion/x/y.py:12"), for the runtime code."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in runtime_files():
        where = f"legion/{path.relative_to(ROOT)}"
        module = module_name(path)
        source = part_of(module)
        for name, line in imported_modules(ast.parse(path.read_text()), module):
            target = part_of(name)
            place = f"{where}:{line}"
            known = target.split(":")[0] in RANK
            if known and target != source and place not in graph[source][target]:
                graph[source][target].append(place)
    return graph


def test_every_part_of_legion_has_a_layer():
    apps = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in ROOT.glob("*.py")} - {"__init__"}
    assert (apps | modules) - set(RANK) == set()


def test_apps_depend_downwards_only():
    upward = [
        f"{source} ({LAYERS[rank_of(source)][0]}) imports {target} "
        f"({LAYERS[rank_of(target)][0]}) at {', '.join(where)}"
        for source, targets in import_graph().items()
        for target, where in targets.items()
        if rank_of(target) > rank_of(source)
    ]
    assert upward == []


def test_the_app_graph_has_no_cycle():
    graph = import_graph()
    cycles = []

    def visit(part: str, path: list[str]) -> None:
        for target in graph.get(part, {}):
            if target in path:
                cycle = [*path[path.index(target) :], target]
                cycles.append(" → ".join(cycle))
            elif target not in done:
                visit(target, [*path, target])
        done.add(part)

    done: set[str] = set()
    for part in list(graph):
        if part not in done:
            visit(part, [part])
    assert sorted(set(cycles)) == []


def test_cases_reaches_other_apps_only_through_the_fan_out_point():
    """Nothing under legion/cases (its faces aside) names an app above it: guards and
    reactions come in through lifecycle.py's registries."""
    above = {
        target: where
        for target, where in import_graph()["cases"].items()
        if rank_of(target) > RANK["cases"]
    }
    assert above == {}


@pytest.mark.django_db
def test_every_guard_the_table_names_is_provided_by_an_app():
    from legion.cases.lifecycle import case_guards_missing

    assert case_guards_missing() == []
