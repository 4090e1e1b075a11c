"""The package builds, passes ``twine check``, and its wheel works when installed.

``python -m build`` runs on a copy of the source tree (a build writes
``*.egg-info`` next to the sources). The wheel is installed, without
dependencies, into a fresh virtual environment that finds torch and sktime in
this interpreter's site-packages through a ``.pth`` file (plain paths, so this
interpreter's editable install of sktime-rnn stays invisible there), and the
conda recipe's smoke test runs against it.
"""

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

import sktime_rnn

ROOT = Path(__file__).parents[1]
VERSION = sktime_rnn.__version__
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", ".tox", "build", "dist", "*.egg-info", "__pycache__",
    "_build", "generated", ".ruff_cache", ".pytest_cache", ".benchmarks",
)  # fmt: skip


def _run(*command, **kwargs):
    result = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=600,
        **kwargs,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    return result


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("packaging")
    source = shutil.copytree(ROOT, tmp / "source", ignore=NOT_SOURCES)
    _run(sys.executable, "-m", "build", "--outdir", tmp / "dist", source)
    return tmp / "dist"


@pytest.fixture(scope="module")
def venv_python(dist, tmp_path_factory):
    """Python of a fresh virtual environment with the built wheel installed."""
    venv = tmp_path_factory.mktemp("venv")
    _run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    purelib = _run(
        python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"
    ).stdout.strip()
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (Path(purelib) / "_host_site_packages.pth").write_text("\n".join(sorted(ours)))
    (wheel,) = dist.glob("*.whl")
    _run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel)
    return python


@pytest.mark.slow
def test_sdist_and_wheel_are_built_with_the_single_sourced_version(dist):
    names = sorted(path.name for path in dist.iterdir())
    assert names == [
        f"sktime_rnn-{VERSION}-py3-none-any.whl",
        f"sktime_rnn-{VERSION}.tar.gz",
    ]


@pytest.mark.slow
def test_twine_check_passes(dist):
    result = _run(sys.executable, "-m", "twine", "check", "--strict", *dist.iterdir())
    assert result.stdout.count("PASSED") == 2


@pytest.mark.slow
def test_wheel_carries_the_package_with_py_typed_and_nothing_else(dist):
    (wheel,) = dist.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "sktime_rnn/py.typed" in names
    assert "sktime_rnn/registry.py" in names
    assert {name.split("/")[0] for name in names} == {
        "sktime_rnn",
        f"sktime_rnn-{VERSION}.dist-info",
    }
    metadata = zipfile.ZipFile(wheel).read(f"sktime_rnn-{VERSION}.dist-info/METADATA")
    assert f"\nVersion: {VERSION}\n" in metadata.decode()
    assert "License-Expression: BSD-3-Clause" in metadata.decode()


@pytest.mark.slow
def test_sdist_carries_docs_examples_tests_and_recipe(dist):
    (sdist,) = dist.glob("*.tar.gz")
    names = {name.split("/", 1)[-1] for name in tarfile.open(sdist).getnames()}
    expected = {
        "LICENSE",
        "CHANGELOG.md",
        "README.md",
        "docs/conf.py",
        "examples/quickstart.py",
        "recipe/meta.yaml",
        "recipe/smoke_test.py",
        "tests/plugin_package/pyproject.toml",
        "sktime_rnn/py.typed",
    }
    assert expected <= names
    assert not any("__pycache__" in name or "_build/" in name for name in names)


@pytest.mark.slow
def test_wheel_imports_in_a_fresh_virtual_environment(venv_python, tmp_path):
    result = _run(
        venv_python,
        "-c",
        "import sktime_rnn; print(sktime_rnn.__version__); print(sktime_rnn.__file__)",
        cwd=tmp_path,  # not the repository root, whose sktime_rnn/ would shadow it
    )
    version, location = result.stdout.split()
    assert version == VERSION
    assert Path(location).is_relative_to(venv_python.parents[1])  # the wheel's copy


@pytest.mark.slow
def test_conda_recipe_smoke_test_passes_against_the_wheel(venv_python, tmp_path):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = _run(venv_python, ROOT / "recipe" / "smoke_test.py", cwd=tmp_path, env=env)
    assert f"sktime-rnn {VERSION}: smoke test passed" in result.stdout


def test_conda_recipe_matches_pyproject():
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    recipe = (ROOT / "recipe" / "meta.yaml").read_text()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    assert "noarch: python" in recipe
    # the version comes from the same place as the wheel's
    pattern = re.search(r"regex_pattern='([^']+)'", recipe).group(1)
    source = (ROOT / "sktime_rnn" / "_version.py").read_text()
    assert re.search(pattern, source).group(1) == VERSION

    run = recipe.split("  run:\n", 1)[1].split("\n  run_constrained:", 1)[0]
    conda_names = {"torch": "pytorch"}
    for requirement in project["dependencies"]:
        name, spec = re.match(r"([A-Za-z0-9_.-]+)(.*)", requirement).groups()
        conda = f"    - {conda_names.get(name, name)} {spec}"
        assert conda in run, f"recipe lacks run requirement {conda.strip()!r}"
    python_min = re.search(r'default\("([0-9.]+)"\)', recipe).group(1)
    assert project["requires-python"] == f">={python_min}"

    for script, target in project.get("scripts", {}).items():
        assert f"    - {script} = {target}\n" in recipe
