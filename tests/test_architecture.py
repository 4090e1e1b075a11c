"""The layering of the package holds: imports point down, no cycles, no reaching in."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "sktime_rnn"

# a layer may import from the layers after it in this list, never before
LAYERS = ["cli", "evaluation", "forecasting", "training", "networks"]
# third-party packages a layer must not depend on
FORBIDDEN = {"networks": {"pandas", "sktime"}, "training": {"sktime"}}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(path: Path) -> set[str]:
    """Every module imported anywhere in ``path``, in functions too.

    ``from package import submodule`` imports the submodule; it runs the
    package's ``__init__`` first, as any import of a submodule does, which is
    not a dependency on the package's own names.
    """
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{alias.name}" for alias in node.names}
            known = submodules & set(MODULES)
            found |= known or {node.module}
    return found


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down_the_layers(module):
    layer = _layer(module)
    if layer is None:
        return
    for imported in _imports(MODULES[module]):
        if imported.split(".")[0] in FORBIDDEN.get(layer, ()):
            pytest.fail(f"{module} ({layer}) imports {imported}")
        target = _layer(imported)
        if target is not None and LAYERS.index(target) < LAYERS.index(layer):
            pytest.fail(f"{module} ({layer}) imports {imported} ({target})")


def test_there_is_no_import_cycle():
    graph = {
        module: {name for name in _imports(path) if name in MODULES and name != module}
        for module, path in MODULES.items()
    }
    visiting, done = [], set()

    def visit(module):
        if module in visiting:
            cycle = visiting[visiting.index(module) :] + [module]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        visiting.append(module)
        for imported in sorted(graph[module]):
            visit(imported)
        visiting.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


def test_persistence_reaches_no_private_attribute():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "SLF001", "--no-cache"]
        + [str(PACKAGE / "persistence.py"), str(PACKAGE / "forecasting" / "_files.py")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def test_every_module_says_what_it_owns():
    for module, path in MODULES.items():
        docstring = ast.get_docstring(ast.parse(path.read_text()))
        assert docstring and docstring.strip(), f"{module} has no docstring"
