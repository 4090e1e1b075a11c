"""The training runs behind ``fit`` and ``pretrain``, as new states.

Each function returns a new :class:`FittedState` (or :class:`PretrainedState`)
and leaves the one it started from untouched: networks and optimisers are
copied before they train, so a call that fails (divergence with
``on_nonfinite="raise"``, Ctrl-C, bad data) changes nothing. What a run does
is its plan's (``_plan``); how its network sees the data, the plan's kind's.
"""

from __future__ import annotations

__all__ = [
    "context_fields",
    "continue_pretraining",
    "fit_from_pretrained",
    "fit_new",
    "pretrained_from",
    "train",
]

import copy
import dataclasses
import hashlib
import json
from pathlib import Path

import numpy as np
import torch

from sktime_rnn.exceptions import InvalidDataError
from sktime_rnn.forecasting._engine._build import (
    build_network,
    build_trainer,
    members_of,
)
from sktime_rnn.forecasting._engine._config import Config
from sktime_rnn.forecasting._engine._data import SeriesData, SeriesLayout
from sktime_rnn.forecasting._engine._kind import Batches
from sktime_rnn.forecasting._engine._plan import (
    FitPlan,
    plan_fit,
    plan_for_trained,
    season_length,
    training_steps,
)
from sktime_rnn.forecasting._engine._state import (
    FittedState,
    PretrainedState,
    StreamState,
)
from sktime_rnn.networks.encoder import concat_batch, select_batch
from sktime_rnn.networks.model import EnsembleNetwork
from sktime_rnn.training import TrainingHistory
from sktime_rnn.training.checkpoint import Checkpoint
from sktime_rnn.training.runtime import draw_seed, make_generator, thread_count


# -------------------------------------------------------------------- training
def generator_for(config: Config) -> torch.Generator:
    """A fit's private random generator, seeded from ``random_state``."""
    return make_generator(draw_seed(config.random_state), config.torch_device)


def train(
    plan: FitPlan,
    network,
    batches: Batches,
    epochs: int,
    optimizers: list | None,
    histories: list[TrainingHistory],
    callbacks=(),
    checkpoint: Checkpoint | None = None,
    update: bool = False,
):
    """Train ``network``'s members in place; return (network, optimizers, histories).

    ``batches`` are what the plan's kind's ``windows`` return. ``update=True``
    fine-tunes: no schedule, no early stopping, and Ctrl-C is re-raised (the
    caller throws the copy away). An ensemble interrupted before all members
    trained keeps the trained ones. Without a training window (a hybrid on a
    series too short to hold out its validation origins and train), the
    network stays as it is.
    """
    config = plan.config
    windows, validation, streams = batches
    histories = list(histories)
    if not len(windows):
        for history in histories:
            history.stop_reason, history.best_epoch = "no training windows", 0
        return network, optimizers, histories
    trainer = build_trainer(
        plan,
        epochs,
        generator_for(config),
        callbacks,
        on_interrupt="raise" if update else "keep",
        schedule=not update,
        early_stopping=config.early_stopping and validation is not None,
    )
    members = members_of(network)
    if optimizers is None:
        optimizers = [trainer.make_optimizer(member) for member in members]
    checkpoints = None
    if checkpoint is not None:
        checkpoints = (
            [checkpoint]
            if len(members) == 1
            else [
                Checkpoint(checkpoint.path.with_stem(f"{checkpoint.path.stem}-{n}"))
                for n in range(len(members))
            ]
        )
    with thread_count(config.num_threads):
        kept = trainer.fit_members(
            members, windows, optimizers, histories, validation, streams, checkpoints
        )
    if kept < len(members):
        members, optimizers, histories = (
            members[:kept],
            optimizers[:kept],
            histories[:kept],
        )
        network = members[0] if kept == 1 else EnsembleNetwork(members)
    return network, optimizers, histories


def checkpoint_for(directory, digest: str, series, train_steps) -> Checkpoint | None:
    """The checkpoint of a fit: named by its hyper-parameters and its data."""
    if directory is None:
        return None
    hasher = hashlib.sha256(digest.encode())
    for part in series:
        hasher.update(part.tobytes())
    hasher.update(np.asarray(train_steps, dtype=np.int64).tobytes())
    checkpoint = Checkpoint(Path(directory) / f"{hasher.hexdigest()[:20]}.pt")
    checkpoint.check_writable()
    return checkpoint


def params_digest(params: dict, owner: str) -> str:
    """A stable text of the hyper-parameters that change what a fit computes."""
    ignored = {"verbose", "num_threads", "checkpoint_dir", "callbacks"}
    kept = {k: v for k, v in params.items() if k not in ignored}
    return owner + json.dumps(kept, sort_keys=True, default=repr)


# ------------------------------------------------------------------- contexts
def context_fields(plan, network, rows, indices, stream=None, new_rows=None) -> dict:
    """Every series' context rows and times, and a stateful network's state.

    What the context holds is the plan's kind's choice. A stateful network
    also keeps its state after the last step: warmed up anew over the whole
    history, or (``stream`` and ``new_rows`` given) continued over the new
    rows only. Returns them as the :class:`FittedState` fields ``context``,
    ``context_index`` and ``stream``.
    """
    config = plan.config
    rows, indices = plan.kind.context(plan, rows, indices)
    fields = {"context": rows, "context_index": indices, "stream": None}
    if not config.stateful:
        return fields
    device = config.torch_device
    states, features = [], []
    with thread_count(config.num_threads), torch.inference_mode():
        for position, values in enumerate(rows):
            start = None
            if stream is not None:  # continue from the state, over the new rows
                values = new_rows[position]
                start = [select_batch(s, position) for s in stream.hidden]
                if not len(values):
                    states.append(start)
                    features.append(stream.features[position : position + 1])
                    continue
            sequence = torch.as_tensor(values, device=device).unsqueeze(0)
            last, state = network.warm_up(sequence, start)
            states.append(state)
            features.append(last)
    hidden = [
        concat_batch([s[layer] for s in states]) for layer in range(len(states[0]))
    ]
    return {**fields, "stream": StreamState(torch.cat(features), hidden)}


# ----------------------------------------------------------------------- fits
def fit_new(
    config: Config,
    data: SeriesData,
    layout: SeriesLayout,
    cell: str,
    fh,
    cutoff,
    owner: str,
    params: dict,
    callbacks=(),
) -> FittedState:
    """Train a new network on ``data`` and return the fitted state.

    ``fh`` and ``cutoff`` give the horizon steps it is trained on; ``owner``
    (the class's name) and ``params`` (its hyper-parameters as given) name
    the checkpoint of this fit. The plan (:func:`plan_fit`) decides the rest.
    """
    plan = plan_fit(config, data, layout, fh, cutoff, cell, owner)
    kind = plan.kind
    n_series = len(data.keys)
    scaling = kind.scaling(data)
    numbers = list(range(n_series)) if config.series_embedding_dim else None
    rows = kind.rows(plan, data, scaling, list(range(n_series)), numbers)
    checkpoint = None
    if config.checkpoint_dir is not None:
        digest = params_digest(params, owner)
        checkpoint = checkpoint_for(
            config.checkpoint_dir, digest, rows, plan.train_steps
        )
    network = build_network(
        plan, layout.n_targets, layout.n_exog, n_series, generator_for(config)
    )
    histories = [TrainingHistory() for _ in members_of(network)]
    batches = kind.windows(plan, rows)
    network, optimizers, histories = train(
        plan,
        network,
        batches,
        config.max_epochs,
        None,
        histories,
        callbacks,
        checkpoint,
    )
    # the network and how it was trained, as pretrain would keep it
    trained = PretrainedState(plan, network, layout, histories, optimizers)
    return _fitted_state(
        plan, trained, data, layout, rows, scaling, numbers, batches.validation
    )


def _fitted_state(
    plan: FitPlan,
    trained: PretrainedState,
    data: SeriesData,
    layout: SeriesLayout,
    rows,
    scaling,
    numbers,
    validation,
) -> FittedState:
    """The state that forecasts ``data``'s series with the ``trained`` network.

    Adds the series' context and, with ``interval_calibration``, the
    calibration on the ``validation`` windows the network was trained with.
    """
    indices = [frame.index for frame in data.y.frames]
    calibration = None
    if plan.config.interval_calibration is not None:
        calibration = plan.kind.calibrate(
            plan, trained.network, validation, plan.shrinkage
        )
    return FittedState.from_trained(
        trained,
        plan=plan,
        layout=layout,
        scaling=scaling,
        series_numbers=numbers,
        n_trained_series=len(trained.layout.keys),
        calibration=calibration,
        **context_fields(plan, trained.network, rows, indices),
    )


def pretrained_from(state: FittedState) -> PretrainedState:
    """What ``pretrain`` keeps of a state trained on the pretraining panel."""
    return PretrainedState(
        plan=state.plan,
        network=state.network,
        layout=state.layout,
        histories=state.histories,
        optimizers=state.optimizers,
    )


def _new_panel(plan: FitPlan, pretrained: PretrainedState, data: SeriesData):
    """A panel for a pretrained network: embedding numbers, scaling and rows.

    The data are checked against what the network reads; series seen in
    pretraining keep their embedding number, others get that of an unseen one.
    """
    kind = plan.kind
    kind.check_data(plan, data, f"the pretrained network is a hybrid ({plan.base})")
    numbers = None
    if plan.config.series_embedding_dim:
        lookup = {key: n for n, key in enumerate(pretrained.layout.keys)}
        numbers = [lookup.get(key, len(pretrained.layout.keys)) for key in data.keys]
    scaling = kind.scaling(data)
    rows = kind.rows(plan, data, scaling, list(range(len(data.keys))), numbers)
    return numbers, scaling, rows


def fit_from_pretrained(
    config: Config,
    data: SeriesData,
    layout: SeriesLayout,
    pretrained: PretrainedState,
    fh,
    cutoff,
    callbacks=(),
) -> FittedState:
    """A state for ``data`` from a copy of the pretrained network.

    The new series get their own scaling (or statistical part) and context;
    with ``fine_tune_epochs > 0`` the copy trains on them for that many
    epochs. Data or an ``fh`` the network was not trained for are refused.
    """
    check_fits_pretraining(layout, fh, cutoff, pretrained, config)
    _check_season(config, data, layout, cutoff, pretrained)
    # the pretrained network never saw these series
    plan = plan_for_trained(config, pretrained.plan, on_the_panel=False)
    kind = plan.kind
    numbers, scaling, rows = _new_panel(plan, pretrained, data)
    network = copy.deepcopy(pretrained.network)
    histories = copy.deepcopy(pretrained.histories)
    optimizers = None
    batches = Batches(None, None, None)  # only needed to train or calibrate
    if config.fine_tune_epochs > 0 or config.interval_calibration is not None:
        batches = kind.windows(plan, rows)
    if config.fine_tune_epochs > 0:
        network, optimizers, histories = train(
            plan,
            network,
            batches,
            config.fine_tune_epochs,
            None,
            histories,
            callbacks,
        )
    trained = dataclasses.replace(
        pretrained, network=network, histories=histories, optimizers=optimizers
    )
    return _fitted_state(
        plan, trained, data, layout, rows, scaling, numbers, batches.validation
    )


def check_fits_pretraining(layout, fh, cutoff, pretrained, config) -> None:
    """Refuse data or an ``fh`` shaped unlike what the network was pretrained on."""
    for name, now, then in (
        ("y", layout.n_targets, pretrained.layout.n_targets),
        ("X", layout.n_exog, pretrained.layout.n_exog),
    ):
        if now != then:
            raise InvalidDataError(
                f"{name} has {now} column(s), but the network was pretrained on "
                f"{then}: fit it on data shaped like the pretraining data"
            )
    check_pretrained_horizon(fh, cutoff, pretrained, config)


def _check_season(config, data, layout, cutoff, pretrained) -> None:
    """Refuse series of another season than the network was pretrained for.

    Its statistical part and its window are those of that season. An index
    that implies no season (integers) is taken to have the pretraining's.
    """
    sp = season_length(config, data, layout, cutoff)
    known = config.sp != "auto" or sp > 1
    if known and sp != pretrained.sp:
        given = "sp" if config.sp != "auto" else "y's time index implies sp"
        raise InvalidDataError(
            f"{given}={sp}, but the network was pretrained with sp="
            f"{pretrained.sp}: its windows and statistical part are those of "
            "that season. Fit it on series of the pretraining's season, or "
            "pretrain a fresh forecaster (e.g. sklearn.clone of this one) on "
            "series of this one"
        )


def check_pretrained_horizon(fh, cutoff, pretrained, config) -> None:
    """Refuse an ``fh`` the network was not trained for.

    The plain direct network forecasts exactly its pretraining steps; the
    hybrid and seq2seq networks every step up to their largest.
    """
    if fh is None or config.strategy == "recursive":
        return
    steps = training_steps(config, fh, cutoff)
    plan = pretrained.plan
    if not plan.kind.covers(plan, steps):
        raise InvalidDataError(
            f"fh {fh.to_relative(cutoff).to_numpy().tolist()} differs from the "
            f"horizon the network was pretrained for, {plan.train_steps.tolist()}; "
            "pass that fh, or pretrain a fresh forecaster (e.g. sklearn.clone of "
            "this one) for another horizon"
        )


def continue_pretraining(
    config: Config,
    pretrained: PretrainedState,
    data: SeriesData,
    fh,
    cutoff,
    callbacks=(),
) -> PretrainedState:
    """Train a copy of the pretrained network on more panel data.

    The panel gets its own scaling (or statistical parts); series seen before
    keep their embedding number.
    """
    check_pretrained_horizon(fh, cutoff, pretrained, config)
    plan = plan_for_trained(config, pretrained.plan, on_the_panel=True)
    _, _, rows = _new_panel(plan, pretrained, data)
    network, optimizers = copy.deepcopy((pretrained.network, pretrained.optimizers))
    network, optimizers, histories = train(
        plan,
        network,
        plan.kind.windows(plan, rows),
        config.max_epochs,
        optimizers,
        copy.deepcopy(pretrained.histories),
        callbacks,
    )
    return dataclasses.replace(
        pretrained, network=network, histories=histories, optimizers=optimizers
    )
