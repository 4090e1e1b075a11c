"""An LSTM forecast of the last two years of the airline data."""

from sktime.datasets import load_airline
from sktime.utils.plotting import plot_series

from sktime_rnn import LSTMForecaster

y = load_airline()
y_train, y_test = y[:-24], y[-24:]
forecaster = LSTMForecaster(window_length=24, max_epochs=50, random_state=0)
y_pred = forecaster.fit(y_train, fh=range(1, 25)).predict()
fig, ax = plot_series(y_train, y_test, y_pred, labels=["training", "truth", "LSTM"])
fig.set_size_inches(8, 3.5)
