"""The layering of the package holds: imports point down, no cycles, no reaching in."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "sktime_rnn"

# a layer may import from the layers after it in this list, never before
LAYERS = ["cli", "evaluation", "forecasting", "training", "networks"]
# forecasting's three groups, in the same order: the sktime glue (the
# package's own modules), the file codec, the fitting engine
GROUPS = ["glue", "_files", "_engine"]
# third-party packages a layer (or group) must not depend on
FORBIDDEN = {
    "networks": {"pandas", "sktime"},
    "training": {"sktime"},
    "_engine": {"sktime"},
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
# the benchmark commands and, apart from them, the research (benchmarks/research)
BENCHMARKS = {
    _module_name(path): path for path in (PACKAGE.parent / "benchmarks").rglob("*.py")
}
KNOWN = MODULES | BENCHMARKS


def _type_checking_blocks(tree: ast.Module) -> set[int]:
    """The ids of the nodes inside ``if TYPE_CHECKING:`` blocks.

    Those imports name types for annotations only and never run, so they are
    no dependency (the model kinds' interface names the plan and the state
    that hold a kind).
    """
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                inside |= {id(child) for child in ast.walk(statement)}
    return inside


def _imports(path: Path) -> set[str]:
    """Every module imported anywhere in ``path``, in functions too.

    ``from package import submodule`` imports the submodule; it runs the
    package's ``__init__`` first, as any import of a submodule does, which is
    not a dependency on the package's own names. Imports for type checking
    only are left out (see :func:`_type_checking_blocks`).
    """
    found = set()
    tree = ast.parse(path.read_text())
    type_only = _type_checking_blocks(tree)
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{alias.name}" for alias in node.names}
            known = submodules & set(KNOWN)
            found |= known or {node.module}
    return found


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "sktime_rnn":  # sktime.forecasting is not ours
        return None
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def _group(module: str) -> str | None:
    """The group of a module of ``forecasting`` (None outside it)."""
    parts = module.split(".")
    if _layer(module) != "forecasting" or len(parts) < 3:
        return None
    return parts[2] if parts[2] in GROUPS else "glue"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down_the_layers(module):
    layer, group = _layer(module), _group(module)
    if layer is None:
        return
    forbidden = FORBIDDEN.get(layer, set()) | FORBIDDEN.get(group, set())
    for imported in _imports(MODULES[module]):
        if imported.split(".")[0] in forbidden:
            pytest.fail(f"{module} ({group or layer}) imports {imported}")
        target = _layer(imported)
        if target is not None and LAYERS.index(target) < LAYERS.index(layer):
            pytest.fail(f"{module} ({layer}) imports {imported} ({target})")
        to_group = _group(imported)
        if group and to_group and GROUPS.index(to_group) < GROUPS.index(group):
            pytest.fail(f"{module} ({group}) imports {imported} ({to_group})")


@pytest.mark.parametrize(
    "modules", [MODULES, BENCHMARKS], ids=["package", "benchmarks"]
)
def test_there_is_no_import_cycle(modules):
    graph = {
        module: {name for name in _imports(path) if name in modules and name != module}
        for module, path in modules.items()
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


def test_the_benchmark_commands_import_no_research():
    for module, path in BENCHMARKS.items():
        if module.startswith("benchmarks.research"):
            continue
        research = [i for i in _imports(path) if i.startswith("benchmarks.research")]
        assert not research, f"{module} imports {research}"


def test_persistence_reaches_no_private_attribute():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "SLF001", "--no-cache"]
        + [str(PACKAGE / "persistence.py"), str(PACKAGE / "forecasting" / "_files")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def test_every_module_says_what_it_owns():
    for module, path in MODULES.items():
        docstring = ast.get_docstring(ast.parse(path.read_text()))
        assert docstring and docstring.strip(), f"{module} has no docstring"
