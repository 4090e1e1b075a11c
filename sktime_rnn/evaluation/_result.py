"""What a per-horizon evaluation returns: tidy tables, fold-level detail included."""

from __future__ import annotations

__all__ = ["HorizonEvaluation"]

from dataclasses import dataclass, field

import pandas as pd


@dataclass(repr=False)
class HorizonEvaluation:
    """Errors of one or more forecasters for every step ahead, and over all steps.

    Attributes
    ----------
    by_horizon : pandas.DataFrame
        Tidy, one row per forecaster, horizon (steps ahead, 1 = next value) and
        metric: ``value`` (over the folds) and ``n_folds``.
    by_fold : pandas.DataFrame
        The same metrics for every single forecast: ``forecaster``, ``fold``,
        ``cutoff``, ``horizon``, ``time``, ``metric``, ``value``.
    forecasts : pandas.DataFrame
        Every point forecast next to the truth: ``forecaster``, ``fold``,
        ``cutoff``, ``horizon``, ``time``, ``variable``, ``y_true``, ``y_pred``.
    folds : pandas.DataFrame
        One row per forecaster and fold: ``cutoff``, ``len_train_window``,
        ``fit_time``, ``pred_time`` and sktime's score of the fold per metric.
    overall : pandas.DataFrame
        One row per forecaster: each metric averaged over folds (sktime's usual
        figure, all horizons together), mean ``fit_time`` and ``n_folds``.
    y : pandas.Series or pandas.DataFrame
        The evaluated series.
    raw : dict of str to pandas.DataFrame
        sktime's ``evaluate(..., return_data=True)`` output per forecaster, with
        a ``fold`` column: the training and test series and predictions.
    """

    by_horizon: pd.DataFrame
    by_fold: pd.DataFrame
    forecasts: pd.DataFrame
    folds: pd.DataFrame
    overall: pd.DataFrame
    y: pd.Series | pd.DataFrame
    raw: dict = field(default_factory=dict)

    @property
    def forecasters(self) -> list[str]:
        """Names of the evaluated forecasters, in the order given."""
        return list(self.overall.index)

    @property
    def metrics(self) -> list[str]:
        """Names of the metrics, in the order scored."""
        return list(dict.fromkeys(self.by_horizon["metric"]))

    def table(self, metrics=None) -> pd.DataFrame:
        """Return the per-horizon errors as a wide table.

        Parameters
        ----------
        metrics : str or list of str, optional
            Which metrics; all if None.

        Returns
        -------
        pandas.DataFrame
            One row per horizon, one column per metric and forecaster
            (a two-level column index).
        """
        if isinstance(metrics, str):
            metrics = [metrics]
        chosen = self.metrics if metrics is None else list(metrics)
        unknown = sorted(set(chosen) - set(self.metrics))
        if unknown:
            raise ValueError(f"metrics must be among {self.metrics}, got {unknown}")
        rows = self.by_horizon[self.by_horizon["metric"].isin(chosen)]
        table = rows.pivot(index="horizon", columns=["metric", "forecaster"])["value"]
        order = [
            (metric, name)
            for metric in chosen
            for name in self.forecasters
            if (metric, name) in table.columns
        ]
        return table[order]

    def __repr__(self) -> str:
        horizons = sorted(self.by_horizon["horizon"].unique())
        span = f"{horizons[0]}..{horizons[-1]}" if horizons else "none"
        return (
            f"HorizonEvaluation(forecasters={self.forecasters}, "
            f"folds={self.folds['fold'].nunique()}, horizons={span}, "
            f"metrics={self.metrics})"
        )
