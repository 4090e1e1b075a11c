"""Sphinx configuration of the sktime-rnn documentation.

Build with ``python -m sphinx -W --keep-going -b html docs docs/_build/html``
(or ``tox -e docs``). The figures of the user guide are drawn at build time by
the scripts in ``docs/figures`` (matplotlib's ``plot`` directive), with tiny
training runs on one torch thread.
"""

import os
import sys
from pathlib import Path

# one torch thread: on a busy 2-core machine two threads are ~10x slower
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

import torch  # noqa: E402

import sktime_rnn  # noqa: E402

torch.set_num_threads(1)
sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "sktime-rnn"
author = "sktime-rnn developers"
copyright = "sktime-rnn developers"  # noqa: A001
release = sktime_rnn.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    # MathJax shipped in a Python package and copied into _static: the pages
    # typeset their maths offline, without a CDN
    "sphinx-mathjax-offline",
    "sphinx.ext.viewcode",
    "numpydoc",
    "matplotlib.sphinxext.plot_directive",
    "sktime_rnn_docs",
]

templates_path = ["_templates"]
exclude_patterns = ["_build"]
root_doc = "index"

# API reference: one page per object, generated from the docstrings
autosummary_generate = True
autodoc_default_options = {"member-order": "bysource"}
numpydoc_show_class_members = False  # methods are listed by the class template
numpydoc_class_members_toctree = False

# figures: drawn by the scripts in docs/figures when the docs are built
plot_include_source = False
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 110)]
plot_rcparams = {"figure.autolayout": True}
# the figures show vanishing gradients on purpose: no GradientWarning for them
plot_pre_code = (
    "import warnings\n"
    "from sktime_rnn.training import GradientWarning\n"
    "warnings.simplefilter('ignore', GradientWarning)\n"
    "warnings.filterwarnings('ignore', 'The default of config', FutureWarning)\n"
)

html_theme = "alabaster"
html_theme_options = {
    "description": "sktime forecasters built on PyTorch recurrent networks",
    "fixed_sidebar": True,
    "page_width": "1100px",
}
html_static_path = []
