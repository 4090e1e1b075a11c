"""The hyper-parameters a fit runs with: checked, as plain Python values, typed.

The forecasters' ``resolve_params`` builds a :class:`Config` from their
attributes after checking each against the table of allowed values; the
engine reads only this copy, never the estimator. Values of "auto" are still
"auto" here: the fit plan (``_plan``) resolves them, and nothing after it
reads them.
"""

from __future__ import annotations

__all__ = ["Config"]

import dataclasses
from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True, eq=False)
class Config:
    """Every hyper-parameter of a forecaster, plus the device they resolve to.

    The attributes are the constructor's parameters (see
    :class:`~sktime_rnn.forecasting.LSTMForecaster`), as plain Python values:
    ``quantiles`` and ``callbacks`` become tuples, ``verbose`` an int,
    ``checkpoint_dir`` a str. ``torch_device`` is the ``torch.device`` that
    ``device`` names on this machine.
    """

    window_length: int | str
    sp: int | str
    base: str | None
    shrinkage: float | str
    strategy: str
    window_norm: str | None
    hidden_size: int
    num_layers: int
    dropout: float
    cell: str | None
    bidirectional: bool
    skip_connections: bool
    init: str
    forget_bias: float | None
    truncation_length: int | None
    stateful: bool
    clip_grad_norm: float | None
    clip_grad_value: float | None
    loss: str
    quantiles: tuple
    n_samples: int
    scheduled_sampling: float
    optimizer: str
    lr: float | str
    weight_decay: float
    lr_schedule: str | type | None
    lr_schedule_kwargs: dict | None
    max_epochs: int
    max_steps: int | None
    batch_size: int | str
    validation_size: int | float | str | None
    early_stopping: bool
    patience: int | str | None
    min_delta: float
    interval_calibration: str | None
    n_models: int
    series_embedding_dim: int
    update_epochs: int
    fine_tune_epochs: int
    on_nonfinite: str
    checkpoint_dir: str | None
    random_state: int | np.random.RandomState | None
    device: str
    num_threads: int | None
    verbose: int
    callbacks: tuple
    torch_device: torch.device

    def replace(self, **changes) -> Config:
        """A copy with ``changes``."""
        return dataclasses.replace(self, **changes)
