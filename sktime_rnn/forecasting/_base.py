"""Shared sktime glue of the recurrent forecasters: data in, network, forecasts out."""

from __future__ import annotations

__all__ = ["BaseRecurrentForecaster"]

import copy
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sktime.datatypes import get_cutoff
from sktime.forecasting.base import BaseForecaster

from sktime_rnn.forecasting._build import build_network, build_trainer, members_of
from sktime_rnn.forecasting._data import (
    check_finite,
    check_same_columns,
    check_time_index,
    refuse_missing,
    rows_at,
)
from sktime_rnn.forecasting._panel import Panel, SeriesScaling, split_panel
from sktime_rnn.forecasting._params import (
    AUTO_WINDOW_FLOOR,
    DEFAULT_QUANTILES,
    PROBABILISTIC_LOSSES,
    check_params,
    check_truncation,
)
from sktime_rnn.forecasting._prediction import PredictionMixin
from sktime_rnn.networks import get_cell
from sktime_rnn.networks.encoder import concat_batch, select_batch
from sktime_rnn.persistence import restore_into, restoring
from sktime_rnn.persistence import save as save_safetensors
from sktime_rnn.training import SlidingWindows, TrainingHistory
from sktime_rnn.training.checkpoint import Checkpoint
from sktime_rnn.training.runtime import draw_seed, resolve_device, torch_runtime
from sktime_rnn.training.streams import SeriesStreams


class BaseRecurrentForecaster(PredictionMixin, BaseForecaster):
    """Base class of the forecasters; subclasses choose the cell and docstring.

    See :class:`~sktime_rnn.forecasting.LSTMForecaster` for the parameters.
    """

    _tags = {
        "authors": ["sktime-rnn developers"],
        "maintainers": ["sktime-rnn developers"],
        "python_dependencies": "torch",
        "y_inner_mtype": ["pd.DataFrame", "pd-multiindex", "pd_multiindex_hier"],
        "X_inner_mtype": ["pd.DataFrame", "pd-multiindex", "pd_multiindex_hier"],
        "capability:multivariate": True,
        "capability:exogenous": True,
        "requires-fh-in-fit": True,
        "capability:insample": False,
        "capability:pred_int": False,
        "capability:pred_int:insample": False,
        "capability:missing_values": False,
        "capability:update": True,
        "capability:random_state": True,
        "capability:pretrain": True,
        "pretrain:fitted_params": [
            "pretrained_network_",
            "pretrain_history_",
            "pretrained_",
        ],
        "property:randomness": "derandomized",
    }
    # the forecaster keeps its own context window (see _update), so sktime's
    # copy of all data seen is not needed; sktime 1.3 makes this the default
    _config = {"remember_data": False}

    # cells this class accepts, the first being its default; None: any registered
    _cells: tuple[str, ...] | None = None

    def __init__(
        self,
        window_length="auto",
        sp=1,
        strategy="direct",
        window_norm="standard",
        hidden_size=32,
        num_layers=1,
        dropout=0.0,
        cell=None,
        bidirectional=False,
        skip_connections=False,
        init="orthogonal",
        forget_bias=1.0,
        truncation_length=None,
        stateful=False,
        clip_grad_norm=1.0,
        clip_grad_value=None,
        loss="mse",
        quantiles=DEFAULT_QUANTILES,
        n_samples=200,
        scheduled_sampling=0.0,
        optimizer="adam",
        lr=0.01,
        max_epochs=100,
        batch_size=128,
        n_models=1,
        series_embedding_dim=0,
        update_epochs=1,
        fine_tune_epochs=0,
        on_nonfinite="warn",
        checkpoint_dir=None,
        random_state=None,
        device="cpu",
        num_threads=None,
        verbose=False,
    ):
        self.window_length = window_length
        self.sp = sp
        self.strategy = strategy
        self.window_norm = window_norm
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.dropout = dropout
        self.cell = cell
        self.bidirectional = bidirectional
        self.skip_connections = skip_connections
        self.init = init
        self.forget_bias = forget_bias
        self.truncation_length = truncation_length
        self.stateful = stateful
        self.clip_grad_norm = clip_grad_norm
        self.clip_grad_value = clip_grad_value
        self.loss = loss
        self.quantiles = quantiles
        self.n_samples = n_samples
        self.scheduled_sampling = scheduled_sampling
        self.optimizer = optimizer
        self.lr = lr
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.n_models = n_models
        self.series_embedding_dim = series_embedding_dim
        self.update_epochs = update_epochs
        self.fine_tune_epochs = fine_tune_epochs
        self.on_nonfinite = on_nonfinite
        self.checkpoint_dir = checkpoint_dir
        self.random_state = random_state
        self.device = device
        self.num_threads = num_threads
        self.verbose = verbose
        super().__init__()
        # BaseForecaster creates these only while remember_data is on, but
        # sktime's suite expects them after set_config(remember_data=True) too
        self._y = getattr(self, "_y", None)
        self._X = getattr(self, "_X", None)

    def __dynamic_tags__(self):
        """Tags that follow the strategy and the loss."""
        self.set_tags(
            **{
                "requires-fh-in-fit": self.strategy != "recursive",
                "capability:pred_int": self.loss in PROBABILISTIC_LOSSES,
                # recursive and seq2seq read X at every step up to the largest
                "capability:non_contiguous_X": self.strategy == "direct",
            }
        )

    # ------------------------------------------------------------ public API
    # thin wrappers: refuse NaN/inf with their count and position before
    # sktime's generic "contained missing data" check
    def fit(self, y, X=None, fh=None):
        refuse_missing(y, "y")
        refuse_missing(X, "X")
        return super().fit(y, X=X, fh=fh)

    def update(self, y, X=None, update_params=True):
        refuse_missing(y, "y")
        refuse_missing(X, "X")
        return super().update(y, X=X, update_params=update_params)

    def predict(self, fh=None, X=None):
        refuse_missing(X, "X")
        return super().predict(fh=fh, X=X)

    def pretrain(self, y, X=None, fh=None):
        refuse_missing(y, "y")
        refuse_missing(X, "X")
        return super().pretrain(y, X=X, fh=fh)

    fit.__doc__ = BaseForecaster.fit.__doc__
    update.__doc__ = BaseForecaster.update.__doc__
    predict.__doc__ = BaseForecaster.predict.__doc__
    pretrain.__doc__ = BaseForecaster.pretrain.__doc__

    # ------------------------------------------------------------------ fit
    def _fit(self, y, X=None, fh=None):
        payload = restoring()
        if payload is not None:  # sktime_rnn.load replays fit to rebuild sktime state
            restore_into(self, payload, y, X)
            return self
        pretrained = getattr(self, "pretrained_", None)
        self._prepare(y, X, fh, pretrained)
        series = self._scaled_series(self._y_panel, self._x_panel)
        with self._runtime(self.random_state):
            if pretrained is None:
                self._train_new_network(series)
            else:
                self._start_from_pretrained(series, pretrained)
        self._remember(series, retrained=True)
        return self

    def _pretrain(self, y, X=None, fh=None):
        """Train the shared network on a panel; ``fit`` then forecasts any series.

        After ``pretrain``, ``fit(y)`` keeps the pretrained weights: it only
        computes the new series' scaling and context (and fine-tunes for
        ``fine_tune_epochs`` epochs if that is above 0).
        """
        cutoff = get_cutoff(y, return_index=True)
        if fh is not None:
            fh = fh.to_relative(cutoff)
        self._prepare(y, X, fh, pretrained=None, cutoff=cutoff)
        series = self._scaled_series(self._y_panel, self._x_panel)
        with self._runtime(self.random_state):
            self._train_new_network(series)
        self._keep_pretrained()
        return self

    def _pretrain_update(self, y, X=None, fh=None):
        """Continue pretraining on more panel data for ``max_epochs`` epochs."""
        pretrained = self.pretrained_
        self._restore_pretrained_config(pretrained)
        cutoff = get_cutoff(y, return_index=True)
        self._y_panel, self._x_panel = self._split(y, X, fitting=False)
        self._number_series(self._y_panel.keys, pretrained["keys"])
        self._check_lengths(self._y_panel, cutoff)
        self._fit_scaling()
        series = self._scaled_series(self._y_panel, self._x_panel)
        self.network_ = self.pretrained_network_
        with self._runtime(self.random_state):
            self._train(series, self.max_epochs)
        self._keep_pretrained()
        return self

    # --------------------------------------------------------------- update
    def _update(self, y, X=None, update_params=True):
        """Append ``y`` (and ``X``) to the context the next forecast starts from.

        With ``update_params=True`` and ``update_epochs > 0``, the network is
        also fine-tuned for ``update_epochs`` epochs, continuing the optimiser
        of ``fit``: on the training windows whose targets lie in the new data,
        or, if ``stateful``, on the whole history streamed again (after which
        the state is warmed up anew). The scaling fitted in ``fit`` is kept.
        With panel data, series missing from ``y`` keep their context (and
        state); series not seen in ``fit`` are refused.
        """
        y_panel, x_panel = self._split(y, X, fitting=False)
        unknown = [key for key in y_panel.keys if key not in self._keys]
        if unknown:
            raise ValueError(
                f"update got series not seen in fit: {unknown[:3]}; fit (or "
                "pretrain) on them first"
            )
        positions = [self._keys.index(key) for key in y_panel.keys]
        new = [context[:0] for context in self._context]  # no new rows by default
        for position, rows in zip(
            positions, self._scaled_series(y_panel, x_panel, positions), strict=True
        ):
            new[position] = rows
        for position, frame in zip(positions, y_panel.frames, strict=True):
            self._ends[position] = frame.index[-1]
        extended = [
            np.concatenate([c, n]) for c, n in zip(self._context, new, strict=True)
        ]
        has_new = any(len(rows) for rows in new)
        retrain = update_params and self.update_epochs > 0 and has_new
        if retrain:
            with self._runtime(self.random_state):
                self._train(extended, self.update_epochs)
        self._remember(extended, retrained=retrain, new=new)
        return self

    def _get_fitted_params(self):
        return {
            "network": self.network_,
            "loss_history": list(self.history_.epoch_losses),
            "grad_norms": list(self.history_.grad_norms),
            "clipped_share": self.history_.clipped_share,
            "gradient_flow": self.history_.gradient_flow,
        }

    # ------------------------------------------------------------ preparing
    def _prepare(self, y, X, fh, pretrained, cutoff=None) -> None:
        """Check parameters and data, split series, fit the scaling."""
        check_params(self)
        cutoff = self.cutoff if cutoff is None else cutoff
        if pretrained is not None:
            self._restore_pretrained_config(pretrained)
        else:
            self._cell_name = self._resolve_cell()
            self._device = resolve_device(self.device)
        self._y_panel, self._x_panel = self._split(y, X, fitting=True)
        self._freq = self._time_frequency(cutoff)
        fh = self._with_freq(fh)
        if pretrained is not None:
            self._check_columns_match_pretraining(pretrained)
            self._check_fh_matches_pretraining(fh, cutoff)
            self._number_series(self._keys, pretrained["keys"])
        else:
            self._train_steps = self._training_steps(fh, cutoff)
            self._number_series(self._keys, self._keys)
        if pretrained is None:
            self._window = self._resolve_window(self._y_panel)
        self._check_lengths(self._y_panel, cutoff)
        self._fit_scaling()

    def _resolve_window(self, panel: Panel) -> int:
        """``window_length``, or for "auto" ``max(round(sp / 2), 12)``.

        "auto" is capped at half of the shortest series' length minus the
        largest horizon step, so every series starts training windows. The rule
        won in the accuracy suite (benchmarks/accuracy/EXPERIMENTS.md).
        """
        largest = int(self._train_steps.max())
        if self.window_length != "auto":
            window = self.window_length
        else:
            shortest = min(len(frame) for frame in panel.frames)
            wanted = max(int(round(self.sp / 2)), AUTO_WINDOW_FLOOR)
            window = max(1, min(wanted, (shortest - largest) // 2))
        check_truncation(self, window)
        return window

    def _fit_scaling(self) -> None:
        """Every series' last time point and scaling statistics."""
        self._ends = [frame.index[-1] for frame in self._y_panel.frames]
        self._y_scaling = SeriesScaling.fit(
            [f.to_numpy(dtype=float) for f in self._y_panel.frames]
        )
        self._x_scaling = None
        if self._x_panel is not None:
            self._x_scaling = SeriesScaling.fit(
                [f.to_numpy(dtype=float) for f in self._x_panel.frames]
            )

    def _split(self, y, X, fitting: bool):
        """Split ``y`` and ``X`` into series; check and align them."""
        y_panel = split_panel(y)
        if fitting:
            self._keys = y_panel.keys
            self._index_names = y_panel.index_names
            self._y_columns = y.columns
            self._x_columns = None if X is None else X.columns
        elif y.shape[1] == 1 == len(self._y_columns):  # a univariate y's name is free
            y_panel.frames = [
                f.set_axis(self._y_columns, axis=1) for f in y_panel.frames
            ]
        for position, frame in enumerate(y_panel.frames):
            name = "y" if not y_panel.is_panel else f"y ({y_panel.label(position)})"
            check_same_columns(frame, self._y_columns, name)
            self._check_data(frame, name)
        x_panel = None
        if self._x_columns is not None:
            if X is None:
                raise ValueError(
                    "X was passed to fit, so update needs X too, at the time "
                    f"points of y, with columns {list(self._x_columns)}"
                )
            x_panel = self._exog_frames(X, [f.index for f in y_panel.frames], y_panel)
        return y_panel, x_panel

    def _exog_frames(self, X, indices, y_panel):
        """``X`` of every series at its ``indices``, checked, as a panel."""
        x_panel = split_panel(X)
        x_by_key = dict(zip(x_panel.keys, x_panel.frames, strict=True))
        frames = []
        for position, (key, index) in enumerate(
            zip(y_panel.keys, indices, strict=True)
        ):
            if key not in x_by_key:
                raise ValueError(f"X has no rows for {y_panel.label(position)}")
            frame = self._rows_of_X(x_by_key[key], index)
            check_same_columns(frame, self._x_columns, "X")
            frames.append(frame)
        return Panel(y_panel.keys, frames, y_panel.index_names)

    def _check_lengths(self, panel: Panel, cutoff) -> None:
        largest = int(self._train_steps.max())
        needed = self._window + largest
        for position, frame in enumerate(panel.frames):
            if len(frame) < needed:
                what = "y is" if not panel.is_panel else f"{panel.label(position)} is"
                raise ValueError(
                    f"{what} too short: training needs at least {needed} observations "
                    f"(window_length={self._window} + largest horizon step "
                    f"{largest}), got {len(frame)}. Use a smaller window_length or a "
                    "shorter fh."
                )

    def _scaled_series(
        self, y_panel: Panel, x_panel: Panel | None, positions=None
    ) -> list[np.ndarray]:
        """Every series' scaled (T_i, C+K) values, targets first.

        ``positions`` are the series' places in fit's panel (default: the same).
        """
        positions = range(len(y_panel.frames)) if positions is None else positions
        series = []
        for number, (position, frame) in enumerate(
            zip(positions, y_panel.frames, strict=True)
        ):
            parts = [self._y_scaling.transform(frame.to_numpy(dtype=float), position)]
            if x_panel is not None:
                values = x_panel.frames[number].to_numpy(dtype=float)
                parts.append(self._x_scaling.transform(values, position))
            values = np.concatenate(parts, axis=1)
            series.append(
                self._with_series_numbers(values, [position]).astype(np.float32)
            )
        return series

    def _with_series_numbers(self, values: np.ndarray, positions) -> np.ndarray:
        """Append each series' number in the embedding as a last column.

        ``values`` are (T, F) of one series or (B, S, F) of ``positions``; without
        a series embedding they are returned unchanged.
        """
        if not self.series_embedding_dim:
            return values
        numbers = np.asarray([self._series_numbers[p] for p in positions], float)
        numbers = numbers.reshape((-1,) + (1,) * (values.ndim - 1))  # (B, 1[, 1])
        column = np.broadcast_to(numbers, values.shape[:-1] + (1,))
        return np.concatenate([values, column], axis=-1)

    def _number_series(self, keys: list, trained_keys: list) -> None:
        """Number the series for the embedding by their training position.

        A series the network was not trained on gets ``len(trained_keys)``.
        """
        lookup = {key: number for number, key in enumerate(trained_keys)}
        self._series_numbers = [lookup.get(key, len(trained_keys)) for key in keys]
        self._trained_keys = trained_keys

    # ------------------------------------------------------------- training
    def _train_new_network(self, series: list[np.ndarray]) -> None:
        n_targets = len(self._y_columns)
        n_exog = 0 if self._x_columns is None else len(self._x_columns)
        n_steps = {
            "direct": len(self._train_steps),
            "recursive": 1,
            "seq2seq": int(self._train_steps.max()),
        }[self.strategy]
        network = build_network(
            self, self._cell_name, n_targets, n_exog, n_steps, len(self._trained_keys)
        )
        self.network_ = network.to(self._device)
        self._optimizers = None
        self._histories = [TrainingHistory() for _ in members_of(self.network_)]
        self._train(series, self.max_epochs, self._checkpoint(series))

    def _start_from_pretrained(self, series: list[np.ndarray], pretrained) -> None:
        self.network_ = self.pretrained_network_
        self._histories = copy.deepcopy(pretrained["histories"])
        self.history_ = self._histories[0]
        self._optimizers = None
        if self.fine_tune_epochs > 0:
            # a copy, so that a refit starts from the pretrained weights again
            self.network_ = copy.deepcopy(self.pretrained_network_)
            self._train(series, self.fine_tune_epochs)

    def _keep_pretrained(self) -> None:
        """Move the trained network into the attributes ``pretrain`` keeps."""
        self.pretrained_network_ = self.network_
        self.pretrain_history_ = self.history_
        self.pretrained_ = {
            "cell": self._cell_name,
            "train_steps": self._train_steps,
            "y_columns": self._y_columns,
            "x_columns": self._x_columns,
            "optimizers": self._optimizers,
            "histories": self._histories,
            "keys": self._trained_keys,
            "window": self._window,
        }
        del self.network_, self.history_

    def _restore_pretrained_config(self, pretrained: dict) -> None:
        self._cell_name = pretrained["cell"]
        self._window = pretrained["window"]
        self._device = resolve_device(self.device)
        self._train_steps = pretrained["train_steps"]
        self._optimizers = pretrained["optimizers"]
        self._histories = pretrained["histories"]
        if getattr(self, "_y_columns", None) is None:  # pretraining again
            self._y_columns = pretrained["y_columns"]
            self._x_columns = pretrained["x_columns"]

    def _check_columns_match_pretraining(self, pretrained: dict) -> None:
        counts = {
            "y": (len(self._y_columns), len(pretrained["y_columns"])),
            "X": (
                0 if self._x_columns is None else len(self._x_columns),
                0 if pretrained["x_columns"] is None else len(pretrained["x_columns"]),
            ),
        }
        for name, (now, then) in counts.items():
            if now != then:
                raise ValueError(
                    f"{name} has {now} column(s), but the network was pretrained on "
                    f"{then}: fit it on data shaped like the pretraining data"
                )

    def _check_fh_matches_pretraining(self, fh, cutoff) -> None:
        if fh is None or self.strategy == "recursive":
            return
        steps = fh.to_relative(cutoff).to_numpy().astype(int)
        if not np.array_equal(self._training_steps(fh, cutoff), self._train_steps):
            raise ValueError(
                f"fit's fh {steps.tolist()} differs from the horizon the network "
                f"was pretrained for, {self._train_steps.tolist()}; pass that fh or "
                "pretrain again"
            )

    def _training_steps(self, fh, cutoff) -> np.ndarray:
        """Horizon steps of the training windows' targets."""
        if fh is None:  # recursive without fh: one-step training
            if self.scheduled_sampling > 0:
                raise ValueError(
                    "scheduled_sampling > 0 needs fh in fit: training rolls the "
                    "one-step model out over the horizon; pass fh to fit or set "
                    "scheduled_sampling=0"
                )
            if self.strategy != "recursive":
                raise ValueError(
                    f"strategy={self.strategy!r} needs fh to build its network; "
                    "pass fh (to pretrain as well), or use strategy='recursive'"
                )
            return np.array([1])
        steps = fh.to_relative(cutoff).to_numpy().astype(int)
        if self.strategy == "direct":
            return steps
        if self.strategy == "recursive" and self.scheduled_sampling == 0:
            return np.array([1])
        return np.arange(1, int(steps.max()) + 1)

    def _train(self, series: list[np.ndarray], epochs: int, checkpoint=None) -> None:
        """Train ``network_`` on ``series`` for ``epochs``; record in ``history_``.

        An ensemble's members are trained one after the other, each with its
        own optimiser (created on first use, e.g. again after loading from a
        file, which does not save optimiser state) and history; ``history_`` is
        the first member's.
        """
        windows = self._windows(series)
        streams = None
        if self.stateful:
            streams = [
                SeriesStreams(
                    torch.as_tensor(part, device=self._device),
                    self._train_steps,
                    len(self._y_columns),
                    n_streams=self.batch_size,
                    chunk_length=self._window,
                )
                for part in series
            ]
        trainer = build_trainer(self, self._device, epochs)
        members = members_of(self.network_)
        if self._optimizers is None:
            self._optimizers = [trainer.make_optimizer(member) for member in members]
        for number, member in enumerate(members):
            member_checkpoint = checkpoint
            if checkpoint is not None and len(members) > 1:
                path = checkpoint.path
                member_checkpoint = Checkpoint(path.with_stem(f"{path.stem}-{number}"))
            self._histories[number] = trainer.fit(
                member,
                windows,
                self._optimizers[number],
                self._histories[number],
                streams,
                member_checkpoint,
            )
        self.history_ = self._histories[0]

    def _windows(self, series: list[np.ndarray]) -> SlidingWindows:
        parts = [torch.as_tensor(s, device=self._device) for s in series]
        return SlidingWindows.from_series(
            parts, self._window, self._train_steps, len(self._y_columns)
        )

    def _checkpoint(self, series: list[np.ndarray]) -> Checkpoint | None:
        """The checkpoint of this fit: named by its hyper-parameters and data."""
        if self.checkpoint_dir is None:
            return None
        ignored = {"verbose", "num_threads", "checkpoint_dir"}
        params = {k: v for k, v in self.get_params().items() if k not in ignored}
        digest = hashlib.sha256(
            json.dumps(params, sort_keys=True, default=repr).encode()
        )
        digest.update(type(self).__name__.encode())
        for part in series:
            digest.update(part.tobytes())
        digest.update(self._train_steps.tobytes())
        return Checkpoint(Path(self.checkpoint_dir) / f"{digest.hexdigest()[:20]}.pt")

    def _remember(self, series: list[np.ndarray], retrained: bool, new=None) -> None:
        """Keep what the next forecast (and update) starts from.

        Window mode keeps, per series, the last window plus what an update's
        windows need. Stateful mode keeps the whole history, to warm the state
        up anew after the weights change, and the state after its last step.
        """
        if not self.stateful:
            context_length = self._window + int(self._train_steps.max()) - 1
            self._context = [s[-context_length:] for s in series]
            return
        self._context = series
        states, features = [], []
        with self._runtime(None), torch.inference_mode():
            for position in range(len(series)):
                rows, start = series[position], None
                if not retrained:  # continue from the state, over the new rows
                    rows = new[position]
                    start = [select_batch(s, position) for s in self._hidden_state]
                    if not len(rows):
                        states.append(start)
                        features.append(self._features[position : position + 1])
                        continue
                inputs = torch.as_tensor(rows, device=self._device).unsqueeze(0)
                inputs = self.network_.embed(inputs)
                output, state = self.network_.encoder(inputs, start)
                states.append(state)
                features.append(output[:, -1])
        self._features = torch.cat(features)  # (B, H), the summary of all data seen
        self._hidden_state = [
            concat_batch([state[layer] for state in states])
            for layer in range(len(states[0]))
        ]

    # --------------------------------------------------------------- checks
    def _resolve_cell(self) -> str:
        allowed = self._cells
        cell = self.cell if self.cell is not None else (allowed or ("lstm",))[0]
        if allowed is not None and cell not in allowed:
            raise ValueError(
                f"cell must be one of {list(allowed)} for {type(self).__name__} "
                f"(or use RecurrentForecaster for any registered cell), got {cell!r}"
            )
        get_cell(cell)  # raises with the registered names if unknown
        return cell

    def _time_frequency(self, cutoff) -> str | None:
        """The frequency of a DatetimeIndex: the cutoff's, else the data's."""
        if not isinstance(cutoff, pd.DatetimeIndex):
            return None
        freq = cutoff.freqstr
        if freq is None:  # sktime infers none for unaligned panels: look at a series
            longest = max(self._y_panel.frames, key=len).index
            freq = pd.infer_freq(longest) if len(longest) >= 3 else None
        if freq is None:
            raise ValueError(
                "y has a DatetimeIndex without a frequency, and none can be "
                "inferred (irregular dates or fewer than 3 time points), so forecast "
                "times cannot be computed; give it one, e.g. y = y.asfreq('D')"
            )
        return freq

    @staticmethod
    def _check_data(data: pd.DataFrame, name: str) -> None:
        check_time_index(data, name)
        check_finite(data, name)

    @staticmethod
    def _rows_of_X(X: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
        """The rows of ``X`` at ``index``, checked: only those must be finite."""
        check_time_index(X, "X")
        X = rows_at(X, index, "X")
        check_finite(X, "X")
        return X

    def _runtime(self, random_state):
        return torch_runtime(draw_seed(random_state), self.num_threads, self._device)

    def save(self, path=None, serialization_format="pickle"):
        """Save the forecaster; ``serialization_format="safetensors"`` needs no pickle.

        Parameters
        ----------
        path : str or Path, optional
            Where to write. For "pickle" and "cloudpickle" this is sktime's
            ``BaseObject.save`` (a zip file, or bytes in memory if None).
        serialization_format : {"pickle", "cloudpickle", "safetensors"}
            "safetensors" writes :func:`sktime_rnn.save`'s file: weights and
            JSON metadata, loaded by :func:`sktime_rnn.load` without
            executing any code from the file.
        """
        if serialization_format == "safetensors":
            if path is None:
                raise ValueError(
                    "save with serialization_format='safetensors' needs a path"
                )
            return save_safetensors(self, path)
        return super().save(path=path, serialization_format=serialization_format)
