"""The entry point: parse, run, and turn every outcome into an exit code."""

from __future__ import annotations

__all__ = ["main"]

import contextlib
import sys
import warnings

from tqdm.auto import tqdm

from sktime_rnn.cli.errors import CommandError, ExitCode
from sktime_rnn.cli.evaluate import run_evaluate
from sktime_rnn.cli.parser import build_parser


def main(argv=None) -> int:
    """Run the command; return its exit code (see :class:`ExitCode`).

    Parameters
    ----------
    argv : list of str, optional
        The arguments after ``sktime-rnn``; ``sys.argv[1:]`` if None.

    Returns
    -------
    int
        0 ok, 1 internal error, 2 bad input (one line on stderr, nothing
        fitted), 3 some forecasters failed (the others' results are kept),
        130 interrupted.

    Examples
    --------
    >>> main(["evaluate", "--data", "no_such.csv"])
    2
    """
    debug = "--debug" in (sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
        with _quiet_warnings():
            return int(run_evaluate(args))
    except KeyboardInterrupt:
        print("sktime-rnn: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except Exception as error:
        if debug:
            raise
        user_error = isinstance(
            error, CommandError | ValueError | OSError | ImportError
        )
        kind = "" if user_error else f"{type(error).__name__}: "
        message = " ".join(str(error).split()) or type(error).__name__
        print(f"sktime-rnn: error: {kind}{message}", file=sys.stderr)
        return int(ExitCode.BAD_INPUT if user_error else ExitCode.INTERNAL_ERROR)


@contextlib.contextmanager
def _quiet_warnings():
    """Drop sktime's deprecation notices; show other warnings once, on one line."""
    seen = set()

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, FutureWarning | DeprecationWarning):
            return
        text = " ".join(str(message).split())
        if text not in seen:
            seen.add(text)
            tqdm.write(f"sktime-rnn: warning: {text}", file=sys.stderr)

    with warnings.catch_warnings():
        warnings.showwarning = show
        yield
