"""The training runs behind ``fit``, ``update`` and ``pretrain``, as new states.

Each function returns a new :class:`FittedState` (or :class:`PretrainedState`)
and leaves the one it started from untouched: networks and optimisers are
copied before they train, so a call that fails (divergence with
``on_nonfinite="raise"``, Ctrl-C in ``update``, bad data) changes nothing.
"""

from __future__ import annotations

__all__ = [
    "check_fits_pretraining",
    "check_pretrained_horizon",
    "continue_pretraining",
    "fit_from_pretrained",
    "fit_new",
    "pretrained_from",
    "training_steps",
    "updated_state",
]

import copy
import dataclasses
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from sktime_rnn.exceptions import InvalidDataError
from sktime_rnn.forecasting._build import build_network, build_trainer, members_of
from sktime_rnn.forecasting._hybrid import hybrid_window, resolve_base
from sktime_rnn.forecasting._inputs import HybridInputs, PlainInputs, inputs_for
from sktime_rnn.forecasting._params import AUTO_WINDOW_FLOOR, check_truncation
from sktime_rnn.forecasting._preparation import (
    SeriesData,
    SeriesLayout,
    infer_season_length,
)
from sktime_rnn.forecasting._state import (
    FittedState,
    PretrainedState,
    StreamState,
    network_steps,
)
from sktime_rnn.networks.encoder import concat_batch, select_batch
from sktime_rnn.networks.hybrid import HybridForecastNetwork
from sktime_rnn.networks.model import EnsembleNetwork
from sktime_rnn.training import TrainingHistory
from sktime_rnn.training.checkpoint import Checkpoint
from sktime_rnn.training.runtime import draw_seed, make_generator, thread_count


# ------------------------------------------------------------ shapes and sizes
def training_steps(config, fh, cutoff) -> np.ndarray:
    """Horizon steps of the training windows' targets."""
    if fh is None:  # recursive without fh: one-step training
        if config.scheduled_sampling > 0:
            raise InvalidDataError(
                "scheduled_sampling > 0 needs fh in fit: training rolls the "
                "one-step model out over the horizon; pass fh to fit or set "
                "scheduled_sampling=0"
            )
        if config.strategy != "recursive":
            raise InvalidDataError(
                f"strategy={config.strategy!r} needs fh to build its network; "
                "pass fh (to pretrain as well), or use strategy='recursive'"
            )
        return np.array([1])
    steps = fh.to_relative(cutoff).to_numpy().astype(int)
    if steps.min() < 1:
        raise InvalidDataError(
            f"fh must lie after the cutoff {cutoff[0]} (steps >= 1): this "
            f"forecaster makes no in-sample forecasts, got steps {steps.tolist()}"
        )
    if config.strategy == "direct":
        return steps
    if config.strategy == "recursive" and config.scheduled_sampling == 0:
        return np.array([1])
    return np.arange(1, int(steps.max()) + 1)


def resolve_window(config, data: SeriesData, train_steps, owner: str, sp: int) -> int:
    """``window_length``, or for "auto" ``max(round(sp / 2), 12)``.

    "auto" is capped at half of the shortest series' length minus the
    largest horizon step, so every series starts training windows. The rule
    won in the accuracy suite (benchmarks/accuracy/EXPERIMENTS.md).
    """
    largest = int(train_steps.max())
    if config.window_length != "auto":
        window = config.window_length
    else:
        shortest = min(len(frame) for frame in data.y.frames)
        wanted = max(int(round(sp / 2)), AUTO_WINDOW_FLOOR)
        window = max(1, min(wanted, (shortest - largest) // 2))
    check_truncation(config, window, owner)
    return window


def check_lengths(data: SeriesData, window: int, train_steps) -> None:
    """Refuse a series shorter than one window plus the largest horizon step."""
    largest = int(train_steps.max())
    needed = window + largest
    for position, frame in enumerate(data.y.frames):
        if len(frame) < needed:
            what = "y is" if not data.y.is_panel else f"{data.y.label(position)} is"
            raise InvalidDataError(
                f"{what} too short: training needs at least {needed} observations "
                f"(window_length={window} + largest horizon step {largest}), got "
                f"{len(frame)}. Use a smaller window_length or a shorter fh."
            )


def check_fits_pretrained_data(data: SeriesData, pretrained: PretrainedState) -> None:
    """Refuse series the pretrained network cannot read.

    The plain network needs a window plus the largest horizon step of every
    series; the hybrid pads short series but takes logarithms, so it needs
    positive values.
    """
    if pretrained.base is None:
        check_lengths(data, pretrained.window, pretrained.train_steps)
    else:
        check_positive(data, f"the pretrained network is a hybrid ({pretrained.base})")


def check_positive(data: SeriesData, whose: str) -> None:
    """Refuse values at or below 0 for a hybrid, ``whose`` saying which one.

    Examples
    --------
    >>> import pandas as pd
    >>> from sktime_rnn.forecasting._preparation import split_data
    >>> data = split_data(pd.DataFrame({"y": [1.0, 0.0]}), None, None)
    >>> check_positive(data, "a hybrid")
    Traceback (most recent call last):
    ...
    sktime_rnn.exceptions.InvalidDataError: y has 1 value(s) at or below 0, but ...
    """
    for position, frame in enumerate(data.y.frames):
        values = frame.to_numpy()
        if (values <= 0).any():
            what = "y" if not data.y.is_panel else data.y.label(position)
            raise InvalidDataError(
                f"{what} has {int((values <= 0).sum())} value(s) at or below 0, but "
                f"{whose}, which works on logarithms of positive series: fit "
                "with base=None for data that can be 0 or negative"
            )


# -------------------------------------------------------------------- training
def generator_for(config) -> torch.Generator:
    """A fit's private random generator, seeded from ``random_state``."""
    return make_generator(draw_seed(config.random_state), config.torch_device)


def resolve_sp(config, layout: SeriesLayout, cutoff) -> int:
    """``sp``, or for "auto" the season length the time index implies."""
    if config.sp != "auto":
        return config.sp
    return infer_season_length(cutoff, layout.freq)


def _train(
    config,
    network,
    batches: tuple,
    epochs: int,
    optimizers: list | None,
    histories: list[TrainingHistory],
    callbacks=(),
    checkpoint: Checkpoint | None = None,
    update: bool = False,
    one_series: bool = False,
):
    """Train ``network``'s members in place; return (network, optimizers, histories).

    ``batches`` is what the inputs' ``windows`` return: the training
    windows, the validation windows (or None) and the streams (or None).
    ``update=True`` fine-tunes: no schedule, no early stopping, and Ctrl-C is
    re-raised (the caller throws the copy away). ``one_series``: a new
    network trained on one series (for the optimisation settings "auto").
    An ensemble interrupted before all members trained keeps the trained
    ones. Without a training window (a hybrid on a series too short to hold
    out its validation origins and train), the network stays as it is.
    """
    windows, validation, streams = batches
    histories = list(histories)
    if not len(windows):
        for history in histories:
            history.stop_reason, history.best_epoch = "no training windows", 0
        return network, optimizers, histories
    trainer = build_trainer(
        config,
        epochs,
        generator_for(config),
        callbacks,
        on_interrupt="raise" if update else "keep",
        schedule=not update,
        early_stopping=config.early_stopping and validation is not None,
        hybrid=isinstance(members_of(network)[0], HybridForecastNetwork),
        one_series=one_series,
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
def _context(config, network, inputs, rows, indices, stream=None, new_rows=None):
    """Every series' context rows and times, and a stateful network's state.

    What the context holds is the inputs' choice (:meth:`PlainInputs.context`,
    :meth:`HybridInputs.context`). A stateful network also keeps its state
    after the last step: warmed up anew over the whole history, or
    (``stream`` and ``new_rows`` given) continued over the new rows only.
    Returns them as the :class:`FittedState` fields ``context``,
    ``context_index`` and ``stream``.
    """
    rows, indices = inputs.context(rows, indices)
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


def inputs_of(
    config, trained: FittedState | PretrainedState
) -> PlainInputs | HybridInputs:
    """The inputs a fitted or pretrained network was trained with, for ``config``."""
    return inputs_for(
        config,
        trained.window,
        trained.train_steps,
        trained.layout.n_targets,
        trained.sp,
        trained.base,
    )


# ----------------------------------------------------------------------- fits
def fit_new(
    config,
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
    the checkpoint of this fit. The network is a hybrid where ``base``
    resolves to a statistical part (:func:`resolve_base`), else plain.
    """
    train_steps = training_steps(config, fh, cutoff)
    sp = resolve_sp(config, layout, cutoff)
    base = resolve_base(config, data, layout)
    if base is not None:
        train_steps = np.arange(1, int(train_steps.max()) + 1)  # every step
        window = hybrid_window(config, sp)
        check_truncation(config, window, owner)
    else:
        window = resolve_window(config, data, train_steps, owner, sp)
        check_lengths(data, window, train_steps)
    inputs = inputs_for(config, window, train_steps, layout.n_targets, sp, base)
    n_series = len(data.keys)
    scaling = inputs.scaling(data)
    numbers = list(range(n_series)) if config.series_embedding_dim else None
    rows = inputs.rows(data, scaling, list(range(n_series)), numbers)
    checkpoint = None
    if config.checkpoint_dir is not None:
        digest = params_digest(params, owner)
        checkpoint = checkpoint_for(config.checkpoint_dir, digest, rows, train_steps)
    network = build_network(
        config,
        cell,
        layout.n_targets,
        layout.n_exog,
        network_steps(config, train_steps, base),
        n_series,
        generator_for(config),
        base=base,
    )
    histories = [TrainingHistory() for _ in members_of(network)]
    batches = inputs.windows(rows)
    network, optimizers, histories = _train(
        config,
        network,
        batches,
        config.max_epochs,
        None,
        histories,
        callbacks,
        checkpoint,
        one_series=n_series == 1,
    )
    # the network and how it was trained, as pretrain would keep it
    trained = PretrainedState(
        cell, window, train_steps, network, layout, histories, optimizers, base, sp
    )
    shrinkage = resolve_shrinkage(config, base, trained_on_the_panel=n_series > 1)
    return _fitted_state(
        trained, inputs, data, layout, rows, scaling, numbers, batches[1], shrinkage
    )


def _fitted_state(
    trained: PretrainedState,
    inputs,
    data: SeriesData,
    layout: SeriesLayout,
    rows,
    scaling,
    numbers,
    validation,
    shrinkage: float,
) -> FittedState:
    """The state that forecasts ``data``'s series with the ``trained`` network.

    Adds the series' context and, with ``interval_calibration``, the
    calibration on the ``validation`` windows the network was trained with.
    """
    config = inputs.config
    indices = [frame.index for frame in data.y.frames]
    calibration = None
    if config.interval_calibration is not None:
        calibration = inputs.calibration(trained.network, validation, shrinkage)
    return FittedState.from_trained(
        trained,
        config=config,
        layout=layout,
        scaling=scaling,
        series_numbers=numbers,
        n_trained_series=len(trained.layout.keys),
        calibration=calibration,
        shrinkage=shrinkage,
        **_context(config, trained.network, inputs, rows, indices),
    )


def resolve_shrinkage(config, base: str | None, trained_on_the_panel: bool) -> float:
    """``shrinkage``, or for "auto" 1 for a network trained on the panel it forecasts.

    Else (a network trained on a single series, or applied to series it never
    saw: ``fit`` after ``pretrain``) "auto" is 0.5. In the M1 study a hybrid
    trained on a single series forecast better with half its correction, on
    M1 and on a second collection alike (the correction is estimated from one
    series' few windows); one trained on a panel, with all of it. A
    pretrained network's correction of a new series is no better founded:
    on M1 halving it took the pretrain -> fit path's quarterly MASE relative
    to AutoETS from 1.036 to 0.992 and its geometric means from 0.942 /
    0.947 to 0.940 / 0.938
    (``benchmarks/results/competition_research_pretrain.md``).
    """
    if base is None:
        return 1.0
    if config.shrinkage != "auto":
        return float(config.shrinkage)
    return 1.0 if trained_on_the_panel else 0.5


def pretrained_from(state: FittedState) -> PretrainedState:
    """What ``pretrain`` keeps of a state trained on the pretraining panel."""
    return PretrainedState(
        cell=state.cell,
        window=state.window,
        train_steps=state.train_steps,
        network=state.network,
        layout=state.layout,
        histories=state.histories,
        optimizers=state.optimizers,
        base=state.base,
        sp=state.sp,
    )


def _embedding_numbers(config, pretrained, keys):
    """Series seen in pretraining keep their number, others that of an unseen one."""
    if not config.series_embedding_dim:
        return None
    lookup = {key: n for n, key in enumerate(pretrained.layout.keys)}
    return [lookup.get(key, len(pretrained.layout.keys)) for key in keys]


def fit_from_pretrained(
    config,
    data: SeriesData,
    layout: SeriesLayout,
    pretrained: PretrainedState,
    callbacks=(),
) -> FittedState:
    """A state for ``data`` from a copy of the pretrained network.

    The new series get their own scaling (or statistical part) and context;
    with ``fine_tune_epochs > 0`` the copy trains on them for that many
    epochs.
    """
    inputs = inputs_of(config, pretrained)
    numbers = _embedding_numbers(config, pretrained, data.keys)
    scaling = inputs.scaling(data)
    rows = inputs.rows(data, scaling, list(range(len(data.keys))), numbers)
    network = copy.deepcopy(pretrained.network)
    histories = copy.deepcopy(pretrained.histories)
    optimizers = None
    batches = (None, None, None)  # the windows are only needed to train or calibrate
    if config.fine_tune_epochs > 0 or config.interval_calibration is not None:
        batches = inputs.windows(rows)
    if config.fine_tune_epochs > 0:
        network, optimizers, histories = _train(
            config,
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
    # the pretrained network never saw these series
    shrinkage = resolve_shrinkage(config, pretrained.base, trained_on_the_panel=False)
    return _fitted_state(
        trained, inputs, data, layout, rows, scaling, numbers, batches[1], shrinkage
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


def check_pretrained_horizon(fh, cutoff, pretrained, config) -> None:
    """Refuse an ``fh`` the network was not trained for.

    The plain direct network forecasts exactly its pretraining steps; the
    hybrid and seq2seq networks every step up to their largest.
    """
    if fh is None or config.strategy == "recursive":
        return
    steps = training_steps(config, fh, cutoff)
    trained = pretrained.train_steps
    if pretrained.base is not None:
        fits = int(steps.max()) <= int(trained.max())
    else:
        fits = np.array_equal(steps, trained)
    if not fits:
        raise InvalidDataError(
            f"fh {fh.to_relative(cutoff).to_numpy().tolist()} differs from the "
            f"horizon the network was pretrained for, {trained.tolist()}; pass "
            "that fh, or pretrain a fresh forecaster (e.g. sklearn.clone of this "
            "one) for another horizon"
        )


def continue_pretraining(
    config, pretrained: PretrainedState, data: SeriesData, callbacks=()
) -> PretrainedState:
    """Train a copy of the pretrained network on more panel data.

    The panel gets its own scaling (or statistical parts); series seen before
    keep their embedding number.
    """
    inputs = inputs_of(config, pretrained)
    numbers = _embedding_numbers(config, pretrained, data.keys)
    rows = inputs.rows(data, inputs.scaling(data), list(range(len(data.keys))), numbers)
    network, optimizers = copy.deepcopy((pretrained.network, pretrained.optimizers))
    network, optimizers, histories = _train(
        config,
        network,
        inputs.windows(rows),
        config.max_epochs,
        optimizers,
        copy.deepcopy(pretrained.histories),
        callbacks,
    )
    return dataclasses.replace(
        pretrained, network=network, histories=histories, optimizers=optimizers
    )


# --------------------------------------------------------------------- update
def updated_state(
    state: FittedState, data: SeriesData, update_params: bool, callbacks=()
) -> FittedState:
    """``state`` moved forward to the new observations in ``data``.

    ``data`` holds some of the state's series; one the state does not know is
    refused. Rows at times a series already has replace the kept ones (rows
    older than its context are dropped); rows after its end extend it and
    must follow on from it. With ``update_params`` and ``update_epochs > 0``,
    a copy of the network is fine-tuned on the windows whose targets lie in
    the new rows.
    """
    unknown = [key for key in data.keys if key not in state.layout.keys]
    if unknown:
        raise InvalidDataError(
            f"update got series not seen in fit: {unknown[:3]}; fit (or "
            "pretrain) on them first"
        )
    positions = [state.layout.keys.index(key) for key in data.keys]
    config = state.config
    inputs = inputs_of(config, state)
    added = inputs.rows(data, state.scaling, positions, state.series_numbers)
    context = list(state.context)
    context_index = list(state.context_index)
    new_rows = [rows[:0] for rows in state.context]
    rewritten = False
    for number, position in enumerate(positions):
        merged, merged_index, appended, changed = _merge(
            state.context[position],
            state.context_index[position],
            added[number].astype(state.context[position].dtype),
            data.y.frames[number].index,
            data.y.label(number),
        )
        context[position], context_index[position] = merged, merged_index
        new_rows[position] = appended
        rewritten = rewritten or changed
    has_new = any(len(rows) for rows in new_rows)
    retrain = update_params and config.update_epochs > 0 and (has_new or rewritten)
    network, optimizers, histories = (
        state.network,
        state.optimizers,
        state.histories,
    )
    if retrain:
        network, optimizers = copy.deepcopy((state.network, state.optimizers))
        before = [
            len(rows) - len(new) for rows, new in zip(context, new_rows, strict=True)
        ]
        windows, _, streams = inputs.update_windows(context, before)
        network, optimizers, histories = _train(
            config,
            network,
            (windows, None, streams),
            config.update_epochs,
            optimizers,
            copy.deepcopy(state.histories),
            callbacks,
            update=True,
        )
    if config.stateful and not (retrain or rewritten):
        fields = _context(
            config, network, inputs, context, context_index, state.stream, new_rows
        )
    else:
        fields = _context(config, network, inputs, context, context_index)
    return state.replace(
        network=network, optimizers=optimizers, histories=histories, **fields
    )


def _merge(rows, index: pd.Index, new_rows, new_index: pd.Index, label: str):
    """Merge new rows into a series' context by time.

    Returns the merged rows and times, the rows appended after the old end,
    and whether any kept row changed.
    """
    end = index[-1]
    later = new_index > end
    overlap = new_index[~later]
    changed = False
    merged = rows
    if len(overlap):
        positions = index.get_indexer(overlap)
        known = positions >= 0  # rows older than the context are dropped
        replaced = rows.copy()
        replaced[positions[known]] = new_rows[~later][known]
        changed = not np.array_equal(replaced, rows)
        merged = replaced
    appended = new_rows[later]
    if len(appended):
        _check_follows(index, new_index[later], label)
        merged = np.concatenate([merged, appended])
        index = index.append(new_index[later])
    return merged, index, appended, changed


def _check_follows(index: pd.Index, new_index: pd.Index, label: str) -> None:
    """Refuse new time points that leave a gap after the series' end."""
    expected = _next_times(index, len(new_index))
    if expected is not None and not expected.equals(new_index):
        first = new_index[0]
        raise InvalidDataError(
            f"update's data for {label} must continue right after its last time "
            f"point {index[-1]} without gaps, got {first} ... {new_index[-1]} "
            f"(expected {expected[0]} ... {expected[-1]}); fill the gap first"
        )


def _next_times(index: pd.Index, n: int) -> pd.Index | None:
    """The ``n`` time points after ``index``'s end, where its spacing is known."""
    end = index[-1]
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(end + 1, periods=n, freq=index.freq)
    if isinstance(index, pd.DatetimeIndex):
        freq = index.freq or (pd.infer_freq(index) if len(index) >= 3 else None)
        if freq is None:
            return None
        return pd.date_range(end, periods=n + 1, freq=freq)[1:]
    if pd.api.types.is_integer_dtype(index) and len(index) >= 2:
        step = int(index[-1] - index[-2])
        if step > 0 and bool(np.all(np.diff(index.to_numpy()) == step)):
            return pd.Index(np.arange(1, n + 1) * step + int(end), dtype=index.dtype)
    return None
