"""Ctrl-C and checkpoints: finished training is never thrown away, resumes are exact."""

import warnings

import pandas as pd
import pytest
from sktime.datasets import load_airline

import sktime_rnn.training.trainer as trainer_module
from sktime_rnn import LSTMForecaster
from sktime_rnn.networks.model import ForecastNetwork
from sktime_rnn.training.checkpoint import Checkpoint, CheckpointError

# two layers with dropout: a resumed fit must also continue the dropout masks
PARAMS = {
    "base": None,
    "early_stopping": False,  # every epoch counts: interruptions are by epoch
    "window_length": 6,
    "hidden_size": 4,
    "num_layers": 2,
    "dropout": 0.2,
    "batch_size": 32,
    "max_epochs": 5,
    "random_state": 0,
}


def _quietly(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def _fit(**params):
    forecaster = LSTMForecaster(**{**PARAMS, **params})
    return _quietly(forecaster.fit, load_airline(), fh=[1, 2])


def _interrupt(monkeypatch, owner, name, at_call):
    original = getattr(owner, name)
    calls = {"n": 0}

    def interrupted(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == at_call:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, interrupted)


def test_ctrl_c_while_writing_a_checkpoint_keeps_the_epoch_just_finished(
    monkeypatch, tmp_path
):
    three_epochs = _fit(max_epochs=3).predict()
    _interrupt(monkeypatch, Checkpoint, "save", at_call=3)
    with pytest.warns(UserWarning, match="keeps the weights after epoch 3"):
        forecaster = LSTMForecaster(**PARAMS, checkpoint_dir=tmp_path).fit(
            load_airline(), fh=[1, 2]
        )
    assert forecaster.history_.stop_reason == "interrupted"
    pd.testing.assert_series_equal(forecaster.predict(), three_epochs)


def test_ctrl_c_in_the_final_gradient_check_keeps_the_whole_training(monkeypatch):
    complete = _fit().predict()
    _interrupt(monkeypatch, ForecastNetwork, "gradient_flow", at_call=1)
    with pytest.warns(UserWarning, match="interrupted"):
        forecaster = LSTMForecaster(**PARAMS).fit(load_airline(), fh=[1, 2])
    assert len(forecaster.history_.epoch_losses) == PARAMS["max_epochs"]
    pd.testing.assert_series_equal(forecaster.predict(), complete)


def test_ctrl_c_stops_the_whole_ensemble_and_keeps_the_members_that_trained(
    monkeypatch,
):
    epochs = PARAMS["max_epochs"]
    _interrupt(monkeypatch, trainer_module.Trainer, "run_epoch", at_call=epochs + 3)
    with pytest.warns(UserWarning, match="keeps the 2 of its 3 members"):
        forecaster = LSTMForecaster(**PARAMS, n_models=3).fit(load_airline(), fh=[1, 2])
    histories = forecaster.fitted_state_.histories
    assert [len(h.epoch_losses) for h in histories] == [epochs, 2]
    assert len(forecaster.network_.members) == 2


def test_an_interrupted_ensemble_resumes_to_the_uninterrupted_result(
    monkeypatch, tmp_path
):
    uninterrupted = _fit(n_models=2).predict()
    with monkeypatch.context() as patch:
        _interrupt(patch, trainer_module.Trainer, "run_epoch", PARAMS["max_epochs"] + 3)
        _quietly(
            LSTMForecaster(**PARAMS, n_models=2, checkpoint_dir=tmp_path).fit,
            load_airline(),
            fh=[1, 2],
        )
    resumed = _fit(n_models=2, checkpoint_dir=tmp_path)
    pd.testing.assert_series_equal(resumed.predict(), uninterrupted)


def test_a_single_model_resumes_to_the_uninterrupted_result(monkeypatch, tmp_path):
    uninterrupted = _fit().predict()
    with monkeypatch.context() as patch:
        _interrupt(patch, trainer_module.Trainer, "run_epoch", at_call=3)
        _quietly(
            LSTMForecaster(**PARAMS, checkpoint_dir=tmp_path).fit,
            load_airline(),
            fh=[1, 2],
        )
    pd.testing.assert_series_equal(
        _fit(checkpoint_dir=tmp_path).predict(), uninterrupted
    )


def test_a_corrupt_checkpoint_is_refused_naming_the_file(tmp_path):
    _fit(checkpoint_dir=tmp_path)
    (checkpoint,) = tmp_path.glob("*.pt")
    checkpoint.write_bytes(checkpoint.read_bytes()[:100])
    with pytest.raises(CheckpointError, match=f"{checkpoint.name}.* delete it"):
        _fit(checkpoint_dir=tmp_path)


def test_an_unusable_checkpoint_dir_is_refused_before_any_training(
    monkeypatch, tmp_path
):
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    _interrupt(monkeypatch, trainer_module.Trainer, "run_epoch", at_call=1)
    with pytest.raises(CheckpointError, match="checkpoint_dir=.* cannot be used"):
        _fit(checkpoint_dir=not_a_directory / "checkpoints")
