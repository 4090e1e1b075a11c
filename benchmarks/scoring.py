"""How much of a per-horizon evaluation of a panel is spent scoring?

Issue 29 measured ``evaluate_by_horizon`` on a panel of 200 series with 2
folds at 198 s, 61 s of it scoring (sktime's metrics called once per series,
fold and metric) where the networks trained in 13 s. This runs that
evaluation (the default ``LSTMForecaster``, one global fit per fold, on a
synthetic positive monthly panel of 200 series x 60 months, fh 1..12, the
default metrics) and times the scoring apart from the rest.

Run from the repository root::

    python -m benchmarks.scoring

Writes ``benchmarks/results/scoring.json`` and ``.md`` with the commit, the
versions and the machine.
"""

from __future__ import annotations

import json
import os
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from benchmarks import _provenance  # noqa: E402

RESULTS = Path(__file__).parent / "results"
N_SERIES, LENGTH, FH = 200, 60, list(range(1, 13))


def panel(seed: int = 0) -> pd.DataFrame:
    """Positive monthly series with a level, a trend and a season, and noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(LENGTH)
    frames = {}
    for i in range(N_SERIES):
        level, trend = rng.uniform(50, 500), rng.uniform(-0.5, 2)
        season = 1 + 0.2 * np.sin(2 * np.pi * (t + rng.integers(12)) / 12)
        values = (level + trend * t) * season * rng.lognormal(0, 0.05, LENGTH)
        index = pd.period_range("2015-01", periods=LENGTH, freq="M")
        frames[f"s{i}"] = pd.Series(values, index=index)
    return pd.concat(frames, names=["series", "time"]).to_frame("y")


def main() -> dict:
    import torch
    from sktime.split import ExpandingWindowSplitter

    import sktime_rnn.evaluation._by_horizon as by_horizon
    from sktime_rnn import LSTMForecaster
    from sktime_rnn.evaluation import evaluate_by_horizon

    torch.set_num_threads(1)
    scoring = {"seconds": 0.0}
    score_folds = by_horizon.score_folds

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return score_folds(*args, **kwargs)
        finally:
            scoring["seconds"] += time.perf_counter() - start

    by_horizon.score_folds = timed
    y = panel()
    cv = ExpandingWindowSplitter(fh=FH, initial_window=LENGTH - 24, step_length=12)
    forecaster = LSTMForecaster(random_state=0, num_threads=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        result = evaluate_by_horizon({"lstm": forecaster}, y, cv, sp=12)
        total = time.perf_counter() - start
    fit_seconds = (
        float(result.overall["fit_time"].sum())
        if "fit_time" in (result.overall)
        else None
    )
    report = {
        "benchmark": "evaluate_by_horizon, 200 series x 2 folds: share of scoring",
        "provenance": _provenance.run_metadata(),
        "n_series": N_SERIES,
        "n_folds": int(result.by_fold["fold"].nunique()),
        "metrics": list(result.metrics),
        "total_seconds": total,
        "scoring_seconds": scoring["seconds"],
        "scoring_share": scoring["seconds"] / total,
        "fit_seconds": fit_seconds,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "scoring.json").write_text(json.dumps(report, indent=1))
    text = "\n".join(
        [
            "# Scoring share of a panel's per-horizon evaluation",
            "",
            _provenance.markdown(report["provenance"]),
            "",
            f"`python -m benchmarks.scoring`: {N_SERIES} series x "
            f"{report['n_folds']} folds, the default `LSTMForecaster` (one global "
            f"fit per fold), metrics {', '.join(report['metrics'])}.",
            "",
            "| total | scoring | share of scoring | fitting (sktime's fit_time) |",
            "|---|---|---|---|",
            f"| {total:.1f} s | {scoring['seconds']:.2f} s | "
            f"{100 * report['scoring_share']:.1f}% | "
            + (f"{fit_seconds:.1f} s |" if fit_seconds is not None else "- |"),
            "",
        ]
    )
    (RESULTS / "scoring.md").write_text(text)
    print(text)
    return report


if __name__ == "__main__":
    main()
