"""Build the network and trainer an estimator's hyper-parameters describe."""

from __future__ import annotations

__all__ = ["build_network", "build_trainer"]

from sktime_rnn.networks import RecurrentEncoder
from sktime_rnn.networks.likelihoods import make_likelihood
from sktime_rnn.networks.model import (
    DirectForecastNetwork,
    EnsembleNetwork,
    Seq2SeqForecastNetwork,
)
from sktime_rnn.training import Trainer


def _encoder(estimator, cell: str, input_size: int, bidirectional: bool, skip: bool):
    return RecurrentEncoder(
        cell,
        input_size=input_size,
        hidden_size=estimator.hidden_size,
        num_layers=estimator.num_layers,
        dropout=estimator.dropout,
        bidirectional=bidirectional,
        skip_connections=skip,
        init=estimator.init,
        forget_bias=estimator.forget_bias,
    )


def build_network(
    estimator, cell: str, n_targets: int, n_exog: int, n_steps: int, n_series: int
):
    """The network of ``estimator``'s strategy, cell, likelihood and ``n_models``.

    ``n_steps`` is the number of horizon steps the network outputs: the fitted
    steps (direct), 1 (recursive) or all steps up to the largest (seq2seq).
    With ``n_models`` above 1, an :class:`EnsembleNetwork` of that many members,
    each initialised from the global torch generator in turn.
    """
    members = [
        _single_network(estimator, cell, n_targets, n_exog, n_steps, n_series)
        for _ in range(estimator.n_models)
    ]
    return members[0] if len(members) == 1 else EnsembleNetwork(members)


def members_of(network) -> list:
    """The networks trained one by one: the members of an ensemble, or itself."""
    return list(network.members) if isinstance(network, EnsembleNetwork) else [network]


def _single_network(estimator, cell, n_targets, n_exog, n_steps, n_series):
    encoder = _encoder(
        estimator,
        cell,
        n_targets + n_exog + estimator.series_embedding_dim,
        estimator.bidirectional,
        estimator.skip_connections,
    )
    common = {
        "n_targets": n_targets,
        "n_steps": n_steps,
        "n_exogenous": n_exog,
        "window_norm": estimator.window_norm,
        "likelihood": make_likelihood(estimator.loss, estimator.quantiles),
        "n_series": n_series,
        "embedding_dim": estimator.series_embedding_dim,
    }
    if estimator.strategy != "seq2seq":
        return DirectForecastNetwork(encoder, **common)
    decoder_input = n_exog + encoder.output_size + 1
    decoder = _encoder(estimator, cell, decoder_input, False, False)
    return Seq2SeqForecastNetwork(encoder, decoder, **common)


def build_trainer(estimator, device, max_epochs: int) -> Trainer:
    """The trainer for ``estimator``'s optimisation hyper-parameters."""
    recursive_rollout = (
        estimator.strategy == "recursive" and estimator.scheduled_sampling > 0
    )
    return Trainer(
        max_epochs=max_epochs,
        batch_size=estimator.batch_size,
        lr=estimator.lr,
        optimizer=estimator.optimizer,
        clip_grad_norm=estimator.clip_grad_norm,
        clip_grad_value=estimator.clip_grad_value,
        truncation_length=estimator.truncation_length,
        scheduled_sampling=estimator.scheduled_sampling if recursive_rollout else None,
        on_nonfinite=estimator.on_nonfinite,
        device=device,
        verbose=estimator.verbose,
    )
