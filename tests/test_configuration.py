"""Every environment variable Legion reads is read in legion/settings.py, through its typed
helpers, and documented in docs/configuration.md with a default and a meaning."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "legion" / "settings.py"
DOCS = ROOT / "docs" / "configuration.md"
# The helpers: every function of the settings module whose name starts with "env".
HELPER_PREFIX = "env"
# Boilerplate that names the settings module before Django starts; not a setting.
ALLOWED_ELSEWHERE = {"legion/cli.py", "legion/wsgi.py", "legion/asgi.py"}


def helpers(tree: ast.Module) -> set[str]:
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith(HELPER_PREFIX)
    }


def helper_nodes(tree: ast.Module) -> set[int]:
    """Ids of the nodes inside the helpers' own definitions."""
    inside = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith(HELPER_PREFIX):
            inside.update(id(child) for child in ast.walk(node))
    return inside


def settings_variables(source: str) -> set[str]:
    """The names passed to the env helpers; raises on a helper called with a computed name."""
    names = set()
    tree = ast.parse(source)
    inside = helper_nodes(tree)
    names_of_helpers = helpers(tree)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", None) in names_of_helpers
            and id(node) not in inside
        ):
            first = node.args[0] if node.args else None
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                raise AssertionError(
                    f"line {node.lineno}: env helpers take the variable's name as a literal"
                )
            names.add(first.value)
    return names


def environ_reads_outside_helpers(source: str) -> list[int]:
    """Lines that touch os.environ / os.getenv other than inside an env* helper."""
    tree = ast.parse(source)
    inside = helper_nodes(tree)
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in ("environ", "getenv")
        and getattr(node.value, "id", None) == "os"
        and id(node) not in inside
    ]


def documented_variables() -> dict[str, tuple[str, str]]:
    rows = {}
    for line in DOCS.read_text().splitlines():
        match = re.match(r"^\| `([A-Z][A-Z0-9_]*)` \|([^|]*)\|([^|]*)\|$", line)
        if match:
            rows[match[1]] = (match[2].strip(), match[3].strip())
    return rows


def test_every_variable_read_in_settings_is_documented_with_default_and_meaning():
    read = settings_variables(SETTINGS.read_text())
    documented = documented_variables()
    missing = sorted(read - documented.keys())
    assert not missing, f"read in legion/settings.py but not in docs/configuration.md: {missing}"
    stale = sorted(documented.keys() - read)
    assert not stale, f"documented in docs/configuration.md but read nowhere: {stale}"
    for name, (default, meaning) in documented.items():
        assert default and meaning, f"{name} needs a default and a meaning"


def test_settings_read_the_environment_only_through_the_helpers():
    assert environ_reads_outside_helpers(SETTINGS.read_text()) == []


def test_the_check_catches_an_undocumented_variable():
    source = SETTINGS.read_text() + '\nLEGION_SOMETHING_NEW = envint("LEGION_SOMETHING_NEW", "3")\n'
    assert "LEGION_SOMETHING_NEW" in settings_variables(source) - documented_variables().keys()
    source += 'SNEAKY = os.environ.get("SNEAKY")\n'
    assert len(environ_reads_outside_helpers(source)) == 1


def test_no_other_module_reads_the_environment():
    offenders = []
    for path in sorted((ROOT / "legion").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative == "legion/settings.py" or "/tests/" in relative or "/migrations/" in relative:
            continue
        source = path.read_text()
        if re.search(r"os\.environ|os\.getenv|getenv\(", source):
            if relative in ALLOWED_ELSEWHERE and re.findall(r"os\.environ\S*", source) == [
                'os.environ.setdefault("DJANGO_SETTINGS_MODULE",'
            ]:
                continue
            offenders.append(relative)
    assert offenders == [], "read settings through legion/settings.py, not os.environ"
