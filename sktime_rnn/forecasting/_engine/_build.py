"""Build the network and the trainer a fit plan describes."""

from __future__ import annotations

__all__ = ["build_network", "build_trainer", "encoder", "members_of"]

import torch

from sktime_rnn.networks import RecurrentEncoder
from sktime_rnn.networks.model import EnsembleNetwork
from sktime_rnn.training import Trainer
from sktime_rnn.training.runtime import global_rng_from


def encoder(config, cell: str, input_size: int, bidirectional: bool, skip: bool):
    """The recurrent encoder of ``config``'s sizes, dropout and initialisation."""
    return RecurrentEncoder(
        cell,
        input_size=input_size,
        hidden_size=config.hidden_size,
        num_layers=config.num_layers,
        dropout=config.dropout,
        bidirectional=bidirectional,
        skip_connections=skip,
        init=config.init,
        forget_bias=config.forget_bias,
    )


def build_network(
    plan,
    n_targets: int,
    n_exog: int,
    n_series: int,
    generator: torch.Generator,
    n_members: int | None = None,
):
    """The network of ``plan``: its kind's, one per member of ``n_models``.

    With more than one member (``n_members``, default the plan's
    ``n_models``), an :class:`EnsembleNetwork`. Every initial weight is drawn
    from ``generator`` (through :func:`global_rng_from`, since module
    constructors draw from torch's global generator), members one after the
    other.
    """
    config = plan.config
    n_members = config.n_models if n_members is None else n_members
    with global_rng_from(generator):
        members = [
            plan.kind.build_member(plan, n_targets, n_exog, n_series)
            for _ in range(n_members)
        ]
    network = members[0] if len(members) == 1 else EnsembleNetwork(members)
    return network.to(config.torch_device)


def members_of(network) -> list:
    """The networks trained one by one: the members of an ensemble, or itself."""
    return list(network.members) if isinstance(network, EnsembleNetwork) else [network]


def build_trainer(
    plan,
    max_epochs: int,
    generator: torch.Generator,
    callbacks=(),
    on_interrupt: str = "keep",
    schedule: bool = True,
    early_stopping: bool = False,
) -> Trainer:
    """The trainer for the optimisation settings of ``plan``.

    ``early_stopping``: whether this fit stops early (``early_stopping``
    where there are validation windows). ``schedule=False`` (fine-tuning in
    ``update``) trains at the optimiser's current learning rate without a
    schedule, a step budget or early stopping.
    """
    config = plan.config
    return Trainer(
        max_epochs=max_epochs,
        batch_size=plan.batch_size,
        lr=plan.lr,
        optimizer=config.optimizer,
        weight_decay=config.weight_decay,
        lr_schedule=config.lr_schedule if schedule else None,
        lr_schedule_kwargs=config.lr_schedule_kwargs,
        clip_grad_norm=config.clip_grad_norm,
        clip_grad_value=config.clip_grad_value,
        truncation_length=config.truncation_length,
        max_steps=config.max_steps if schedule else None,
        early_stopping=early_stopping and schedule,
        patience=plan.patience,
        min_delta=config.min_delta,
        on_nonfinite=config.on_nonfinite,
        on_interrupt=on_interrupt,
        callbacks=callbacks,
        verbose=int(config.verbose),
        device=config.torch_device,
        generator=generator,
    )
