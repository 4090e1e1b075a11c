"""Rolling-origin evaluation on the airline data, errors kept per horizon."""

from sktime.datasets import load_airline
from sktime.forecasting.naive import NaiveForecaster
from sktime.performance_metrics.forecasting import MeanAbsoluteError
from sktime.split import ExpandingWindowSplitter

from sktime_rnn import LSTMForecaster
from sktime_rnn.evaluation import evaluate_by_horizon, plot_error_by_horizon

y = load_airline()
cv = ExpandingWindowSplitter(fh=range(1, 13), initial_window=96, step_length=6)
result = evaluate_by_horizon(
    {
        "LSTM": LSTMForecaster(window_length=24, max_epochs=30, random_state=0),
        "seasonal naive": NaiveForecaster(strategy="last", sp=12),
        "naive (last value)": NaiveForecaster(strategy="last"),
    },
    y,
    cv,
    scoring={"MAE": MeanAbsoluteError()},
)
ax = plot_error_by_horizon(result, metric="MAE")
ax.figure.set_size_inches(7, 4)
