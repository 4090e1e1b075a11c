"""Run sktime's ``evaluate`` over the folds, a chunk at a time, for progress."""

from __future__ import annotations

__all__ = ["FoldSubset", "run_evaluate"]

import itertools

import pandas as pd
from sktime.forecasting.model_evaluation import evaluate
from sktime.split.base import BaseSplitter

from sktime_rnn.evaluation._backends import n_workers


class FoldSubset(BaseSplitter):
    """The folds ``start`` to ``stop - 1`` of another splitter, unchanged.

    Parameters
    ----------
    cv : sktime splitter
    start, stop : int
        First fold and one past the last fold to keep.

    Examples
    --------
    >>> from sktime.datasets import load_airline
    >>> from sktime.split import ExpandingWindowSplitter
    >>> y = load_airline()
    >>> cv = ExpandingWindowSplitter(fh=[1, 2], initial_window=120, step_length=6)
    >>> FoldSubset(cv, 1, 3).get_n_splits(y), cv.get_n_splits(y)
    (2, 4)
    """

    def __init__(self, cv, start, stop):
        self.cv = cv
        self.start = start
        self.stop = stop
        super().__init__()

    def _fh(self):
        return self.cv.fh

    def _split(self, y):
        yield from itertools.islice(self.cv.split(y), self.start, self.stop)

    def get_cutoffs(self, y=None):
        """Return the cutoffs of the kept folds, as iloc positions in ``y``."""
        return self.cv.get_cutoffs(y)[self.start : self.stop]


def run_evaluate(forecaster, y, X, cv, metrics, options, progress):
    """Evaluate ``forecaster`` on every fold of ``cv``; a ``fold`` column numbers them.

    With ``strategy="refit"`` every fold starts from a fresh clone, so the
    folds run in chunks of as many folds as the backend has workers and the
    progress bar moves after each chunk; the numbers are those of one call.
    ``"update"`` and ``"no-update_params"`` carry the forecaster from fold to
    fold, so they run in one call (in order, as sktime does).

    Parameters
    ----------
    forecaster : sktime forecaster
    y, X : time series
    cv : sktime splitter
    metrics : dict of str to sktime metric
    options : dict
        ``strategy``, ``backend``, ``backend_params`` and ``error_score`` for
        sktime's ``evaluate``.
    progress : tqdm progress bar
        Advanced by one per fold.

    Returns
    -------
    pandas.DataFrame
        sktime's ``evaluate`` output with ``return_data=True``, plus ``fold``.
    """
    n_folds = cv.get_n_splits(y)
    if options["strategy"] == "refit":
        chunk = n_workers(options["backend"], options["backend_params"])
    else:
        chunk = n_folds
    parts = []
    for start in range(0, n_folds, chunk):
        stop = min(start + chunk, n_folds)
        part = evaluate(
            forecaster,
            FoldSubset(cv, start, stop) if chunk < n_folds else cv,
            y,
            X=X,
            scoring=list(metrics.values()),
            return_data=True,
            **options,
        )
        part.insert(0, "fold", range(start, stop))
        parts.append(part)
        progress.update(stop - start)
    return pd.concat(parts, ignore_index=True)
