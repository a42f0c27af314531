"""What the installed package holds and what it needs: test-data generators stay out
of it, and every third-party package the code imports is declared in pyproject.toml."""

import ast
import fnmatch
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OWN = {"legion", "devtools", "bench", "tests", "conftest", "__future__"}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _imported_top_levels(path: Path) -> set[str]:
    text = path.read_text()
    names = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    # importlib.import_module("faker.providers...") counts as an import too.
    names.update(re.findall(r"import_module\(f?[\"']([\w.]+)", text))
    return {name.split(".")[0] for name in names}


def _packages(include: list[str]) -> list[str]:
    """What setuptools' package finder selects: packages (folders with __init__.py,
    inside packages) whose dotted name matches one of the patterns."""
    found = []
    for init in ROOT.rglob("__init__.py"):
        parts = init.parent.relative_to(ROOT).parts
        if any(part.startswith(".") or part == "node_modules" for part in parts):
            continue
        if all((ROOT.joinpath(*parts[:n]) / "__init__.py").exists() for n in range(1, len(parts))):
            name = ".".join(parts)
            if any(fnmatch.fnmatchcase(name, pattern) for pattern in include):
                found.append(name)
    return found


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_installed_package_holds_no_test_data_generators():
    include = _pyproject()["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = _packages(include)
    assert "legion.identity" in packages
    assert not [p for p in packages if not p.startswith("legion")]
    modules = {p.stem for p in (ROOT / "legion").rglob("*.py")}
    assert "synthetic" not in modules
    assert "training" not in modules


def test_every_imported_package_is_declared_in_pyproject():
    project = _pyproject()["project"]
    requirements = project["dependencies"] + [
        r for extra in project["optional-dependencies"].values() for r in extra
    ]
    declared = {_normalised(re.split(r"[=<>\[;~! ]", r)[0]) for r in requirements}
    distributions = importlib.metadata.packages_distributions()
    undeclared = {}
    for folder in ("legion", "devtools", "bench", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            for top in _imported_top_levels(path) - OWN - set(sys.stdlib_module_names):
                names = distributions.get(top, [top])
                if not declared & {_normalised(n) for n in names}:
                    undeclared.setdefault(top, path.relative_to(ROOT).as_posix())
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"
