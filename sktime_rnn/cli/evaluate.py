"""``sktime-rnn evaluate``: check everything, then evaluate each forecaster.

All input is checked before the first fit: the data, the season length, the
network's hyper-parameters, the folds and the output folder. Each forecaster
is then evaluated on its own, so one that fails leaves the others' results;
its error goes to the printed table and to ``summary.json``, and the command
ends with :attr:`ExitCode.FORECASTER_FAILED`.
"""

from __future__ import annotations

__all__ = ["run_evaluate"]

import os
import sys
import time
import traceback

from sktime_rnn.cli.data import load_data
from sktime_rnn.cli.errors import ExitCode
from sktime_rnn.cli.folds import check_season, make_cv, parallel_backend
from sktime_rnn.cli.forecasters import make_baselines, make_model
from sktime_rnn.cli.parser import positive_int
from sktime_rnn.cli.report import check_out_folder, print_result


def run_evaluate(args) -> ExitCode:
    """Run the command for parsed arguments; return its exit code."""
    from sktime_rnn.evaluation import (
        HorizonEvaluation,
        evaluate_by_horizon,
        write_report,
    )

    os.environ.setdefault("MPLBACKEND", "Agg")  # plots go to files, never a window
    started = time.perf_counter()
    data = load_data(args)
    given = args.sp != "auto"
    inferred = positive_int(args.sp, "--sp") if given else data.season
    initial = args.initial or data.length * 2 // 3
    step = args.step or args.fh
    fh = list(range(1, args.fh + 1))
    sp = check_season(inferred, initial, given)
    notes = list(data.notes)
    if sp != inferred:
        notes.append(
            f"the season of {inferred} that the time index suggests does not fit "
            f"the first training window of {initial}; using sp=1 (set it with --sp)"
        )
    model = make_model(args.model, args.param, args.seed, sp)
    forecasters = {args.model: model, **make_baselines(args.baseline, sp)}
    cv = make_cv(args.cv, fh, initial, step, data.length, model.window_length)
    check_out_folder(args.out)

    results, failures = [], {}
    with parallel_backend(args.backend, args.n_jobs) as (backend, params):
        for name, forecaster in forecasters.items():
            try:
                evaluation = evaluate_by_horizon(
                    {name: forecaster},
                    data.y,
                    cv,
                    X=data.X,
                    strategy=args.strategy,
                    sp=sp,
                    backend=backend,
                    backend_params=params,
                    progress=not args.quiet,
                )
            except Exception as error:  # one forecaster's failure ends only its run
                if args.debug:
                    traceback.print_exc(file=sys.stderr)
                message = " ".join(str(error).split()) or "(no message)"
                failures[name] = f"{type(error).__name__}: {message}"
            else:
                results.append(evaluation)
    result = HorizonEvaluation.concat(results, failures, y=data.y)
    seconds = time.perf_counter() - started

    n_folds = cv.get_n_splits(data.y)
    header = (
        f"{data.describe()}, {n_folds} folds ({args.cv} window from {initial}, "
        f"step {step}), horizons 1..{args.fh}, sp={sp}"
    )
    print_result(result, header, notes, seconds)
    if args.out:
        settings = {key: value for key, value in vars(args).items() if key != "debug"}
        settings.update(
            sp=sp,
            initial=initial,
            step=step,
            n_observations=data.length,
            n_series=data.n_series,
            notes=notes,
        )
        written = write_report(result, args.out, settings)
        print(f"report: {len(written)} files in {args.out}")
        if not any(path.suffix == ".png" for path in written) and results:
            print("plots skipped, no matplotlib: pip install 'sktime-rnn[plot]'")
    return ExitCode.FORECASTER_FAILED if failures else ExitCode.OK
