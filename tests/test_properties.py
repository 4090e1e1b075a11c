"""Property-based tests: any input gives a valid forecast or a documented error."""

import warnings

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sktime_rnn import GRUForecaster, LSTMForecaster, RNNForecaster

# every error a user can get from these inputs, with the words that explain it
DOCUMENTED_ERRORS = [
    (ValueError, "y is too short: training needs at least"),
    (ValueError, "is longer than the longest series"),
    (ValueError, "missing or infinite value"),
    (ValueError, "DatetimeIndex without a frequency"),
]


def _index(kind: str, n: int) -> pd.Index:
    if kind == "range":
        return pd.RangeIndex(n)
    if kind == "int-offset":
        return pd.Index(np.arange(100, 100 + n), dtype="int64")
    if kind == "period":
        return pd.period_range("2000-01", periods=n, freq="M")
    if kind == "datetime-freq":
        return pd.date_range("2000-01-01", periods=n, freq="D")
    # regular daily dates, but without a freq attribute
    return pd.DatetimeIndex(pd.date_range("2000-01-01", periods=n, freq="D").to_list())


@st.composite
def problems(draw):
    n = draw(st.integers(min_value=1, max_value=60))
    kind = draw(
        st.sampled_from(["range", "int-offset", "period", "datetime-freq", "datetime"])
    )
    values = draw(
        st.lists(
            st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False),
            min_size=n,
            max_size=n,
        )
    )
    if draw(st.integers(0, 4)) == 0 and n > 2:  # sometimes a bad value
        values[draw(st.integers(0, n - 1))] = draw(st.sampled_from([np.nan, np.inf]))
    y = pd.Series(values, index=_index(kind, n), dtype=float)
    fh = sorted(draw(st.sets(st.integers(1, 6), min_size=1, max_size=3)))
    params = {
        "window_length": draw(st.integers(1, 8)),
        "hidden_size": draw(st.integers(1, 4)),
        "strategy": draw(st.sampled_from(["direct", "recursive", "seq2seq"])),
        "loss": draw(st.sampled_from(["mse", "mae", "normal", "quantile"])),
        "window_norm": draw(st.sampled_from(["standard", "mean", None])),
        "max_epochs": 1,
        "batch_size": draw(st.integers(1, 16)),
        "random_state": draw(st.integers(0, 3)),
        "num_threads": 1,
    }
    cls = draw(st.sampled_from([LSTMForecaster, GRUForecaster, RNNForecaster]))
    return cls, params, y, fh


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problems())
def test_any_input_gives_a_valid_forecast_or_a_documented_error(problem):
    cls, params, y, fh = problem
    original = y.copy()
    forecaster = cls(**params)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            forecaster.fit(y, fh=fh)
            forecast = forecaster.predict(fh=fh)
            intervals = (
                forecaster.predict_interval(fh=fh)
                if params["loss"]
                in (
                    "normal",
                    "quantile",
                )
                else None
            )
    except Exception as error:  # noqa: BLE001 - the assertion names what is allowed
        assert any(
            isinstance(error, kind) and words in str(error)
            for kind, words in DOCUMENTED_ERRORS
        ), f"undocumented {type(error).__name__}: {error}"
        event(f"documented error: {str(error)[:30]}")
    else:
        event("valid forecast")
        expected = forecaster.fh.to_absolute_index(forecaster.cutoff)
        assert list(forecast.index) == list(expected)
        assert np.isfinite(forecast.to_numpy()).all()
        if intervals is not None:
            lower, upper = intervals.to_numpy().T
            assert np.all(lower <= upper)
    assert y.equals(original)
