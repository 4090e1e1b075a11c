"""sktime forecasters built on PyTorch recurrent networks.

Examples
--------
>>> import sktime_rnn
>>> sorted(sktime_rnn.__all__)[:2]
['GRUForecaster', 'LSTMForecaster']
"""

__version__ = "0.1.0"

from sktime_rnn.forecasting import (
    GRUForecaster,
    LSTMForecaster,
    RecurrentForecaster,
    RNNForecaster,
)

__all__ = [
    "GRUForecaster",
    "LSTMForecaster",
    "RNNForecaster",
    "RecurrentForecaster",
    "__version__",
]
