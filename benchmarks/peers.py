"""The peers, Darts ``BlockRNNModel`` and neuralforecast ``LSTM``, behind one interface.

Neither is a dependency of sktime_rnn: they live in their own environment
(``benchmarks/make_peers_env.sh`` builds it) and are imported only when a
method runs. Each adapter fits on a 1-D array and forecasts the next ``h``
steps from its end; ``fit_predict`` does both. The benchmarks time ``fit`` and
``predict`` separately.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

_QUIET_TRAINER = {
    "accelerator": "cpu",
    "enable_progress_bar": False,
    "enable_model_summary": False,
    "logger": False,
    "enable_checkpointing": False,
}


def _quiet_lightning() -> None:
    for name in ("pytorch_lightning", "lightning", "lightning.pytorch"):
        logging.getLogger(name).setLevel(logging.ERROR)


class _Peer:
    def fit_predict(self, y, h: int) -> np.ndarray:
        return self.fit(np.asarray(y)).predict()[:h]


class DartsBlockRNN(_Peer):
    """Darts ``BlockRNNModel(model="LSTM")`` on min-max scaled data (its examples' way).

    Darts has no default window or horizon: ``input_chunk_length`` and ``h``
    are required; ``model_kwargs`` override its other defaults.
    """

    name = "Darts BlockRNN"

    def __init__(self, input_chunk_length: int, h: int, **model_kwargs):
        self.input_chunk_length = input_chunk_length
        self.h = h
        self.model_kwargs = model_kwargs

    def fit(self, y: np.ndarray):
        from darts import TimeSeries
        from darts.dataprocessing.transformers import Scaler
        from darts.models import BlockRNNModel

        _quiet_lightning()
        self.scaler_ = Scaler()
        series = self.scaler_.fit_transform(
            TimeSeries.from_values(y.astype(np.float32))
        )
        self.model_ = BlockRNNModel(
            input_chunk_length=self.input_chunk_length,
            output_chunk_length=self.h,
            model="LSTM",
            random_state=0,
            pl_trainer_kwargs=_QUIET_TRAINER,
            **self.model_kwargs,
        )
        self.model_.fit(series, verbose=False)
        return self

    def predict(self) -> np.ndarray:
        forecast = self.model_.predict(self.h, verbose=False)
        return self.scaler_.inverse_transform(forecast).values().ravel()


class NeuralForecastLSTM(_Peer):
    """neuralforecast ``LSTM(h=h)``; ``model_kwargs`` override its defaults."""

    name = "neuralforecast LSTM"

    def __init__(self, h: int, **model_kwargs):
        self.h = h
        self.model_kwargs = model_kwargs

    def fit(self, y: np.ndarray):
        from neuralforecast import NeuralForecast
        from neuralforecast.models import LSTM

        _quiet_lightning()
        frame = pd.DataFrame({"unique_id": "s", "ds": np.arange(len(y)), "y": y})
        trainer = {
            k: v for k, v in _QUIET_TRAINER.items() if k != "enable_checkpointing"
        }
        model = LSTM(h=self.h, random_seed=0, **trainer, **self.model_kwargs)
        self.model_ = NeuralForecast(models=[model], freq=1)
        self.model_.fit(frame)
        return self

    def predict(self) -> np.ndarray:
        return self.model_.predict()["LSTM"].to_numpy(float)


def matched(
    peer: str,
    window_length: int,
    h: int,
    hidden_size: int,
    batch_size: int,
    epochs: int,
    n_windows: int,
):
    """A peer configured to the fixed benchmark configuration, same optimiser steps.

    Darts trains ``epochs`` epochs over all windows; neuralforecast counts
    optimiser steps (``max_steps``) of ``windows_batch_size`` windows, so it
    gets the number of steps Darts and ours take. Neither validates nor stops
    early; one recurrent layer, no dropout.
    """
    if peer == DartsBlockRNN.name:
        return DartsBlockRNN(
            window_length,
            h,
            hidden_dim=hidden_size,
            n_rnn_layers=1,
            batch_size=batch_size,
            n_epochs=epochs,
        )
    steps = epochs * -(-n_windows // batch_size)
    return NeuralForecastLSTM(
        h,
        input_size=window_length,
        encoder_hidden_size=hidden_size,
        encoder_n_layers=1,
        decoder_hidden_size=hidden_size,
        decoder_layers=1,
        batch_size=1,
        windows_batch_size=batch_size,
        max_steps=steps,
        val_check_steps=steps + 1,
        scaler_type="identity",
    )


PEERS = {peer.name: peer for peer in (DartsBlockRNN, NeuralForecastLSTM)}
