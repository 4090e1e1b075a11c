"""Bad input, persistence, interruption and determinism: what users must trust."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sktime.datasets import load_airline

import sktime_rnn.training.trainer as trainer_module
from sktime_rnn import (
    GRUForecaster,
    LSTMForecaster,
    RecurrentForecaster,
    RNNForecaster,
    load,
    save,
)
from sktime_rnn.persistence import PersistenceError

TINY = {
    "window_length": 6,
    "hidden_size": 4,
    "max_epochs": 2,
    "random_state": 0,
    "base": None,  # the plain network, whose windows set the length checks
}


def _series(n=40, name="y"):
    return pd.Series(np.sin(np.arange(n) / 3.0) + np.arange(n) / 10, name=name)


def _exog(n=40):
    return pd.DataFrame({"a": np.cos(np.arange(n) / 5.0), "b": np.arange(n) / 40})


def _fit(y=None, X=None, fh=(1, 2), **params):
    y = _series() if y is None else y
    return LSTMForecaster(**{**TINY, **params}).fit(y, X=X, fh=list(fh))


def _with_nan(data, position=3):
    data = data.copy()
    data.iloc[position] = np.nan
    return data


def _fitted_with_X():
    y, X = _series(), _exog()
    return _fit(y[:-2], X=X[:-2]), X


BAD_INPUTS = [
    # (case, call, exception, message substring)
    (
        "too short",
        lambda: _fit(_series(7)),
        ValueError,
        "needs at least 8 observations (window_length=6 + largest horizon step 2), "
        "got 7",
    ),
    (
        "too short for fh",
        lambda: _fit(_series(10), fh=[5]),
        ValueError,
        "largest horizon step 5",
    ),
    (
        "NaN in y",
        lambda: _fit(_with_nan(_series())),
        ValueError,
        "1 missing or infinite value(s), the first at index 3",
    ),
    (
        "inf in y",
        lambda: _fit(_series().replace(_series()[5], np.inf)),
        ValueError,
        "missing or infinite",
    ),
    (
        "NaN in X",
        lambda: _fit(X=_with_nan(_exog())),
        ValueError,
        "X has 2 missing or infinite value(s), the first at index 3, column 'a'",
    ),
    (
        "repeated time points",
        lambda: _fit(_series().set_axis([0] + list(range(39)))),
        ValueError,
        "repeated time point",
    ),
    (
        "unsorted time index",
        lambda: _fit(_series().set_axis(list(range(39, -1, -1)))),
        TypeError,
        "sktime compatible format",
    ),
    (
        "categorical y",
        lambda: _fit(pd.Series(["a"] * 40)),
        TypeError,
        # the dtype of text is object before pandas 3 and str since
        f"y column 0 has dtype {pd.Series(['a']).dtype} (text or categorical values); "
        "y must hold numbers",
    ),
    (
        "dates without frequency",
        lambda: _fit(
            _series(20).set_axis(
                pd.DatetimeIndex(
                    ["2000-01-01", "2000-01-03", "2000-01-04"]
                    + list(pd.date_range("2000-02-01", periods=17))
                )
            )
        ),
        ValueError,
        "DatetimeIndex without a frequency",
    ),
    (
        "X missing at predict",
        lambda: _fitted_with_X()[0].predict(),
        ValueError,
        "X was passed to fit, so predict needs X",
    ),
    (
        "X short at predict",
        lambda: _fitted_with_X()[0].predict(X=_exog()[-1:]),
        ValueError,
        "X has no rows for 1 of the time points",
    ),
    (
        "X other columns",
        lambda: _fitted_with_X()[0].predict(X=_exog()[-2:].rename(columns={"a": "c"})),
        ValueError,
        "X must have the columns seen in fit, ['a', 'b']",
    ),
    (
        "update without X",
        lambda: _fitted_with_X()[0].update(_series()[-2:]),
        ValueError,
        "so update needs X",
    ),
    (
        "negative hidden_size",
        lambda: _fit(hidden_size=-1),
        ValueError,
        "hidden_size must be an int in [1, 4096], got -1",
    ),
    (
        "float window",
        lambda: _fit(window_length=2.5),
        ValueError,
        "window_length must be 'auto' or an int in [1, 1000000], got 2.5",
    ),
    (
        "dropout 1",
        lambda: _fit(dropout=1.0),
        ValueError,
        "dropout must be a float in [0, 1)",
    ),
    (
        "unknown cell",
        lambda: _fit(cell="transformer"),
        ValueError,
        "cell must be one of ['lstm', 'lstm_no_forget']",
    ),
    (
        "unknown registered cell",
        lambda: RecurrentForecaster(**TINY, cell="nope").fit(_series(), fh=[1]),
        ValueError,
        "cell must be one of",
    ),
    (
        "unknown strategy",
        lambda: _fit(strategy="multi"),
        ValueError,
        "strategy must be one of ['direct', 'recursive', 'seq2seq']",
    ),
    (
        "unknown loss",
        lambda: _fit(loss="poisson"),
        ValueError,
        "loss must be one of ['mase', 'mse', 'mae', 'huber', 'normal', 'quantile']",
    ),
    (
        "truncation > window",
        lambda: _fit(truncation_length=7),
        ValueError,
        "truncation_length must be at most window_length=6",
    ),
    (
        "clip norm 0",
        lambda: _fit(clip_grad_norm=0.0),
        ValueError,
        "clip_grad_norm must be a float in (0, 1e+30] or None, got 0.0",
    ),
    (
        "clip value negative",
        lambda: _fit(clip_grad_value=-1.0),
        ValueError,
        "clip_grad_value must be",
    ),
    (
        "bad quantiles",
        lambda: _fit(loss="quantile", quantiles=(0.9, 0.1)),
        ValueError,
        "quantiles must be 2 to 1000 increasing",
    ),
    (
        "stateful + window_norm",
        lambda: _fit(stateful=True),
        ValueError,
        "stateful=True needs window_norm=None",
    ),
    (
        "no CUDA",
        lambda: (
            _fit(device="cuda:7")
            if not torch.cuda.is_available()
            else pytest.skip("has CUDA")
        ),
        ValueError,
        "device must be 'auto' or one of ['cpu'], got 'cuda:7'",
    ),
    (
        "RNN with LSTM cell",
        lambda: RNNForecaster(**TINY, cell="lstm").fit(_series(), fh=[1]),
        ValueError,
        "['rnn_tanh', 'rnn_relu']",
    ),
    (
        "GRU bidirectional + truncation",
        lambda: GRUForecaster(**TINY, bidirectional=True, truncation_length=2).fit(
            _series(), fh=[1]
        ),
        ValueError,
        "truncation_length must be None when bidirectional=True",
    ),
]


@pytest.mark.parametrize(
    "call, exception, message",
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_bad_input_raises_a_clear_error(call, exception, message):
    with pytest.raises(exception) as info:
        call()
    assert message in str(info.value)


@pytest.mark.parametrize(
    "call, exception, message",
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_bad_input_is_refused_before_any_training(
    call, exception, message, monkeypatch
):
    # the predict and update cases get a forecaster fitted before the guard
    fitted = _fitted_with_X()
    monkeypatch.setitem(globals(), "_fitted_with_X", lambda: fitted)

    def no_training(self, *args, **kwargs):
        raise AssertionError("an epoch ran before the bad input was refused")

    monkeypatch.setattr(trainer_module.Trainer, "run_epoch", no_training)
    with pytest.raises(exception) as info:
        call()
    assert message in str(info.value)


def test_user_data_is_never_modified():
    y, X = _series(), _exog()
    y_nan = _with_nan(y)
    originals = [d.copy(deep=True) for d in (y, X, y_nan)]
    forecaster = _fit(y[:-2], X=X[:-2], loss="normal")
    forecaster.predict(X=X[-2:])
    forecaster.predict_interval(X=X[-2:])
    forecaster.update(y[-2:], X=X[-2:])
    with pytest.raises(ValueError):
        _fit(y_nan)
    for original, data in zip(originals, (y, X, y_nan), strict=True):
        assert original.equals(data)


# ------------------------------------------------------------ persistence
SAVE_CASES = [
    (LSTMForecaster, {}),
    (
        LSTMForecaster,
        {"cell": "lstm_no_forget", "num_layers": 2, "skip_connections": True},
    ),
    (LSTMForecaster, {"strategy": "recursive", "loss": "normal", "n_samples": 20}),
    (LSTMForecaster, {"strategy": "seq2seq", "loss": "quantile"}),
    (LSTMForecaster, {"stateful": True, "window_norm": None}),
    (LSTMForecaster, {"series_embedding_dim": 2, "n_models": 2}),
    (GRUForecaster, {"bidirectional": True}),
    (RNNForecaster, {"cell": "rnn_relu", "strategy": "recursive"}),
    (RecurrentForecaster, {"cell": "gru", "strategy": "seq2seq"}),
    # the hybrid: a statistical part with a learned correction
    (LSTMForecaster, {"base": "theta+damped"}),
    (GRUForecaster, {"base": "theta", "n_models": 2, "sp": 12}),
    (LSTMForecaster, {"base": "auto", "interval_calibration": "conformal"}),
]


@pytest.mark.parametrize("cls, params", SAVE_CASES)
def test_save_load_round_trip_predicts_identically(cls, params, tmp_path):
    y = load_airline()
    forecaster = cls(**{**TINY, **params}).fit(y, fh=[1, 3])
    path = save(forecaster, tmp_path / "model.safetensors")
    loaded = load(path)
    assert type(loaded) is cls and loaded.get_params() == forecaster.get_params()
    pd.testing.assert_series_equal(
        loaded.predict(fh=[1, 3]), forecaster.predict(fh=[1, 3])
    )
    if forecaster.get_tag("capability:pred_int"):
        pd.testing.assert_frame_equal(
            loaded.predict_interval(fh=[1, 3]), forecaster.predict_interval(fh=[1, 3])
        )
    # and they stay equal after an update
    new = pd.Series(
        [400.0, 410.0], index=pd.period_range("1961-01", periods=2, freq="M")
    )
    forecaster.update(new, update_params=False)
    loaded.update(new, update_params=False)
    after = loaded.predict(fh=[1, 3])
    pd.testing.assert_series_equal(after, forecaster.predict(fh=[1, 3]))
    # the loaded forecaster goes on from the new data
    expected_index = pd.PeriodIndex(["1961-03", "1961-05"], freq="M")
    pd.testing.assert_index_equal(after.index, expected_index, check_names=False)


def test_save_load_with_exogenous_data_and_method_form(tmp_path):
    y, X = _series(60, name=None), _exog(60)
    forecaster = GRUForecaster(**TINY).fit(y[:-2], X=X[:-2], fh=[1, 2])
    forecaster.save(tmp_path / "gru.safetensors", serialization_format="safetensors")
    loaded = load(tmp_path / "gru.safetensors")
    pd.testing.assert_series_equal(
        loaded.predict(X=X[-2:]), forecaster.predict(X=X[-2:])
    )


@pytest.fixture
def saved_file(tmp_path):
    forecaster = LSTMForecaster(**TINY).fit(load_airline(), fh=[1])
    return save(forecaster, tmp_path / "model.safetensors")


def test_a_flipped_byte_is_detected(saved_file):
    data = bytearray(saved_file.read_bytes())
    header_end = 8 + int.from_bytes(data[:8], "little")
    for position in [len(data) - 5, (header_end + len(data)) // 2]:  # in the weights
        tampered = data.copy()
        tampered[position] ^= 0x01
        saved_file.write_bytes(bytes(tampered))
        with pytest.raises(PersistenceError, match="changed after it was saved"):
            load(saved_file)
    tampered = data.copy()
    tampered[header_end - 20] ^= 0x01  # in the JSON header
    saved_file.write_bytes(bytes(tampered))
    with pytest.raises(PersistenceError):
        load(saved_file)


def test_a_cut_file_is_refused(saved_file):
    data = saved_file.read_bytes()
    for length in [len(data) - 100, 50, 5]:
        saved_file.write_bytes(data[:length])
        with pytest.raises(PersistenceError, match="not a complete sktime-rnn"):
            load(saved_file)


class _Payload:
    """Unpickling this would write a marker file: proof of code execution."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_loading_never_executes_a_pickled_payload(tmp_path):
    marker = tmp_path / "executed"
    path = tmp_path / "evil.safetensors"
    path.write_bytes(pickle.dumps(_Payload(marker)))
    with pytest.raises(PersistenceError):
        load(path)
    assert not marker.exists()
    # a pickle smuggled into a valid safetensors header is only ever JSON text
    from safetensors.torch import save as to_bytes

    payload = pickle.dumps(_Payload(marker)).hex()
    path.write_bytes(to_bytes({"x": torch.zeros(1)}, metadata={"sktime_rnn": payload}))
    with pytest.raises(PersistenceError):
        load(path)
    assert not marker.exists()


def test_pickle_save_of_sktime_still_works(tmp_path):
    from sktime.base import load as sktime_load

    forecaster = LSTMForecaster(**TINY).fit(load_airline(), fh=[1, 2])
    forecaster.save(tmp_path / "pickled")
    loaded = sktime_load(tmp_path / "pickled.zip")
    pd.testing.assert_series_equal(loaded.predict(), forecaster.predict())


# ---------------------------------------------------- interruption, resume
def _interrupt_epoch(monkeypatch, at_call):
    original = trainer_module.Trainer.run_epoch
    calls = {"n": 0}

    def run_epoch(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == at_call:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(trainer_module.Trainer, "run_epoch", run_epoch)


def test_ctrl_c_keeps_the_last_completed_epoch(monkeypatch):
    y = load_airline()
    params = {**TINY, "max_epochs": 6}
    three_epochs = LSTMForecaster(**{**params, "max_epochs": 3}).fit(y, fh=[1])
    _interrupt_epoch(monkeypatch, at_call=4)
    with pytest.warns(UserWarning, match="interrupted in epoch 4"):
        forecaster = LSTMForecaster(**params).fit(y, fh=[1])
    assert forecaster.is_fitted
    assert forecaster.history_.stopped_early == "interrupted"
    pd.testing.assert_series_equal(forecaster.predict(), three_epochs.predict())


def test_ctrl_c_in_the_first_epoch_leaves_the_forecaster_unfitted(monkeypatch):
    _interrupt_epoch(monkeypatch, at_call=1)
    forecaster = LSTMForecaster(**TINY)
    with pytest.raises(KeyboardInterrupt):
        forecaster.fit(load_airline(), fh=[1])
    assert not forecaster.is_fitted


def test_checkpointed_fit_resumes_to_the_uninterrupted_result(monkeypatch, tmp_path):
    y = load_airline()
    params = {**TINY, "max_epochs": 6}
    uninterrupted = LSTMForecaster(**params).fit(y, fh=[1]).predict()
    with monkeypatch.context() as patch:
        _interrupt_epoch(patch, at_call=4)
        with pytest.warns(UserWarning, match="interrupted"):
            LSTMForecaster(**params, checkpoint_dir=tmp_path).fit(y, fh=[1])
    resumed = LSTMForecaster(**params, checkpoint_dir=tmp_path).fit(y, fh=[1])
    assert len(resumed.history_.epoch_losses) == 6
    pd.testing.assert_series_equal(resumed.predict(), uninterrupted)
    # another horizon is another fit: it does not resume from this checkpoint
    other = LSTMForecaster(**params, checkpoint_dir=tmp_path).fit(y, fh=[1, 2])
    assert len(list(tmp_path.glob("*.pt"))) == 2
    assert len(other.history_.epoch_losses) == 6


# ------------------------------------------------------------ determinism
DETERMINISM = {**TINY, "num_threads": 1, "max_epochs": 3}


def _fit_predict(params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        forecaster = LSTMForecaster(**params).fit(load_airline(), fh=[1, 2, 3])
        return forecaster.predict().to_numpy()


def test_same_seed_same_forecast_in_process_and_in_a_loky_worker():
    from joblib import Parallel, delayed

    here = _fit_predict(DETERMINISM)
    assert np.array_equal(here, _fit_predict(DETERMINISM))
    there = Parallel(n_jobs=2, backend="loky")(
        delayed(_fit_predict)(DETERMINISM) for _ in range(2)
    )
    for result in there:
        assert np.array_equal(here, result)


@pytest.mark.slow
def test_same_seed_same_forecast_in_a_dask_worker():
    distributed = pytest.importorskip("distributed")  # installed by the dev extra
    here = _fit_predict(DETERMINISM)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        there = client.submit(_fit_predict, DETERMINISM).result()
    assert np.array_equal(here, there)
