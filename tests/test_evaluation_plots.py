"""Plots of a per-horizon evaluation draw the numbers of the tables."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sktime.datasets import load_airline  # noqa: E402
from sktime.forecasting.naive import NaiveForecaster  # noqa: E402
from sktime.split import ExpandingWindowSplitter  # noqa: E402

from sktime_rnn.evaluation import (  # noqa: E402
    evaluate_by_horizon,
    plot_error_by_horizon,
    plot_forecasts_by_fold,
)


@pytest.fixture(scope="module")
def result():
    cv = ExpandingWindowSplitter(fh=[1, 2, 3, 4], initial_window=120, step_length=6)
    forecasters = {
        "last": NaiveForecaster(),
        "seasonal": NaiveForecaster(sp=12),
        "drift": NaiveForecaster(strategy="drift"),
    }
    return evaluate_by_horizon(forecasters, load_airline(), cv, sp=12)


def test_error_curves_of_several_forecasters_share_one_axis(result):
    ax = plot_error_by_horizon(result, "MASE")
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert list(lines) == ["last", "seasonal", "drift"]
    np.testing.assert_allclose(lines["seasonal"].get_xdata(), [1, 2, 3, 4])
    np.testing.assert_allclose(
        lines["seasonal"].get_ydata(), result.table("MASE")[("MASE", "seasonal")]
    )
    assert ax.get_ylabel() == "MASE"
    with pytest.raises(ValueError, match="metric must be one of"):
        plot_error_by_horizon(result, "R2")


def test_forecasts_are_drawn_per_fold_against_the_actuals(result):
    axes = plot_forecasts_by_fold(result, forecasters=["seasonal"], context=12)
    assert len(axes) == result.folds["fold"].nunique() == 4
    first = axes[0]
    actual, forecast = first.get_lines()[:2]
    assert actual.get_label() == "actual" and len(actual.get_xdata()) == 12 + 4
    rows = result.forecasts.query("forecaster == 'seasonal' and fold == 0")
    np.testing.assert_allclose(forecast.get_ydata(), rows["y_pred"])
    assert first.get_title() == "fold 0, cutoff 1958-12"
