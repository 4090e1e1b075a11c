"""Tables of a per-horizon evaluation, built from sktime's ``evaluate`` output."""

from __future__ import annotations

__all__ = ["fold_table", "forecast_table", "overall_table"]

import numpy as np
import pandas as pd

from sktime_rnn.evaluation._metrics import series_forecasts


def forecast_table(raw, y, levels=()) -> pd.DataFrame:
    """Every point forecast next to the truth, one row per fold, series, step, variable.

    A failed fold (no prediction) gives its rows with ``y_pred`` NaN.
    """
    if "y_pred" not in raw:
        return pd.DataFrame()
    parts = []
    for columns, _, y_test, predictions in series_forecasts(raw, y, levels, ["pred"]):
        y_test, y_pred = _as_frame(y_test), predictions["pred"]
        for position, variable in enumerate(y_test.columns):
            predicted = (
                np.full(len(y_test), np.nan)
                if y_pred is None
                else _as_frame(y_pred).iloc[:, position].to_numpy(float)
            )
            truth = y_test.iloc[:, position].to_numpy(float)
            parts.append(
                pd.DataFrame(
                    {
                        **columns,
                        "variable": variable,
                        "y_true": truth,
                        "y_pred": predicted,
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def fold_table(raw, metrics) -> pd.DataFrame:
    """One row per fold: cutoff, training length, times, sktime's score per metric."""
    columns = ["fold", "cutoff", "len_train_window", "fit_time", "pred_time"]
    folds = raw[columns].copy()
    # a failed fold has no cutoff in sktime's output; its training data tells it
    folds["cutoff"] = [
        _last_time(fold.y_train) if pd.isna(fold.cutoff) else fold.cutoff
        for fold in raw.itertuples()
    ]
    for name in metrics:
        folds[name] = pd.to_numeric(raw[f"test_{name}"], errors="coerce").to_numpy(
            float
        )
    return folds


def overall_table(folds, names) -> pd.DataFrame:
    """One row per forecaster: the fold scores and fit time averaged over folds.

    ``n_folds`` counts the folds that were scored (a failed fold has no score).
    """
    details = ["fold", "cutoff", "len_train_window", "fit_time", "pred_time"]
    scores = folds.drop(columns=details[:-2] + ["pred_time"])
    overall = scores.groupby("forecaster", sort=False).mean()
    overall = overall[[*overall.columns.drop("fit_time"), "fit_time"]]
    scored = folds.drop(columns=[*details, "forecaster"]).notna().any(axis=1)
    overall["n_folds"] = scored.groupby(folds["forecaster"], sort=False).sum()
    return overall.reindex(names)


def _last_time(y_train):
    if not isinstance(y_train, pd.Series | pd.DataFrame):
        return pd.NaT
    return y_train.index.get_level_values(-1).max()


def _as_frame(y) -> pd.DataFrame:
    return y.to_frame(y.name if y.name is not None else "y") if y.ndim == 1 else y
