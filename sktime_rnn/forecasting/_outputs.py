"""Forecast arrays to the pandas and skpro objects sktime's predict_* return."""

from __future__ import annotations

__all__ = [
    "CLOSED_FORMS",
    "empirical_distribution",
    "normal_distribution",
    "quantile_frame",
]

import numpy as np
import pandas as pd


def quantile_frame(values: np.ndarray, index, columns, alphas) -> pd.DataFrame:
    """Quantiles (S, C, A) as sktime's frame with (variable, alpha) columns.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> frame = quantile_frame(np.zeros((2, 1, 2)), pd.RangeIndex(2), ["y"], [0.1, 0.9])
    >>> frame.columns.tolist()
    [('y', 0.1), ('y', 0.9)]
    """
    n_steps = values.shape[0]
    flat = values.reshape(n_steps, -1)  # (S, C*A), variable-major
    multi = pd.MultiIndex.from_product([list(columns), list(alphas)])
    return pd.DataFrame(flat, index=index, columns=multi)


def normal_distribution(params: np.ndarray, index, columns):
    """An skpro ``Normal`` of (S, C, 2) means and standard deviations."""
    from skpro.distributions.normal import Normal

    return Normal(
        mu=pd.DataFrame(params[..., 0], index=index, columns=columns),
        sigma=pd.DataFrame(params[..., 1], index=index, columns=columns),
        index=index,
        columns=columns,
    )


CLOSED_FORMS = {"Normal": normal_distribution}
"""skpro distributions by the name a likelihood's ``closed_form`` gives."""


def empirical_distribution(samples: np.ndarray, index, columns):
    """An skpro ``Empirical`` over (n_samples, S, C) equally weighted draws."""
    from skpro.distributions.empirical import Empirical

    n_samples, n_steps, _ = samples.shape
    if isinstance(index, pd.MultiIndex):  # panel: (sample, instance..., time)
        rows = pd.MultiIndex.from_tuples(
            [(sample, *row) for sample in range(n_samples) for row in index]
        )
    else:
        rows = pd.MultiIndex.from_product([range(n_samples), index])  # sample-major
    spl = pd.DataFrame(samples.reshape(n_samples * n_steps, -1), index=rows)
    spl.columns = columns
    return Empirical(spl, time_indep=False, index=index, columns=columns)
