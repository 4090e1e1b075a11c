"""Write a per-horizon evaluation to a folder: CSV tables, a JSON summary, plots."""

from __future__ import annotations

__all__ = ["write_report"]

import importlib.util
import json
import math
from pathlib import Path

from sktime_rnn.plotting import (
    plot_error_by_horizon,
    plot_forecasts_by_fold,
)

TABLES = ("by_horizon", "by_fold", "forecasts", "folds", "overall")
PANEL_TABLES = ("by_series", "by_level")


def write_report(result, out, settings=None):
    """Write ``result`` to the folder ``out``, creating it if needed.

    Writes ``by_horizon.csv``, ``by_fold.csv``, ``forecasts.csv``,
    ``folds.csv``, ``overall.csv``, for panels ``by_series.csv`` (and for
    hierarchies ``by_level.csv``), ``summary.json`` (the settings, the overall
    figures, every metric per horizon and the forecasters that failed with
    their errors) and, if matplotlib is installed, ``error_by_horizon.png``
    and ``forecasts_by_fold.png`` (of the first series of a panel).

    Parameters
    ----------
    result : HorizonEvaluation
    out : str or path
    settings : dict, optional
        What was run, copied into ``summary.json``.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Examples
    --------
    >>> import tempfile
    >>> from sktime.datasets import load_shampoo_sales
    >>> from sktime.forecasting.trend import TrendForecaster
    >>> from sktime.split import SlidingWindowSplitter
    >>> from sktime_rnn.evaluation import evaluate_by_horizon
    >>> cv = SlidingWindowSplitter(fh=[1, 2], window_length=24, step_length=4)
    >>> result = evaluate_by_horizon(TrendForecaster(), load_shampoo_sales(), cv)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     print(sorted(path.name for path in write_report(result, folder))[-2:])
    ['overall.csv', 'summary.json']
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TABLES + PANEL_TABLES:
        table = getattr(result, name)
        if table is None:
            continue
        path = out / f"{name}.csv"
        table.to_csv(path, index=name == "overall")
        written.append(path)
    path = out / "summary.json"
    path.write_text(json.dumps(_summary(result, settings), indent=2, default=str))
    written.append(path)
    if importlib.util.find_spec("matplotlib") is not None and len(result.by_horizon):
        written += _plots(result, out)
    return written


def _summary(result, settings) -> dict:
    by_horizon = {}
    for row in result.by_horizon.itertuples(index=False):
        curves = by_horizon.setdefault(row.forecaster, {})
        curves.setdefault(row.metric, {})[int(row.horizon)] = _number(row.value)
    overall = {
        name: {key: _number(value) for key, value in row.items() if key != "error"}
        for name, row in result.overall.to_dict(orient="index").items()
    }
    summary = {
        "settings": settings or {},
        "forecasters": result.forecasters,
        "failures": dict(result.failures),
        "metrics": result.metrics,
        "n_folds": int(result.folds["fold"].nunique()),
        "cutoffs": [str(c) for c in dict.fromkeys(result.folds["cutoff"])],
        "overall": overall,
        "by_horizon": by_horizon,
    }
    if result.levels:
        summary["levels"] = result.levels
        summary["n_series"] = len(result.series)
    return summary


def _number(value):
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _plots(result, out) -> list[Path]:
    import matplotlib.pyplot as plt

    metrics = result.metrics
    ncols = min(3, len(metrics))
    nrows = math.ceil(len(metrics) / ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(5 * ncols, 3.5 * nrows), squeeze=False
    )
    for ax, metric in zip(axes.ravel(), metrics, strict=False):
        plot_error_by_horizon(result, metric, ax=ax)
    for ax in axes.ravel()[len(metrics) :]:
        ax.set_visible(False)
    fig.tight_layout()
    paths = [out / "error_by_horizon.png", out / "forecasts_by_fold.png"]
    fig.savefig(paths[0], dpi=100)
    plt.close(fig)
    if result.forecasts.empty:
        return paths[:1]
    axes = plot_forecasts_by_fold(result)
    fig = axes[0].figure
    fig.tight_layout()
    fig.savefig(paths[1], dpi=100)
    plt.close(fig)
    return paths
