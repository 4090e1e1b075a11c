"""Rolling-origin evaluation per forecast horizon, on top of sktime's ``evaluate``.

Examples
--------
>>> from sktime_rnn.evaluation import evaluate_by_horizon, default_scoring
>>> list(default_scoring())
['MAE', 'RMSE', 'MAPE', 'sMAPE', 'MASE']
"""

from sktime_rnn.evaluation._backends import (
    BACKENDS,
    available_cores,
    limit_threads,
    n_workers,
)
from sktime_rnn.evaluation._by_horizon import evaluate_by_horizon
from sktime_rnn.evaluation._report import write_report
from sktime_rnn.evaluation._result import HorizonEvaluation
from sktime_rnn.evaluation._scoring import check_scoring, default_scoring
from sktime_rnn.plotting import (
    plot_error_by_horizon,
    plot_forecasts_by_fold,
)

__all__ = [
    "BACKENDS",
    "HorizonEvaluation",
    "available_cores",
    "check_scoring",
    "default_scoring",
    "evaluate_by_horizon",
    "limit_threads",
    "n_workers",
    "plot_error_by_horizon",
    "plot_forecasts_by_fold",
    "write_report",
]
