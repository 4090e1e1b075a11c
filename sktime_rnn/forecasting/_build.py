"""Build the network and trainer that resolved hyper-parameters describe."""

from __future__ import annotations

__all__ = ["build_network", "build_trainer", "members_of"]

import torch

from sktime_rnn.forecasting._params import optimisation_settings
from sktime_rnn.networks import RecurrentEncoder
from sktime_rnn.networks.hybrid import HybridForecastNetwork
from sktime_rnn.networks.likelihoods import make_likelihood
from sktime_rnn.networks.model import (
    DirectForecastNetwork,
    EnsembleNetwork,
    Seq2SeqForecastNetwork,
)
from sktime_rnn.training import Trainer
from sktime_rnn.training.runtime import global_rng_from


def _encoder(params, cell: str, input_size: int, bidirectional: bool, skip: bool):
    return RecurrentEncoder(
        cell,
        input_size=input_size,
        hidden_size=params.hidden_size,
        num_layers=params.num_layers,
        dropout=params.dropout,
        bidirectional=bidirectional,
        skip_connections=skip,
        init=params.init,
        forget_bias=params.forget_bias,
    )


def build_network(
    params,
    cell: str,
    n_targets: int,
    n_exog: int,
    n_steps: int,
    n_series: int,
    generator: torch.Generator,
    n_members: int | None = None,
    base: str | None = None,
):
    """The network of the strategy, cell, likelihood and ``n_models`` of ``params``.

    ``n_steps`` is the number of horizon steps the network outputs: the fitted
    steps (direct), 1 (recursive) or all steps up to the largest (seq2seq, and
    the hybrid of a statistical ``base``: a
    :class:`~sktime_rnn.networks.hybrid.HybridForecastNetwork`).
    With more than one member (``n_members``, default ``params.n_models``), an
    :class:`EnsembleNetwork`. Every initial weight is drawn from ``generator``
    (through :func:`global_rng_from`, since module constructors draw from
    torch's global generator), members one after the other.
    """
    n_members = params.n_models if n_members is None else n_members
    with global_rng_from(generator):
        members = [
            _hybrid_network(params, cell, n_steps)
            if base is not None
            else _single_network(params, cell, n_targets, n_exog, n_steps, n_series)
            for _ in range(n_members)
        ]
    network = members[0] if len(members) == 1 else EnsembleNetwork(members)
    return network.to(params.torch_device)


def members_of(network) -> list:
    """The networks trained one by one: the members of an ensemble, or itself."""
    return list(network.members) if isinstance(network, EnsembleNetwork) else [network]


def _hybrid_network(params, cell, n_steps):
    # inputs: the values before the origin (relative to its level) and a mask
    encoder = _encoder(params, cell, 2, params.bidirectional, params.skip_connections)
    return HybridForecastNetwork(encoder, n_steps, params.loss)


def _single_network(params, cell, n_targets, n_exog, n_steps, n_series):
    encoder = _encoder(
        params,
        cell,
        n_targets + n_exog + params.series_embedding_dim,
        params.bidirectional,
        params.skip_connections,
    )
    common = {
        "n_targets": n_targets,
        "n_steps": n_steps,
        "n_exogenous": n_exog,
        "window_norm": params.window_norm,
        "likelihood": make_likelihood(params.loss, params.quantiles),
        "n_series": n_series,
        "embedding_dim": params.series_embedding_dim,
    }
    if params.strategy != "seq2seq":
        return DirectForecastNetwork(encoder, **common)
    decoder_input = n_exog + encoder.output_size + 1
    decoder = _encoder(params, cell, decoder_input, False, False)
    return Seq2SeqForecastNetwork(encoder, decoder, **common)


def build_trainer(
    params,
    max_epochs: int,
    generator: torch.Generator,
    callbacks=(),
    on_interrupt: str = "keep",
    schedule: bool = True,
    early_stopping: bool = False,
    hybrid: bool = False,
    one_series: bool = False,
) -> Trainer:
    """The trainer for the optimisation hyper-parameters of ``params``.

    ``early_stopping``: whether this fit stops early (``params.early_stopping``
    where there are validation windows). ``schedule=False`` (fine-tuning in
    ``update``) trains at the optimiser's current learning rate without a
    schedule, a step budget or early stopping. ``hybrid``: whether the network
    is a hybrid, ``one_series``: whether it trains on one series (for
    ``lr``, ``batch_size`` and ``patience`` "auto").
    """
    recursive_rollout = params.strategy == "recursive" and params.scheduled_sampling > 0
    lr, batch_size, patience = optimisation_settings(params, hybrid, one_series)
    return Trainer(
        max_epochs=max_epochs,
        batch_size=batch_size,
        lr=lr,
        optimizer=params.optimizer,
        weight_decay=params.weight_decay,
        lr_schedule=params.lr_schedule if schedule else None,
        clip_grad_norm=params.clip_grad_norm,
        clip_grad_value=params.clip_grad_value,
        truncation_length=params.truncation_length,
        scheduled_sampling=params.scheduled_sampling if recursive_rollout else None,
        max_steps=params.max_steps if schedule else None,
        early_stopping=early_stopping and schedule,
        patience=patience,
        min_delta=params.min_delta,
        on_nonfinite=params.on_nonfinite,
        on_interrupt=on_interrupt,
        callbacks=callbacks,
        verbose=int(params.verbose),
        device=params.torch_device,
        generator=generator,
    )
