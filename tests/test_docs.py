"""The documentation builds without a single warning, with its figures drawn.

Builds ``docs/`` as CI does (``sphinx -W --keep-going``) once per test session
and checks what the issue promised: a user guide with the sections below, at
least four figures drawn by code at build time, a reference entry for every
hyper-parameter, an API page per forecaster and a section per example.
"""

import inspect
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sktime_rnn import RecurrentForecaster, all_estimators

ROOT = Path(__file__).parents[1]

GUIDE_SECTIONS = {
    "recurrent_networks": ["The recurrent network", "Back-propagation through time"],
    "gradients": [
        "Why gradients vanish or explode",
        "Gradient clipping",
        "Truncated back-propagation through time",
        "Careful initialisation",
        "Skip connections",
    ],
    "gated_cells": [
        "LSTM with forget gate",
        "LSTM without forget gate",
        "Why a high initial forget bias helps",
        "GRU",
    ],
    "bidirectional": ["Bidirectional encoders", "When it is allowed"],
    "evaluation": [
        "Rolling-origin evaluation, per horizon",
        "Why errors are reported per horizon",
    ],
}


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs") / "html"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    started = time.time()
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html"]
        + ["docs", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert result.returncode == 0, "\n".join(warnings) or result.stderr[-4000:]
    return out, started


def _text(page: Path) -> str:
    return re.sub(r"<[^>]+>", "", page.read_text())


@pytest.mark.parametrize("page, sections", GUIDE_SECTIONS.items())
def test_user_guide_has_its_sections(html, page, sections):
    out, _ = html
    headings = re.findall(
        r"<h[1-3]>(.*?)<a class=\"headerlink\"",
        (out / "user_guide" / f"{page}.html").read_text(),
    )
    headings = [re.sub(r"<[^>]+>", "", heading).strip() for heading in headings]
    assert set(sections) <= set(headings), headings


def test_at_least_four_figures_are_drawn_at_build_time(html):
    out, started = html
    figures = sorted((out / "plot_directive").rglob("*.png"))
    assert len(figures) >= 4
    for figure in figures:
        assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert figure.stat().st_size > 10_000  # a plot, not an empty canvas
        assert figure.stat().st_mtime >= started - 1  # drawn by this build
    shown = "".join(page.read_text() for page in (out / "user_guide").glob("*.html"))
    assert all(figure.name in shown for figure in figures)


def test_every_hyper_parameter_has_an_entry_the_guide_links_to(html):
    out, _ = html
    page = (out / "hyperparameters.html").read_text()
    names = [p for p in inspect.signature(RecurrentForecaster).parameters]
    missing = [name for name in names if f'id="hyperparameter-{name}"' not in page]
    assert not missing
    guide = "".join(page.read_text() for page in (out / "user_guide").glob("*.html"))
    linked = set(re.findall(r'hyperparameters.html#hyperparameter-(\w+)"', guide))
    assert {"clip_grad_norm", "truncation_length", "forget_bias", "init"} <= linked
    assert {"skip_connections", "bidirectional", "cell"} <= linked


def test_api_reference_has_a_page_per_estimator(html):
    out, _ = html
    for name, _ in all_estimators():
        page = out / "generated" / f"sktime_rnn.{name}.html"
        assert "Examples" in _text(page)
    assert (out / "generated" / "sktime_rnn.all_estimators.html").exists()


def test_examples_page_shows_every_example_script(html):
    out, _ = html
    page = (out / "examples.html").read_text()
    for script in (ROOT / "examples").glob("*.py"):
        assert f'id="example-{script.stem.replace("_", "-")}"' in page, script.name
