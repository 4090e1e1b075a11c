"""Coverage of calibrated and uncalibrated prediction intervals on simulated AR(1).

``python -m benchmarks.calibration`` fits a small LSTM for 5 epochs on the
first 1,800 points of each of several simulated AR(1) series (phi 0.7, unit
noise), then forecasts one step ahead at every one of the next 500 points
(rolling origin, the context moved on without refitting), and counts how often
the 80% and 95% intervals cover the truth, for every loss, with
``interval_calibration="conformal"`` (on the last 20% of the training windows)
and without. The true AR(1) intervals on the same points are the reference:
500 points move 80% coverage by about +-2 points by chance alone.

Writes ``benchmarks/results/calibration.{json,md}``.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from benchmarks._provenance import markdown, run_metadata
from sktime_rnn import LSTMForecaster

RESULTS = Path(__file__).parent / "results"
LEVELS = {0.8: 1.2816, 0.95: 1.96}
PHI = 0.7
N_TRAIN, N_TEST = 1800, 500
NETWORK = {
    "window_length": 10,
    "window_norm": None,
    "hidden_size": 8,
    "max_epochs": 5,
    "batch_size": 64,
    "num_threads": 1,
}


def ar1(seed: int) -> pd.Series:
    noise = np.random.default_rng(seed).normal(size=N_TRAIN + N_TEST)
    values = np.zeros(len(noise))
    for t in range(1, len(noise)):
        values[t] = PHI * values[t - 1] + noise[t]
    return pd.Series(values)


def coverage(forecaster, y: pd.Series) -> dict:
    hits = {level: [] for level in LEVELS}
    for t in range(N_TRAIN, len(y)):
        if t > N_TRAIN:
            forecaster.update(y[t - 1 : t], update_params=False)
        row = forecaster.predict_interval(coverage=list(LEVELS)).iloc[0].to_numpy()
        for position, level in enumerate(LEVELS):
            low, high = row[2 * position], row[2 * position + 1]
            hits[level].append(low <= y[t] <= high)
    return {level: float(np.mean(h)) for level, h in hits.items()}


def oracle(y: pd.Series) -> dict:
    errors = np.abs(y[N_TRAIN:].to_numpy() - PHI * y[N_TRAIN - 1 : -1].to_numpy())
    return {level: float(np.mean(errors <= z)) for level, z in LEVELS.items()}


def run(seeds: list[int]) -> list[dict]:
    rows = []
    for seed in seeds:
        y = ar1(seed)
        reference = oracle(y)
        rows.append({"seed": seed, "system": "true AR(1)", **_named(reference)})
        for loss in ("mse", "normal", "quantile"):
            for calibration in (None, "conformal"):
                if loss == "mse" and calibration is None:
                    continue  # a point forecast has no intervals to count
                params = {**NETWORK, "loss": loss, "random_state": seed}
                if calibration:
                    params |= {
                        "validation_size": 0.2,
                        "interval_calibration": calibration,
                    }
                started = time.perf_counter()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    forecaster = LSTMForecaster(**params).fit(y[:N_TRAIN], fh=[1])
                    covered = coverage(forecaster, y)
                rows.append(
                    {
                        "seed": seed,
                        "system": f"{loss}, {calibration or 'uncalibrated'}",
                        **_named(covered),
                        "seconds": round(time.perf_counter() - started, 2),
                    }
                )
                print(rows[-1], flush=True)
    return rows


def _named(values: dict) -> dict:
    return {f"cover_{int(level * 100)}": round(v, 4) for level, v in values.items()}


def report(rows: list[dict], provenance: dict) -> str:
    frame = pd.DataFrame(rows)
    table = frame.groupby("system", sort=False)[["cover_80", "cover_95"]].agg(
        ["mean", "min", "max"]
    )
    table.columns = [f"{a} {b}" for a, b in table.columns]
    per_seed = frame.pivot_table(
        index="system", columns="seed", values=["cover_80", "cover_95"], sort=False
    )
    per_seed.columns = [f"{a} seed {b}" for a, b in per_seed.columns]
    return "\n\n".join(
        [
            "# Coverage of calibrated intervals",
            markdown(provenance),
            __doc__.split("\n\n")[1],
            f"{len(frame['seed'].unique())} series of {N_TRAIN} + {N_TEST} points; "
            "coverage as a share of the 500 rolling one-step forecasts. Nominal: "
            "0.80 and 0.95. 'true AR(1)': the exact model's intervals on the same "
            "points, what sampling noise alone gives.",
            table.round(3).to_markdown(),
            "Per series:",
            per_seed.round(3).to_markdown(),
        ]
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    provenance = run_metadata()
    rows = run(args.seeds)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "calibration.json").write_text(
        json.dumps({"provenance": provenance, "rows": rows}, indent=1)
    )
    (RESULTS / "calibration.md").write_text(report(rows, provenance) + "\n")
    print(report(rows, provenance))


if __name__ == "__main__":
    main()
