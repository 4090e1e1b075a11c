"""What a per-horizon evaluation returns: tidy tables, fold-level detail included."""

from __future__ import annotations

__all__ = ["HorizonEvaluation"]

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

_TABLES = ("by_horizon", "by_fold", "forecasts", "folds", "by_series", "by_level")
# the columns of the tables when no forecaster could be evaluated
_EMPTY = {
    "by_horizon": ["horizon", "metric", "value", "n_folds"],
    "by_fold": ["fold", "cutoff", "horizon", "time", "metric", "value"],
    "forecasts": ["fold", "cutoff", "horizon", "time", "variable", "y_true", "y_pred"],
    "folds": ["fold", "cutoff", "len_train_window", "fit_time", "pred_time"],
}


@dataclass(repr=False)
class HorizonEvaluation:
    """Errors of one or more forecasters for every step ahead, and over all steps.

    Returned by :func:`~sktime_rnn.evaluation.evaluate_by_horizon`. For a
    panel or hierarchy, ``by_fold`` and ``forecasts`` have one column per
    series level (the index levels of ``y`` before the time) and
    ``by_horizon`` pools the series.

    Attributes
    ----------
    by_horizon : pandas.DataFrame
        Tidy, one row per forecaster, horizon (steps ahead, 1 = next value) and
        metric: ``value`` (over the folds, and for a panel over the series),
        ``n_folds`` (folds scored) and, for a panel, ``n_series``.
    by_fold : pandas.DataFrame
        The same metrics for every single forecast: ``forecaster``, the series
        levels, ``fold``, ``cutoff``, ``horizon``, ``time``, ``metric``,
        ``value``. A failed fold (``error_score`` a number) has NaN values.
    forecasts : pandas.DataFrame
        Every point forecast next to the truth: ``forecaster``, the series
        levels, ``fold``, ``cutoff``, ``horizon``, ``time``, ``variable``,
        ``y_true``, ``y_pred``.
    folds : pandas.DataFrame
        One row per forecaster and fold: ``cutoff``, ``len_train_window``,
        ``fit_time``, ``pred_time`` and sktime's score of the fold per metric.
    overall : pandas.DataFrame
        One row per forecaster: each metric averaged over folds (sktime's usual
        figure, all horizons together), mean ``fit_time`` and ``n_folds``. If a
        forecaster failed as a whole (see ``failures``) its row is NaN and an
        ``error`` column holds its error.
    y : pandas.Series or pandas.DataFrame
        The evaluated series or panel.
    raw : dict of str to pandas.DataFrame
        sktime's ``evaluate(..., return_data=True)`` output per forecaster, with
        a ``fold`` column: the training and test series and predictions.
    by_series : pandas.DataFrame or None
        Panels only: ``by_horizon`` for every series on its own, with the
        series levels as columns after ``forecaster``.
    by_level : pandas.DataFrame or None
        Hierarchies of two or more series levels only: ``by_horizon`` pooled
        over the series under each node of each upper level. ``level`` names
        the level; the levels below it read ``"__total"`` (sktime's name for
        an aggregate node).
    failures : dict of str to str
        Forecasters that failed as a whole, with their error (see
        :meth:`concat`); empty if none did.
    """

    by_horizon: pd.DataFrame
    by_fold: pd.DataFrame
    forecasts: pd.DataFrame
    folds: pd.DataFrame
    overall: pd.DataFrame
    y: pd.Series | pd.DataFrame
    raw: dict = field(default_factory=dict)
    by_series: pd.DataFrame | None = None
    by_level: pd.DataFrame | None = None
    failures: dict = field(default_factory=dict)

    @property
    def forecasters(self) -> list[str]:
        """Names of the evaluated forecasters, in the order given."""
        return list(self.overall.index)

    @property
    def metrics(self) -> list[str]:
        """Names of the metrics, in the order scored."""
        return list(dict.fromkeys(self.by_horizon["metric"]))

    @property
    def levels(self) -> list[str]:
        """Names of the series levels of a panel; empty for one series."""
        if self.by_series is None:
            return []
        last = list(self.by_series.columns).index("horizon")
        return list(self.by_series.columns[1:last])

    @property
    def series(self) -> list[tuple]:
        """Keys of the series of a panel, in order; ``[()]`` for one series."""
        if not self.levels:
            return [()]
        keys = self.by_series[self.levels].drop_duplicates()
        return list(keys.itertuples(index=False, name=None))

    def table(self, metrics=None, series=None) -> pd.DataFrame:
        """Return the per-horizon errors as a wide table.

        Parameters
        ----------
        metrics : str or list of str, optional
            Which metrics; all if None.
        series : tuple or label, optional
            Panels only: the key of one series (a label for a panel of one
            series level, a tuple for a hierarchy); the series pooled if None.

        Returns
        -------
        pandas.DataFrame
            One row per horizon, one column per metric and forecaster
            (a two-level column index).

        Examples
        --------
        Two forecasters side by side, one column each:

        >>> from sktime.datasets import load_airline
        >>> from sktime.forecasting.naive import NaiveForecaster
        >>> from sktime.forecasting.trend import TrendForecaster
        >>> from sktime.split import ExpandingWindowSplitter
        >>> from sktime_rnn.evaluation import evaluate_by_horizon
        >>> forecasters = {"last": NaiveForecaster(), "trend": TrendForecaster()}
        >>> cv = ExpandingWindowSplitter(fh=[1, 2], initial_window=130, step_length=6)
        >>> result = evaluate_by_horizon(forecasters, load_airline(), cv)
        >>> result.table("MAE").round(1)
        metric       MAE
        forecaster  last trend
        horizon
        1           42.3  60.0
        2           35.0  53.6
        """
        if isinstance(metrics, str):
            metrics = [metrics]
        chosen = self.metrics if metrics is None else list(metrics)
        unknown = sorted(set(chosen) - set(self.metrics))
        if unknown:
            raise ValueError(f"metrics must be among {self.metrics}, got {unknown}")
        rows = self.by_horizon if series is None else self._one_series(series)
        rows = rows[rows["metric"].isin(chosen)]
        table = rows.pivot(index="horizon", columns=["metric", "forecaster"])["value"]
        order = [
            (metric, name)
            for metric in chosen
            for name in self.forecasters
            if (metric, name) in table.columns
        ]
        return table[order]

    @classmethod
    def concat(cls, results, failures=None, y=None) -> HorizonEvaluation:
        """Join the evaluations of different forecasters on the same folds.

        Parameters
        ----------
        results : list of HorizonEvaluation
            Evaluations of the same ``y`` on the same splitter.
        failures : dict of str to str, optional
            Forecasters that could not be evaluated, with their error; they get
            a row of NaN in ``overall`` with the error in its ``error`` column.
        y : pandas.Series or pandas.DataFrame, optional
            The evaluated data; needed only if ``results`` is empty.

        Returns
        -------
        HorizonEvaluation

        Examples
        --------
        Evaluations run apart, joined with a forecaster that failed:

        >>> from sktime.datasets import load_lynx
        >>> from sktime.forecasting.naive import NaiveForecaster
        >>> from sktime.split import SlidingWindowSplitter
        >>> from sktime_rnn.evaluation import evaluate_by_horizon
        >>> y = load_lynx()
        >>> cv = SlidingWindowSplitter(fh=[1, 2], window_length=100, step_length=5)
        >>> last = evaluate_by_horizon({"last": NaiveForecaster()}, y, cv)
        >>> mean = evaluate_by_horizon({"mean": NaiveForecaster("mean")}, y, cv)
        >>> failed = {"ets": "ValueError: too short"}
        >>> joined = HorizonEvaluation.concat([last, mean], failed)
        >>> joined.forecasters, joined.overall.loc["ets", "error"]
        (['last', 'mean', 'ets'], 'ValueError: too short')
        """
        results = list(results)
        failures = dict(failures or {})
        if not results and y is None:
            raise ValueError("concat needs at least one result or y, got neither")
        y = results[0].y if y is None else y
        tables = {}
        for name in _TABLES:
            parts = [getattr(r, name) for r in results]
            parts = [part for part in parts if part is not None]
            tables[name] = pd.concat(parts, ignore_index=True) if parts else None
        for name, columns in _EMPTY.items():
            if tables[name] is None:
                tables[name] = pd.DataFrame(columns=["forecaster", *columns])
        overall = pd.concat([r.overall for r in results]) if results else None
        if overall is None:
            overall = pd.DataFrame(index=pd.Index([], name="forecaster"))
        last = [name for name in ("fit_time", "n_folds") if name in overall]
        overall = overall[[*overall.columns.drop(last), *last]]
        if failures:
            failed = [name for name in failures if name not in overall.index]
            rows = pd.DataFrame(index=pd.Index(failed, name="forecaster"))
            overall = pd.concat([overall, rows]) if len(overall) else rows
            overall["error"] = [failures.get(name) for name in overall.index]
        raw = {key: value for r in results for key, value in r.raw.items()}
        merged = {key: value for r in results for key, value in r.failures.items()}
        return cls(
            overall=overall,
            y=y,
            raw=raw,
            failures={**merged, **failures},
            **tables,
        )

    def _one_series(self, series) -> pd.DataFrame:
        if not self.levels:
            raise ValueError("series applies to panels; this evaluation has one series")
        key = series if isinstance(series, tuple) else (series,)
        if key not in self.series:
            raise ValueError(
                f"series must be one of the keys {self.series[:5]}"
                f"{' ...' if len(self.series) > 5 else ''}, got {series!r}"
            )
        match = np.logical_and.reduce(
            [
                self.by_series[level] == value
                for level, value in zip(self.levels, key, strict=True)
            ]
        )
        return self.by_series[match]

    def __repr__(self) -> str:
        horizons = sorted(self.by_horizon["horizon"].dropna().unique())
        span = f"{horizons[0]}..{horizons[-1]}" if horizons else "none"
        panel = f", series={len(self.series)}" if self.levels else ""
        return (
            f"HorizonEvaluation(forecasters={self.forecasters}, "
            f"folds={self.folds['fold'].nunique()}, horizons={span}{panel}, "
            f"metrics={self.metrics})"
        )
