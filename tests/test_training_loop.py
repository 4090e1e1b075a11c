"""Training a user can watch and steer: validation, early stopping, schedules, logs."""

import logging
import math

import numpy as np
import pandas as pd
import pytest
import torch
from sktime.datasets import load_airline

from sktime_rnn import GRUForecaster, LSTMForecaster, load, save
from sktime_rnn.exceptions import InvalidDataError
from sktime_rnn.training.windows import SlidingWindows

pytestmark = pytest.mark.usefixtures("quiet")

PARAMS = {
    "window_length": 12,
    "hidden_size": 8,
    "random_state": 0,
    "batch_size": 32,
    "base": None,  # the plain network's sliding windows
}


def _ar1(n, seed=0, phi=0.7):
    noise = np.random.default_rng(seed).normal(size=n)
    values = np.zeros(n)
    for t in range(1, n):
        values[t] = phi * values[t - 1] + noise[t]
    return pd.Series(values)


# ---------------------------------------------------------------- the split
@pytest.mark.parametrize("validation_size", [1, 3, 0.25])
@pytest.mark.parametrize("steps", [[1], [1, 2, 3], [2, 5]])
def test_validation_windows_are_the_latest_and_no_window_straddles(
    validation_size, steps
):

    lengths = [30, 17, 24]
    series = [torch.arange(float(n)).unsqueeze(1) for n in lengths]
    train, val = SlidingWindows.split(series, 4, steps, 1, validation_size)
    offsets = np.cumsum([0] + lengths[:-1])
    for number, (offset, length) in enumerate(zip(offsets, lengths, strict=True)):
        mine = [s for s in val.starts.tolist() if offset <= s < offset + length]
        if not mine:
            continue
        first_target = min(mine) + 4 + min(steps) - 1  # earliest validation target
        last_window = length - (4 + max(steps))  # the series' latest window start
        assert max(mine) - offset == last_window  # validation ends at the end
        trained = [s for s in train.starts.tolist() if offset <= s < offset + length]
        # a training window ends, targets included, before any validation target
        assert max(trained) + 4 + max(steps) - 1 < first_target, number
        if isinstance(validation_size, int):
            assert len(mine) == validation_size


def test_a_split_that_leaves_no_validation_window_is_refused_clearly():
    with pytest.raises(ValueError, match="validation_size=200 .* longest has 144"):
        LSTMForecaster(**PARAMS, validation_size=200).fit(load_airline(), fh=[1])
    # shorter than the data, but more windows than the data give
    with pytest.raises(ValueError, match="validation_size=140 leaves no validation"):
        LSTMForecaster(**PARAMS, validation_size=140).fit(load_airline(), fh=[1])


# ----------------------------------------------------------- early stopping
def test_early_stopping_keeps_the_best_epoch_exactly():
    y = load_airline()
    common = {**PARAMS, "validation_size": 12, "max_epochs": 60}
    stopped = LSTMForecaster(**common, early_stopping=True, patience=3).fit(
        y, fh=[1, 2, 3]
    )
    history = stopped.history_
    assert history.stop_reason == "early_stopping"
    assert len(history.val_losses) < 60
    best = int(np.argmin(history.val_losses)) + 1
    assert history.best_epoch == best
    assert len(history.val_losses) == best + 3  # patience epochs after the best
    exact = LSTMForecaster(**{**common, "max_epochs": best}).fit(y, fh=[1, 2, 3])
    pd.testing.assert_series_equal(stopped.predict(), exact.predict())
    # the forecast reads the latest values, the validation period included
    assert stopped.cutoff[0] == y.index[-1]


def test_validation_loss_is_recorded_without_early_stopping():
    forecaster = GRUForecaster(**PARAMS, validation_size=0.1, max_epochs=4).fit(
        load_airline(), fh=[1]
    )
    frame = forecaster.history_.to_frame()
    assert list(frame.columns) == ["epoch", "train_loss", "val_loss", "lr"]
    assert frame["val_loss"].notna().all() and len(frame) == 4
    assert forecaster.history_.stop_reason == "max_epochs"


# ---------------------------------------------------------------- schedules
@pytest.mark.parametrize("schedule", ["cosine", "onecycle", "plateau", None])
def test_learning_rate_schedules_are_recorded_per_epoch(schedule):
    forecaster = LSTMForecaster(
        **PARAMS, lr=0.01, max_epochs=8, lr_schedule=schedule, validation_size=6
    ).fit(load_airline(), fh=[1])
    lrs = forecaster.history_.lrs
    assert len(lrs) == 8
    if schedule is None:
        assert set(lrs) == {0.01}
    if schedule == "cosine":
        expected = [0.005 * (1 + math.cos(math.pi * e / 8)) for e in range(8)]
        np.testing.assert_allclose(lrs, expected, rtol=1e-9)
    if schedule == "onecycle":
        assert max(lrs) <= 0.01 and lrs[0] < 0.01 / 10 and lrs[-1] < lrs[3]
    if schedule == "plateau":
        assert all(b <= a for a, b in zip(lrs, lrs[1:], strict=False))


def test_weight_decay_shrinks_the_weights():
    def weight_norm(decay):
        forecaster = LSTMForecaster(
            **PARAMS, optimizer="adamw", weight_decay=decay, max_epochs=20
        ).fit(load_airline(), fh=[1])
        return sum(p.norm() ** 2 for p in forecaster.network_.parameters()).item()

    assert weight_norm(0.5) < weight_norm(0.0)


# ------------------------------------------------------- watching the fit
def test_verbose_1_leaves_a_bar_with_the_losses(capsys):
    LSTMForecaster(**PARAMS, max_epochs=5, validation_size=6, verbose=1).fit(
        load_airline(), fh=[1]
    )
    shown = capsys.readouterr().err
    last = shown.replace("\r", "\n").strip().splitlines()[-1]
    assert "5/5" in last and "train=" in last and "val=" in last


def test_verbose_2_logs_one_line_per_epoch_to_a_handler_of_the_logger(capfd):
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("sktime_rnn")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        LSTMForecaster(**PARAMS, max_epochs=4, verbose=2).fit(load_airline(), fh=[1])
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    lines = [record.getMessage() for record in records]
    assert len(lines) == 4
    assert lines[0].startswith("epoch 1/4: train loss ")
    assert "epoch 1/4" not in capfd.readouterr().err  # logged, not printed too


def test_a_callback_sees_every_epoch_and_can_stop_the_fit():
    seen = []

    def stop_at_three(forecaster, info):
        seen.append((type(forecaster).__name__, info["epoch"], info["train_loss"]))
        return info["epoch"] == 3

    forecaster = LSTMForecaster(**PARAMS, max_epochs=10, callbacks=[stop_at_three]).fit(
        load_airline(), fh=[1]
    )
    assert [epoch for _, epoch, _ in seen] == [1, 2, 3]
    assert seen[0][0] == "LSTMForecaster"
    assert forecaster.history_.stop_reason == "callback"
    assert len(forecaster.history_.epoch_losses) == 3


# -------------------------------------------------------------- intervals
def test_a_point_forecaster_refuses_intervals_naming_both_ways():
    forecaster = LSTMForecaster(**PARAMS, max_epochs=1).fit(load_airline(), fh=[1])
    with pytest.raises(NotImplementedError) as caught:
        forecaster.predict_interval()
    message = str(caught.value)
    assert "loss='normal'" in message and "interval_calibration='conformal'" in message


def _rolling_coverage(forecaster, y, start):
    covered = {0.8: [], 0.95: []}
    for t in range(start, len(y)):
        if t > start:
            forecaster.update(y[t - 1 : t], update_params=False)
        row = forecaster.predict_interval(coverage=[0.8, 0.95]).iloc[0].to_numpy()
        covered[0.8].append(row[0] <= y[t] <= row[1])
        covered[0.95].append(row[2] <= y[t] <= row[3])
    return {level: float(np.mean(hits)) for level, hits in covered.items()}


@pytest.mark.parametrize("loss", ["mse", "normal", "quantile"])
def test_conformal_intervals_cover_as_the_true_model_does(loss):
    y = _ar1(1700, seed=3)
    forecaster = LSTMForecaster(
        **{**PARAMS, "window_length": 10, "batch_size": 64},
        window_norm=None,
        max_epochs=5,
        loss=loss,
        validation_size=0.2,
        interval_calibration="conformal",
    ).fit(y[:1200], fh=[1])
    coverage = _rolling_coverage(forecaster, y, 1200)
    errors = np.abs(y[1200:].to_numpy() - 0.7 * y[1199:-1].to_numpy())
    for level, z in ((0.8, 1.2816), (0.95, 1.96)):
        oracle = float(np.mean(errors <= z))  # the true AR(1) interval's coverage
        assert abs(coverage[level] - oracle) <= 0.04, (level, coverage, oracle)


def test_calibrated_intervals_survive_saving(tmp_path):
    forecaster = LSTMForecaster(
        **PARAMS,
        max_epochs=2,
        validation_size=10,
        interval_calibration="conformal",
    ).fit(load_airline(), fh=[1, 2])
    loaded = load(save(forecaster, tmp_path / "f.safetensors"))
    pd.testing.assert_frame_equal(
        loaded.predict_interval(coverage=0.9), forecaster.predict_interval(coverage=0.9)
    )
    intervals = forecaster.predict_interval(coverage=[0.5, 0.9])
    narrow = intervals.iloc[:, 1] - intervals.iloc[:, 0]
    wide = intervals.iloc[:, 3] - intervals.iloc[:, 2]
    assert (wide > narrow).all()


def test_auto_validation_steps_aside_on_a_series_too_short_to_hold_out():
    # a series with 3 windows: "auto" (3 held out) trains on all of them
    y = pd.Series(np.sin(np.arange(9.0)))
    params = {"hidden_size": 4, "max_epochs": 2, "window_length": 4, "base": None}
    forecaster = LSTMForecaster(**params).fit(y, fh=[1, 2, 3])
    assert forecaster.history_.val_losses == []
    assert np.isfinite(forecaster.predict()).all()
    # an explicit size insists, and so does calibration, which needs them
    with pytest.raises(InvalidDataError, match="validation_size=3 leaves no"):
        LSTMForecaster(**params, validation_size=3).fit(y, fh=[1, 2, 3])
    with pytest.raises(
        InvalidDataError, match="interval_calibration='conformal' needs"
    ):
        LSTMForecaster(**params, interval_calibration="conformal").fit(y, fh=[1, 2, 3])
