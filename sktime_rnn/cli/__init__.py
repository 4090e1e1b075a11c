"""The ``sktime-rnn`` command: rolling-origin evaluation per forecast horizon.

``sktime-rnn evaluate --data airline --model lstm --fh 12 --initial 96 --step 12
--baseline naive-seasonal --out report/`` fits the model (and baselines) on
every training window of an expanding-window splitter, prints the errors for
every step ahead and writes CSV tables, a JSON summary and plots to ``report/``.
``--data`` also takes a CSV file: one series, or a long-format panel with
``--id-col``, with exogenous ``--x-cols``.

Exit codes (:class:`ExitCode`): 0 when every forecaster was evaluated; 2 for
bad input, found before anything is fitted and told in one line
``sktime-rnn: error: ...`` (``--debug`` shows the traceback instead); 3 when a
forecaster failed, whose error is printed and written while the others'
results are kept; 1 for an unexpected internal error; 130 when interrupted.

Modules: ``parser`` (the flags), ``data``, ``csv_file`` and ``time_index``
(reading the series), ``forecasters`` (network and baselines, checked up
front), ``folds`` (splitter, season length, parallel backend), ``evaluate``
(the run), ``report`` (what is printed), ``command`` (the entry point).

Examples
--------
>>> main(["evaluate", "--data", "airline", "--sp", "1000"])
2
"""

from sktime_rnn.cli.command import main
from sktime_rnn.cli.errors import CommandError, ExitCode
from sktime_rnn.cli.parser import build_parser

__all__ = ["CommandError", "ExitCode", "build_parser", "main"]
