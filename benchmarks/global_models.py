"""Global models: accuracy against per-series models, and how fit scales.

Run by hand from the repository root (not part of the tests):

    python -m benchmarks.global_models            # everything, ~15 min on 2 cores
    python -m benchmarks.global_models --quick    # smaller, ~2 min

Writes ``benchmarks/results/global_models[_quick].json`` and ``.md``, with the
commit, versions and machine (``benchmarks/_provenance.py``), and prints the
tables.

1. Accuracy: a synthetic panel of 1,000 monthly series (lengths 60-300, four
   shared seasonal shapes with their own level, trend and noise). The last 12
   points of every series are held out. A global ``LSTMForecaster`` is fitted on
   all series at once; the same network (same hyper-parameters) is fitted per
   series on a random sample of 200 of them (fitting all 1,000 one by one takes
   too long to run by hand). Both are scored by MASE (seasonal scale, sp=12) on
   those 200 series.
2. Scaling: fit time and peak resident memory of one epoch of the global model
   on 100, 1,000 and 10,000 series, each measured in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks import _provenance
from benchmarks._common import in_fresh_process, peak_memory_mib

MODULE = "benchmarks.global_models"
RESULTS = Path(__file__).parent / "results"
PARAMS = {
    "window_length": 24,
    "hidden_size": 32,
    "max_epochs": 30,
    "batch_size": 256,
    "lr": 0.005,
    "random_state": 0,
    "num_threads": 2,
}
HORIZON = 12


def make_panel(n_series: int, seed: int = 0) -> pd.DataFrame:
    """Monthly series ending in 2020-12, lengths 60-300, four seasonal shapes."""
    rng = np.random.default_rng(seed)
    months = np.arange(12)
    shapes = np.stack(
        [
            np.sin(2 * np.pi * months / 12),
            np.cos(2 * np.pi * months / 12),
            np.where(months < 6, 1.0, -1.0),
            np.sin(4 * np.pi * months / 12),
        ]
    )
    frames = []
    for number in range(n_series):
        length = int(rng.integers(60, 301))
        index = pd.period_range(end="2020-12", periods=length, freq="M")
        shape = shapes[rng.integers(len(shapes))]
        level, trend, noise = (
            rng.uniform(5, 50),
            rng.normal(0, 0.05),
            rng.uniform(0.1, 0.6),
        )
        season = np.tile(shape, length // 12 + 1)[:length] * rng.uniform(1, 5)
        values = (
            level + trend * np.arange(length) + season + noise * rng.normal(size=length)
        )
        keys = pd.MultiIndex.from_product(
            [[f"s{number:05d}"], index], names=["id", "t"]
        )
        frames.append(pd.DataFrame({"y": values}, index=keys))
    return pd.concat(frames)


def mase(actual: np.ndarray, forecast: np.ndarray, history: np.ndarray, sp: int = 12):
    scale = np.mean(np.abs(history[sp:] - history[:-sp]))
    return np.mean(np.abs(actual - forecast)) / scale


def accuracy(n_series: int, n_local: int) -> dict:
    from sktime_rnn import LSTMForecaster

    panel = make_panel(n_series)
    train = panel.groupby(level="id").head(-HORIZON)  # all but the last 12 points
    test = panel.groupby(level="id").tail(HORIZON)
    fh = list(range(1, HORIZON + 1))

    start = time.perf_counter()
    global_model = LSTMForecaster(**PARAMS).fit(train, fh=fh)
    global_seconds = time.perf_counter() - start
    global_forecast = global_model.predict()

    rng = np.random.default_rng(1)
    ids = sorted(rng.choice(train.index.unique(level="id"), n_local, replace=False))
    rows, local_seconds = [], 0.0
    for series_id in ids:
        history = train.loc[series_id]["y"]
        start = time.perf_counter()
        local = LSTMForecaster(**PARAMS).fit(history, fh=fh).predict()
        local_seconds += time.perf_counter() - start
        actual = test.loc[series_id]["y"].to_numpy()
        rows.append(
            {
                "id": series_id,
                "global": mase(
                    actual,
                    global_forecast.loc[series_id]["y"].to_numpy(),
                    history.to_numpy(),
                ),
                "local": mase(actual, local.to_numpy(), history.to_numpy()),
            }
        )
    table = pd.DataFrame(rows)
    return {
        "n_series_global": n_series,
        "n_series_compared": n_local,
        "mean_mase_global": float(table["global"].mean()),
        "mean_mase_local": float(table["local"].mean()),
        "share_of_series_global_better": float(
            (table["global"] < table["local"]).mean()
        ),
        "global_fit_seconds": global_seconds,
        "local_fit_seconds_total": local_seconds,
    }


def _one_scaling_run(n_series: int) -> dict:
    """Fit one epoch in this process; report time and peak RSS."""
    from sktime_rnn import LSTMForecaster

    panel = make_panel(n_series)
    start = time.perf_counter()
    LSTMForecaster(**{**PARAMS, "max_epochs": 1}).fit(panel, fh=list(range(1, 13)))
    seconds = time.perf_counter() - start
    peak_mib = peak_memory_mib()
    return {
        "n_series": n_series,
        "n_observations": len(panel),
        "fit_seconds_1_epoch": seconds,
        "peak_rss_mib": peak_mib,
        "data_mib": panel.memory_usage(deep=True).sum() / 2**20,
    }


def scaling(sizes) -> list[dict]:
    runs = []
    for n_series in sizes:
        runs.append(in_fresh_process(MODULE, "--scaling-run", n_series))
    base = runs[0]
    for run in runs:
        run["seconds_per_1k_observations"] = (
            1000 * run["fit_seconds_1_epoch"] / run["n_observations"]
        )
        run["observations_vs_smallest"] = run["n_observations"] / base["n_observations"]
        run["seconds_vs_smallest"] = (
            run["fit_seconds_1_epoch"] / base["fit_seconds_1_epoch"]
        )
    return runs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--scaling-run", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    if args.scaling_run:
        print(json.dumps(_one_scaling_run(args.scaling_run)))
        return
    n_series, n_local = (200, 40) if args.quick else (1000, 200)
    sizes = (100, 1000) if args.quick else (100, 1000, 10000)
    result = {
        "provenance": _provenance.run_metadata(),
        "params": PARAMS,
        "accuracy": accuracy(n_series, n_local),
        "scaling": scaling(sizes),
    }
    RESULTS.mkdir(exist_ok=True)
    name = "global_models_quick" if args.quick else "global_models"
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2))
    acc = pd.DataFrame([result["accuracy"]]).T.rename(columns={0: "value"})
    scale = pd.DataFrame(result["scaling"]).set_index("n_series")
    markdown = (
        _provenance.markdown(result["provenance"])
        + "\n\n## Global vs per-series LSTM (MASE, lower is better)\n\n"
        + acc.to_markdown(floatfmt=".3f")
        + "\n\n## Fit time and peak memory, one epoch\n\n"
        + scale.to_markdown(floatfmt=".3f")
        + "\n"
    )
    (RESULTS / f"{name}.md").write_text(markdown)
    print(markdown)


if __name__ == "__main__":
    main()
