"""The command line of ``sktime-rnn``: every flag, its help and its default."""

from __future__ import annotations

__all__ = ["build_parser", "positive_int"]

import argparse
import textwrap

from sktime_rnn.cli.csv_file import FILL_GAPS
from sktime_rnn.cli.errors import CommandError, ExitCode
from sktime_rnn.cli.forecasters import BASELINES, MODELS

EPILOG = """\
examples:
  sktime-rnn evaluate --data airline --model lstm --fh 12 --initial 96 --step 12 \\
      --baseline naive-seasonal,ets --out report/
  sktime-rnn evaluate --data sales.csv --time-col date --value-col units \\
      --model gru --param hidden_size=16 --param max_epochs=50 --fh 6
  sktime-rnn evaluate --data stores.csv --id-col store --time-col week \\
      --value-col sales --x-cols price,promo --fill-gaps interpolate --fh 4
  sktime-rnn evaluate --data lynx --fh 1 --step 1 --initial 100   # leave-one-out

data: a CSV file, or the name of any sktime loader (sktime.datasets.load_<name>):
  airline, lynx, shampoo_sales, PBS_dataset, longley, uschange, solar, ...
  Loaders that also give exogenous X (longley, uschange) pass it to the models.
  CSV files: the separator (comma, semicolon, tab, bar) is detected; dates are
  parsed with --date-format or pandas' inference (--dayfirst for 31/01/2020);
  month, quarter and year data get a period index, finer data a regular date
  index whose gaps --fill-gaps fills or refuses. --id-col reads a long-format
  panel (one row per series and time); the network is trained on all series
  at once, and the errors are reported per series and pooled.

baselines: naive (last value), naive-seasonal (value one season back), drift,
  mean, ets (Holt-Winters exponential smoothing, additive trend and season;
  needs statsmodels), theta (needs statsmodels).

report (--out): by_horizon.csv (tidy: forecaster, horizon, metric, value,
  n_folds; pooled over the series of a panel), by_fold.csv (every forecast
  scored), forecasts.csv, folds.csv, overall.csv, by_series.csv (panels),
  summary.json (settings, notes, failures and every metric per horizon),
  error_by_horizon.png, forecasts_by_fold.png. Metrics: MAE, RMSE, MAPE,
  sMAPE, MASE (scale: in-sample seasonal naive error of each fold's training
  window, per series), and for forecasters that predict intervals 90%
  coverage and pinball loss. The table printed shows MAE, RMSE and MASE.

"""


EPILOG += "\nexit codes:\n" + "".join(
    textwrap.fill(
        code.meaning,
        width=79,
        initial_indent=f"  {int(code):<4} ",
        subsequent_indent=" " * 7,
    )
    + "\n"
    for code in ExitCode
)


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting."""

    def error(self, message):
        raise CommandError(message)


def build_parser() -> argparse.ArgumentParser:
    """Return the command's argument parser (``sktime-rnn --help``).

    Examples
    --------
    >>> build_parser().parse_args(["evaluate", "--data", "airline"]).fh
    12
    """
    parser = _Parser(
        prog="sktime-rnn",
        description="sktime forecasters built on PyTorch recurrent networks.",
    )
    parser.add_argument(
        "--debug", action="store_true", help="show tracebacks instead of one line"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    run = commands.add_parser(
        "evaluate",
        help="rolling-origin evaluation, errors per forecast horizon",
        description="Evaluate a recurrent forecaster and baselines by rolling "
        "origin (sktime's ExpandingWindowSplitter / SlidingWindowSplitter) and "
        "report every metric for every step ahead.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _data_flags(run.add_argument_group("data"))
    _model_flags(run.add_argument_group("model"))
    _fold_flags(run.add_argument_group("rolling origin"))
    runtime = run.add_argument_group("output and parallelism")
    runtime.add_argument(
        "--out", help="folder for CSV, JSON and PNG files (checked to be writable)"
    )
    runtime.add_argument(
        "--backend",
        choices=("none", "loky", "dask", "ray"),
        default="none",
        help="run the folds in parallel: joblib's loky, a dask LocalCluster or "
        "ray, with --n-jobs workers of cores/n-jobs torch threads each "
        "(default: none, in order)",
    )
    runtime.add_argument(
        "--n-jobs", type=positive_int, help="parallel workers (default: all cores)"
    )
    runtime.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def positive_int(text, flag=None) -> int:
    """``text`` as an int >= 1, else an error naming ``flag``."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        message = f"expected a positive integer, got {text!r}"
        if flag is None:
            raise argparse.ArgumentTypeError(message)
        raise CommandError(f"{flag}: {message}")
    return value


# ------------------------------------------------------------------ groups
def _data_flags(data) -> None:
    data.add_argument(
        "--data", required=True, help="embedded data set name or path to a CSV file"
    )
    data.add_argument("--time-col", help="CSV column of the time stamps (default: row)")
    data.add_argument("--value-col", help="column of the series (if several)")
    data.add_argument(
        "--x-cols",
        metavar="COL[,COL...]",
        help="comma-separated exogenous columns; the models get their values at "
        "the forecast times from the file",
    )
    data.add_argument(
        "--id-col",
        help="column naming the series of a long-format panel (one row per "
        "series and time)",
    )
    data.add_argument(
        "--date-format",
        metavar="FORMAT",
        help="strftime format of --time-col, e.g. %%d.%%m.%%Y (default: inferred)",
    )
    data.add_argument(
        "--dayfirst",
        action="store_true",
        help="read ambiguous dates day first: 03/04/2020 is 3 April",
    )
    data.add_argument(
        "--fill-gaps",
        choices=FILL_GAPS,
        help="missing time points and empty cells: refuse them with their list "
        "(none, the default), interpolate linearly, or set them to zero",
    )
    data.add_argument("--sep", help="CSV separator (default: detected among , ; tab |)")
    data.add_argument(
        "--decimal",
        help="decimal mark of the numbers (default: , in files separated by ; else .)",
    )
    data.add_argument(
        "--thousands",
        help="thousands separator of the numbers, e.g. , for 2,210 (default: none)",
    )


def _model_flags(model) -> None:
    model.add_argument(
        "--model",
        choices=sorted(MODELS),
        default="lstm",
        help="LSTMForecaster, GRUForecaster or RNNForecaster (default: lstm)",
    )
    model.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="hyper-parameter of the model, repeatable, e.g. --param hidden_size=16; "
        "checked before anything is fitted",
    )
    model.add_argument("--seed", type=int, default=0, help="random_state (default 0)")
    model.add_argument(
        "--baseline",
        default="naive-seasonal",
        help=f"comma-separated baselines: {', '.join(BASELINES)} or none "
        "(default: naive-seasonal)",
    )


def _fold_flags(folds) -> None:
    folds.add_argument(
        "--fh", type=positive_int, default=12, help="forecast steps 1..FH (default 12)"
    )
    folds.add_argument(
        "--cv",
        choices=("expanding", "sliding"),
        default="expanding",
        help="training window that grows from --initial (default), or one of "
        "fixed length --initial that slides",
    )
    folds.add_argument(
        "--initial",
        type=positive_int,
        help="first training window (expanding) or window length (sliding); "
        "default: two thirds of the data",
    )
    folds.add_argument(
        "--step", type=positive_int, help="steps between origins (default: FH)"
    )
    folds.add_argument(
        "--strategy",
        choices=("refit", "update", "no-update_params"),
        default="refit",
        help="refit on every window (default), or fit on the first and update on "
        "the next ones, fine-tuning or only moving the context (runs in order)",
    )
    folds.add_argument(
        "--sp",
        default="auto",
        help="season length for MASE, the seasonal baselines and the network's sp "
        "(default: from the time index, e.g. 12 for months); below --initial",
    )
