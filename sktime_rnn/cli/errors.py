"""How the ``sktime-rnn`` command ends: exit codes and the error of bad input."""

from __future__ import annotations

__all__ = ["CommandError", "ExitCode"]

import enum


class ExitCode(enum.IntEnum):
    """Exit codes of the command; ``meaning`` says when each is given.

    Examples
    --------
    >>> int(ExitCode.BAD_INPUT), int(ExitCode.FORECASTER_FAILED)
    (2, 3)
    >>> ExitCode.FORECASTER_FAILED.meaning.split(";")[0]
    'a forecaster failed'
    """

    OK = 0
    INTERNAL_ERROR = 1
    BAD_INPUT = 2
    FORECASTER_FAILED = 3
    INTERRUPTED = 130

    @property
    def meaning(self) -> str:
        """When the command ends with this code."""
        return _MEANINGS[self]


_MEANINGS = {
    ExitCode.OK: "every forecaster was evaluated",
    ExitCode.INTERNAL_ERROR: "unexpected internal error (a bug; --debug shows the "
    "traceback)",
    ExitCode.BAD_INPUT: "bad input, found before anything was fitted: one line "
    "'sktime-rnn: error: ...' on stderr",
    ExitCode.FORECASTER_FAILED: "a forecaster failed; the others' results are "
    "printed and written, its error is in the printed table and in summary.json",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
}


class CommandError(Exception):
    """A bad command line or input file: printed as one line, exit code 2."""
