"""Every snippet of the pages on persistence, global models, the command, evaluation
and training runs.

Python snippets are doctests (``>>>``) run with ``doctest.testfile``; console
snippets (``$ sktime-rnn ...``) run the command in-process and must print
every line the page shows (``...`` stands for any lines, or any text within a
line) and end with the exit
code the page implies: the one after ``exit code``, 2 if the page shows an
error line, else 0.
"""

import contextlib
import doctest
import io
import re
import shlex
import textwrap
from pathlib import Path

import pytest

from sktime_rnn.cli import main

DOCS = Path(__file__).parents[1] / "docs"
PAGES = [
    "persistence.rst",
    "global_models.rst",
    "command.rst",
    "user_guide/evaluation.rst",
    "user_guide/training.rst",
]
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def console_snippets(text):
    """``(command, shown output lines)`` of every ``$`` line of console blocks."""
    blocks = re.findall(
        r"^\.\. code-block:: console\n\n((?:[ ]{3}.*\n|\n)+)", text, flags=re.M
    )
    snippets = []
    for block in blocks:
        lines = textwrap.dedent(block).splitlines()
        position = 0
        while position < len(lines):
            line = lines[position]
            if line.startswith("$ "):
                command = line[2:]
                while command.endswith("\\"):
                    position += 1
                    command = command[:-1] + " " + lines[position].strip()
                snippets.append((command, []))
            elif line.strip():
                snippets[-1][1].append(line.strip())
            position += 1
    return snippets


def run_console(command):
    """Run ``sktime-rnn ...`` (optionally ``; echo "exit code $?"``) in-process."""
    program, _, echo = command.partition(";")
    argv = shlex.split(program)
    assert argv[0] == "sktime-rnn", command
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv[1:])
    lines = (out.getvalue() + err.getvalue()).splitlines()
    if echo.strip():
        assert echo.strip() == 'echo "exit code $?"', command
        lines.append(f"exit code {code}")
    return code, [line.strip() for line in lines]


def expected_code(shown):
    codes = [int(line.split()[-1]) for line in shown if line.startswith("exit code")]
    if codes:
        return codes[0]
    return 2 if any(line.startswith("sktime-rnn: error:") for line in shown) else 0


def assert_shows(shown, printed, command):
    """Each shown line is printed, in order; ``...`` skips lines or characters."""
    position = 0
    for line in shown:
        if line == "...":
            continue
        pattern = re.compile(".*".join(map(re.escape, line.split("..."))))
        matches = [
            number
            for number, text in enumerate(printed)
            if number >= position and pattern.fullmatch(text)
        ]
        assert matches, (
            f"{command!r} did not print {line!r}; it printed:\n" + "\n".join(printed)
        )
        position = matches[0] + 1


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES)
def test_every_snippet_of_the_page_runs(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    path = DOCS / page
    failed, attempted = doctest.testfile(
        str(path), module_relative=False, optionflags=FLAGS, raise_on_error=False
    )
    assert failed == 0, f"{failed} of {attempted} doctests of {page} failed"
    snippets = console_snippets(path.read_text())
    assert attempted + len(snippets) >= 5, "the page has fewer snippets than written"
    for command, shown in snippets:
        code, printed = run_console(command)
        assert code == expected_code(shown), (command, printed)
        assert_shows(shown, printed, command)


def test_console_snippets_are_found():
    snippets = console_snippets((DOCS / "command.rst").read_text())
    commands = [command for command, _ in snippets]
    assert len(commands) >= 8
    assert all(command.startswith("sktime-rnn evaluate --data") for command in commands)
    assert expected_code(["sktime-rnn: error: x"]) == 2
    assert expected_code(["...", "exit code 3"]) == 3
