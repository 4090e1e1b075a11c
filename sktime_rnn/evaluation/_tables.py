"""Tables of a per-horizon evaluation, built from sktime's ``evaluate`` output."""

from __future__ import annotations

__all__ = ["fold_table", "forecast_table", "overall_table"]

import pandas as pd

from sktime_rnn.evaluation._metrics import steps_ahead


def forecast_table(raw, y_index) -> pd.DataFrame:
    """Every point forecast next to the truth, one row per fold, step and variable."""
    if "y_pred" not in raw:
        return pd.DataFrame()
    parts = []
    for _, fold in raw.iterrows():
        y_test, y_pred = _as_frame(fold["y_test"]), _as_frame(fold["y_pred"])
        steps, cutoff = steps_ahead(y_index, fold["y_train"], y_test)
        for position, variable in enumerate(y_test.columns):
            parts.append(
                pd.DataFrame(
                    {
                        "fold": fold["fold"],
                        "cutoff": cutoff,
                        "horizon": steps,
                        "time": y_test.index,
                        "variable": variable,
                        "y_true": y_test.iloc[:, position].to_numpy(float),
                        "y_pred": y_pred.iloc[:, position].to_numpy(float),
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def fold_table(raw, metrics) -> pd.DataFrame:
    """One row per fold: cutoff, training length, times, sktime's score per metric."""
    columns = ["fold", "cutoff", "len_train_window", "fit_time", "pred_time"]
    folds = raw[columns].copy()
    for name in metrics:
        folds[name] = raw[f"test_{name}"].to_numpy(float)
    return folds


def overall_table(folds, names) -> pd.DataFrame:
    """One row per forecaster: the fold scores and fit time averaged over folds."""
    details = ["fold", "cutoff", "len_train_window", "fit_time", "pred_time"]
    scores = folds.drop(columns=details[:-2] + ["pred_time"])
    overall = scores.groupby("forecaster", sort=False).mean()
    overall = overall[[*overall.columns.drop("fit_time"), "fit_time"]]
    overall["n_folds"] = folds.groupby("forecaster", sort=False)["fold"].count()
    return overall.reindex(names)


def _as_frame(y) -> pd.DataFrame:
    return y.to_frame(y.name if y.name is not None else "y") if y.ndim == 1 else y
