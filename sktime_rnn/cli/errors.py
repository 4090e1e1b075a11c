"""How the ``sktime-rnn`` command ends: exit codes and the error of bad input."""

from __future__ import annotations

__all__ = ["CommandError", "ExitCode"]

import enum


class ExitCode(enum.IntEnum):
    """Exit codes of the command.

    Examples
    --------
    >>> int(ExitCode.BAD_INPUT), int(ExitCode.FORECASTER_FAILED)
    (2, 3)
    """

    #: every forecaster was evaluated
    OK = 0
    #: an unexpected error inside the command (a bug: please report it)
    INTERNAL_ERROR = 1
    #: bad input, found before anything was fitted; one line on stderr
    BAD_INPUT = 2
    #: at least one forecaster failed; the others' results are kept and reported
    FORECASTER_FAILED = 3
    #: stopped with Ctrl-C
    INTERRUPTED = 130


class CommandError(Exception):
    """A bad command line or input file: printed as one line, exit code 2."""
