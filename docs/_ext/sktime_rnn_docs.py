"""Sphinx extension of the sktime-rnn docs: pages generated from the code itself.

- ``hyperparameter`` objects and the ``:hp:`` role: ``:hp:`clip_grad_norm```
  links to the entry of that hyper-parameter; a name without an entry is a
  build warning, so the user guide cannot link to a parameter that does not
  exist.
- ``.. sktime-rnn-hyperparameters::`` writes one such entry for every parameter
  of the forecasters, from the Parameters section of their docstring.
- ``.. sktime-rnn-examples::`` writes one section per script in ``examples/``:
  its docstring, then its code, so a new example is documented as soon as it
  exists.
- ``.. sktime-rnn-module-map::`` writes a table of every module of the package
  with the first line of its docstring: what the module owns.
- ``.. sktime-rnn-command-flags::`` writes an ``option`` entry for every flag of
  ``sktime-rnn evaluate``, from the command's own parser, and
  ``.. sktime-rnn-exit-codes::`` a table of its exit codes: a new flag or code
  is documented as soon as it exists.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import re
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from numpydoc.docscrape import NumpyDocString
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

EXAMPLES = Path(__file__).parents[2] / "examples"
logger = logging.getLogger(__name__)


def _parse(directive: SphinxDirective, lines: list[str]) -> list[nodes.Node]:
    container = nodes.section()
    container.document = directive.state.document
    source = directive.get_source_info()[0]
    content = StringList(lines, source=source)
    nested_parse_with_titles(directive.state, content, container)
    return container.children


class HyperparametersDirective(SphinxDirective):
    """One ``hyperparameter`` entry per parameter of the recurrent forecasters."""

    def run(self):
        """Parse the docstring of ``RecurrentForecaster`` into entries."""
        from sktime_rnn import RecurrentForecaster

        doc = NumpyDocString(inspect.getdoc(RecurrentForecaster))
        lines = []
        for param in doc["Parameters"]:
            lines += [f".. hyperparameter:: {param.name}", ""]
            lines += [f"   *{param.type}*", ""]
            lines += [f"   {line}" for line in param.desc] + [""]
        return _parse(self, lines)


class ExamplesDirective(SphinxDirective):
    """A section per example script: its docstring, then its code."""

    def run(self):
        """Read every ``examples/*.py`` into a section."""
        lines = []
        # the quickstart first, then alphabetical
        scripts = sorted(
            EXAMPLES.glob("*.py"), key=lambda p: (p.stem != "quickstart", p.stem)
        )
        for script in scripts:
            self.env.note_dependency(str(script))
            docstring = ast.get_docstring(ast.parse(script.read_text())) or ""
            title, _, body = docstring.partition("\n")
            title = title.rstrip(".") or script.stem
            lines += [f".. _example-{script.stem}:", "", title, "-" * len(title), ""]
            lines += [f"``examples/{script.name}``", ""]
            lines += body.strip().splitlines() + [""]
            lines += [
                f".. literalinclude:: /../examples/{script.name}",
                "   :language: python",
                "",
            ]
        return _parse(self, lines)


class CommandFlagsDirective(SphinxDirective):
    """An ``option`` entry per flag of ``sktime-rnn evaluate``, by group."""

    def run(self):
        """Read the flags from the command's parser."""
        from sktime_rnn.cli import build_parser

        parser = build_parser()
        command = next(
            action
            for action in parser._actions
            if isinstance(action, argparse._SubParsersAction)
        ).choices["evaluate"]
        formatter = command._get_formatter()
        lines = [".. program:: sktime-rnn evaluate", ""]
        for group in command._action_groups:
            actions = [a for a in group._group_actions if a.help != argparse.SUPPRESS]
            actions = [a for a in actions if "--help" not in a.option_strings]
            if not actions:
                continue
            lines += [f".. rubric:: {group.title.capitalize()}", ""]
            for action in actions:
                signature = formatter._format_action_invocation(action)
                lines += [f".. option:: {signature}", ""]
                lines += [f"   {_rst_text(action.help)}", ""]
        return _parse(self, lines)


class ExitCodesDirective(SphinxDirective):
    """A table of the command's exit codes and what each means."""

    def run(self):
        """Read the codes from ``sktime_rnn.cli.ExitCode``."""
        from sktime_rnn.cli import ExitCode

        lines = [".. list-table::", "   :header-rows: 1", "   :widths: 10 30 60", ""]
        lines += ["   * - code", "     - name", "     - when"]
        for code in ExitCode:
            lines += [
                f"   * - {int(code)}",
                f"     - ``{code.name}``",
                f"     - {_rst_text(code.meaning)}",
            ]
        return _parse(self, lines + [""])


class ModuleMapDirective(SphinxDirective):
    """One table row per module of the package: its path and what it owns.

    What a module owns is the first line of its docstring, so the map is
    the code's own account of itself and cannot fall behind it.
    """

    def run(self):
        """List every module under ``sktime_rnn/``, by layer."""
        package = Path(__file__).parents[2] / "sktime_rnn"
        rows = []
        for path in sorted(package.rglob("*.py")):
            tree = ast.parse(path.read_text())
            summary = (ast.get_docstring(tree) or "").strip().splitlines()
            if not summary:
                logger.warning("module %s has no docstring", path)
                continue
            name = path.relative_to(package.parent).as_posix()
            rows += [f"   * - ``{name}``", f"     - {summary[0]}"]
        lines = [".. list-table::", "   :header-rows: 1", "   :widths: 30 70", ""]
        lines += ["   * - module", "     - what it owns", *rows]
        return _parse(self, lines)


def _rst_text(text: str) -> str:
    """Help text as reST: argparse's %% unescaped, markup characters escaped."""
    return re.sub(r"([*|`\\])", r"\\\1", text.replace("%%", "%"))


def _warn_unknown_hyperparameter(app, env, node, contnode):
    """Make ``:hp:`name``` without an entry a warning (Sphinx is silent on it)."""
    if node.get("refdomain") == "std" and node.get("reftype") == "hp":
        logger.warning(
            "no hyper-parameter %r (see docs/hyperparameters.rst)",
            node["reftarget"],
            location=node,
        )


def setup(app):
    """Register the object type, role and directives."""
    app.add_object_type(
        "hyperparameter",
        "hp",
        objname="hyper-parameter",
        indextemplate="pair: %s; hyper-parameter",
    )
    app.add_directive("sktime-rnn-hyperparameters", HyperparametersDirective)
    app.add_directive("sktime-rnn-examples", ExamplesDirective)
    app.add_directive("sktime-rnn-command-flags", CommandFlagsDirective)
    app.add_directive("sktime-rnn-exit-codes", ExitCodesDirective)
    app.add_directive("sktime-rnn-module-map", ModuleMapDirective)
    app.connect("missing-reference", _warn_unknown_hyperparameter)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
