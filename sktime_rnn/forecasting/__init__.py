"""sktime forecasters built on recurrent networks."""

from sktime_rnn.forecasting._base import BaseRecurrentForecaster
from sktime_rnn.forecasting._forecasters import (
    GRUForecaster,
    LSTMForecaster,
    RecurrentForecaster,
    RNNForecaster,
)

__all__ = [
    "BaseRecurrentForecaster",
    "GRUForecaster",
    "LSTMForecaster",
    "RNNForecaster",
    "RecurrentForecaster",
]
