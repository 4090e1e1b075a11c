"""Smoke test of an installed sktime-rnn: the conda recipe's test runs it.

Fits a tiny LSTM on the airline data and checks the forecast; also run against
the wheel by ``tests/test_packaging.py``.
"""

import math
import warnings

from sktime.datasets import load_airline

import sktime_rnn
from sktime_rnn import LSTMForecaster, all_estimators

warnings.filterwarnings("ignore", category=FutureWarning)

y = load_airline()
forecaster = LSTMForecaster(
    window_length=12, hidden_size=4, max_epochs=2, random_state=0
)
forecast = forecaster.fit(y, fh=[1, 2, 3]).predict()
assert forecast.shape == (3,), forecast.shape
assert all(math.isfinite(value) for value in forecast), forecast
assert "LSTMForecaster" in [name for name, _ in all_estimators("forecaster")]
print(f"sktime-rnn {sktime_rnn.__version__}: smoke test passed")
