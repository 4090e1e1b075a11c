"""The ``sktime-rnn`` command: rolling-origin evaluation per forecast horizon.

``sktime-rnn evaluate --data airline --model lstm --fh 12 --initial 96 --step 12
--baseline naive-seasonal --out report/`` fits the model (and baselines) on
every training window of an expanding-window splitter, prints the errors for
every step ahead and writes CSV tables, a JSON summary and plots to ``report/``.
Bad input ends the command with one line ``sktime-rnn: error: ...`` and exit
code 2; ``--debug`` shows the traceback instead.

Examples
--------
>>> main(["evaluate", "--data", "no_such.csv"])
2
"""

from __future__ import annotations

__all__ = ["build_parser", "main"]

import argparse
import contextlib
import os
import sys
import time
import warnings

from tqdm.auto import tqdm

from sktime_rnn._cli_data import load_series, seasonal_period
from sktime_rnn._cli_inputs import (
    BASELINES,
    MODELS,
    CommandError,
    make_baselines,
    make_cv,
    make_model,
    parallel_backend,
)

PRINTED_METRICS = ("MAE", "RMSE", "MASE")

_EPILOG = """\
examples:
  sktime-rnn evaluate --data airline --model lstm --fh 12 --initial 96 --step 12 \\
      --baseline naive-seasonal,ets --out report/
  sktime-rnn evaluate --data sales.csv --time-col date --value-col units \\
      --model gru --param hidden_size=16 --param max_epochs=50 --fh 6
  sktime-rnn evaluate --data lynx --fh 1 --step 1 --initial 100   # leave-one-out

data: a CSV file, or the name of any sktime loader (sktime.datasets.load_<name>):
  airline, lynx, shampoo_sales, PBS_dataset, longley, uschange, solar, ...
  Loaders that also give exogenous X (longley, uschange) pass it to the models.

baselines: naive (last value), naive-seasonal (value one season back), drift,
  mean, ets (Holt-Winters exponential smoothing, additive trend and season;
  needs statsmodels), theta (needs statsmodels).

report (--out): by_horizon.csv (tidy: forecaster, horizon, metric, value,
  n_folds), by_fold.csv (every forecast scored), forecasts.csv, folds.csv,
  overall.csv, summary.json, error_by_horizon.png, forecasts_by_fold.png.
  Metrics: MAE, RMSE, MAPE, sMAPE, MASE (scale: in-sample seasonal naive error
  of each fold's training window), and for forecasters that predict intervals
  90% coverage and pinball loss. The table printed shows MAE, RMSE and MASE.
"""


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting."""

    def error(self, message):
        raise CommandError(message)


def build_parser() -> argparse.ArgumentParser:
    """Return the command's argument parser (``sktime-rnn --help``)."""
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
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    data = run.add_argument_group("data")
    data.add_argument(
        "--data", required=True, help="embedded data set name or path to a CSV file"
    )
    data.add_argument("--time-col", help="CSV column of the time stamps (default: row)")
    data.add_argument("--value-col", help="column of the series (if several)")
    model = run.add_argument_group("model")
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
        help="hyper-parameter of the model, repeatable, e.g. --param hidden_size=16",
    )
    model.add_argument("--seed", type=int, default=0, help="random_state (default 0)")
    model.add_argument(
        "--baseline",
        default="naive-seasonal",
        help=f"comma-separated baselines: {', '.join(BASELINES)} or none "
        "(default: naive-seasonal)",
    )
    folds = run.add_argument_group("rolling origin")
    folds.add_argument(
        "--fh", type=_positive, default=12, help="forecast steps 1..FH (default 12)"
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
        type=_positive,
        help="first training window (expanding) or window length (sliding); "
        "default: two thirds of the data",
    )
    folds.add_argument(
        "--step", type=_positive, help="steps between origins (default: FH)"
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
        help="seasonal period for MASE and seasonal baselines "
        "(default: from the time index, e.g. 12 for months)",
    )
    runtime = run.add_argument_group("output and parallelism")
    runtime.add_argument("--out", help="folder for CSV, JSON and PNG files")
    runtime.add_argument(
        "--backend",
        choices=("none", "loky", "dask", "ray"),
        default="none",
        help="run the folds in parallel: joblib's loky, a dask LocalCluster or "
        "ray, with --n-jobs workers of cores/n-jobs torch threads each "
        "(default: none, in order)",
    )
    runtime.add_argument(
        "--n-jobs", type=_positive, help="parallel workers (default: all cores)"
    )
    runtime.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv=None) -> int:
    """Run the command; return its exit code (0 ok, 2 bad input, 1 failure)."""
    debug = "--debug" in (sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
        with _quiet_warnings():
            return _evaluate(args)
    except KeyboardInterrupt:
        print("sktime-rnn: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        if debug:
            raise
        user_error = isinstance(
            error, CommandError | ValueError | OSError | ImportError
        )
        kind = "" if user_error else f"{type(error).__name__}: "
        message = " ".join(str(error).split()) or type(error).__name__
        print(f"sktime-rnn: error: {kind}{message}", file=sys.stderr)
        return 2 if user_error else 1


def _evaluate(args) -> int:
    from sktime_rnn.evaluation import evaluate_by_horizon, write_report

    os.environ.setdefault("MPLBACKEND", "Agg")  # plots go to files, never a window
    started = time.perf_counter()
    y, X = load_series(args.data, args.time_col, args.value_col)
    sp = seasonal_period(y.index) if args.sp == "auto" else _positive(args.sp, "--sp")
    model = make_model(args.model, args.param, args.seed)
    forecasters = {args.model: model, **make_baselines(args.baseline, sp)}
    initial = args.initial or len(y) * 2 // 3
    step = args.step or args.fh
    fh = list(range(1, args.fh + 1))
    cv = make_cv(args.cv, fh, initial, step, len(y), model.window_length)
    with parallel_backend(args.backend, args.n_jobs) as (backend, params):
        result = evaluate_by_horizon(
            forecasters,
            y,
            cv,
            X=X,
            strategy=args.strategy,
            sp=sp,
            backend=backend,
            backend_params=params,
            progress=not args.quiet,
        )
    seconds = time.perf_counter() - started

    n_folds = int(result.folds["fold"].nunique())
    print(
        f"{args.data}: {len(y)} observations, {n_folds} folds ({args.cv} window "
        f"from {initial}, step {step}), horizons 1..{args.fh}, sp={sp}"
    )
    print("\nErrors by horizon (over folds):")
    print(result.table(list(PRINTED_METRICS)).to_string(float_format=_fmt))
    print("\nOverall (mean over folds of each fold's score):")
    print(result.overall.to_string(float_format=_fmt))
    print(f"\n{seconds:.1f} s")
    if args.out:
        settings = {
            key: value for key, value in vars(args).items() if key not in ("debug",)
        }
        settings.update(sp=sp, initial=initial, step=step, n_observations=len(y))
        written = write_report(result, args.out, settings)
        print(f"report: {len(written)} files in {args.out}")
        if not any(path.suffix == ".png" for path in written):
            print("plots skipped, no matplotlib: pip install 'sktime-rnn[plot]'")
    return 0


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


def _positive(text, flag=None) -> int:
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


def _fmt(value) -> str:
    return f"{value:.4g}"


if __name__ == "__main__":
    sys.exit(main())
