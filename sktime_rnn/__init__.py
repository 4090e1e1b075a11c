"""sktime forecasters built on PyTorch recurrent networks.

Examples
--------
>>> import sktime_rnn
>>> sorted(sktime_rnn.__all__)[:2]
['GRUForecaster', 'LSTMForecaster']
"""

from sktime_rnn._version import __version__
from sktime_rnn.exceptions import StopTraining
from sktime_rnn.forecasting import (
    GRUForecaster,
    LSTMForecaster,
    RecurrentForecaster,
    RNNForecaster,
)
from sktime_rnn.persistence import load, save
from sktime_rnn.registry import all_estimators

__all__ = [
    "GRUForecaster",
    "LSTMForecaster",
    "RNNForecaster",
    "RecurrentForecaster",
    "StopTraining",
    "__version__",
    "all_estimators",
    "load",
    "save",
]
