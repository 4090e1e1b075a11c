"""The plain network: standardised series, sliding windows, a forecast head.

Every series is standardised by its own mean and standard deviation; the
network reads fixed-length windows of it (views of the series, see
:class:`~sktime_rnn.training.SlidingWindows`) and forecasts its fitted horizon
steps directly, step by step (recursive) or with a decoder (seq2seq). A
state keeps every series' last window plus what an update's windows need
(stateful: the whole history). It takes any data: ``X``, several targets,
zeros and negative values.
"""

from __future__ import annotations

__all__ = ["PlainKind", "check_lengths"]

import numpy as np
import torch

from sktime_rnn.exceptions import InvalidDataError
from sktime_rnn.forecasting._engine._build import encoder
from sktime_rnn.forecasting._engine._calibration import calibrate
from sktime_rnn.forecasting._engine._data import SeriesData, scaled_values
from sktime_rnn.forecasting._engine._kind import Batches, ModelKind
from sktime_rnn.forecasting._engine._scaling import PanelScaling
from sktime_rnn.networks.likelihoods import make_likelihood
from sktime_rnn.networks.model import DirectForecastNetwork, Seq2SeqForecastNetwork
from sktime_rnn.networks.rollout import roll_out
from sktime_rnn.training import SlidingWindows
from sktime_rnn.training.runtime import draw_seed, make_generator, thread_count
from sktime_rnn.training.streams import SeriesStreams

AUTO_WINDOW_FLOOR = 12
"""The shortest window "auto" picks where the data allow it."""


def check_lengths(data: SeriesData, window: int, train_steps) -> None:
    """Refuse a series shorter than one window plus the largest horizon step."""
    largest = int(np.max(train_steps))
    needed = window + largest
    for position, frame in enumerate(data.y.frames):
        if len(frame) < needed:
            what = "y is" if not data.y.is_panel else f"{data.y.label(position)} is"
            raise InvalidDataError(
                f"{what} too short: training needs at least {needed} observations "
                f"(window_length={window} + largest horizon step {largest}), got "
                f"{len(frame)}. Use a smaller window_length or a shorter fh."
            )


class PlainKind(ModelKind):
    """Standardised series and sliding windows, for the plain network."""

    # ------------------------------------------------ the plan's rules
    def plan_steps(self, train_steps):
        """The fit's steps: the network forecasts exactly those."""
        return train_steps

    def plan_window(self, config, data, train_steps, sp) -> int:
        """``window_length``, or for "auto" ``max(round(sp / 2), 12)``.

        "auto" is capped at half of the shortest series' length minus the
        largest horizon step, so every series starts training windows. The
        rule won in the accuracy suite (benchmarks/research/EXPERIMENTS.md).
        """
        if config.window_length != "auto":
            return config.window_length
        largest = int(train_steps.max())
        shortest = min(len(frame) for frame in data.y.frames)
        wanted = max(int(round(sp / 2)), AUTO_WINDOW_FLOOR)
        return max(1, min(wanted, (shortest - largest) // 2))

    def auto_optimisation(self, one_series: bool):
        """The accuracy suite's settings (benchmarks/accuracy/RESULTS.md)."""
        return 0.01, 128, None

    def shrinkage(self, config, on_the_panel: bool) -> float:
        """The network's forecast is the forecast: 1."""
        return 1.0

    def network_steps(self, plan) -> int:
        """Direct: the fitted steps; recursive: one; seq2seq: all to the largest."""
        return {
            "direct": len(plan.train_steps),
            "recursive": 1,
            "seq2seq": int(np.max(plan.train_steps)),
        }[plan.config.strategy]

    # ----------------------------------------------------------- checks
    def check_data(self, plan, data, whose: str) -> None:
        """Every series needs a window plus the largest horizon step."""
        check_lengths(data, plan.window, plan.train_steps)

    def check_update(self, plan, data, whose: str) -> None:
        """Any new values are fine: an update may add a single row."""

    def covers(self, plan, steps) -> bool:
        """The direct network forecasts exactly its fitted steps."""
        return bool(np.array_equal(steps, plan.train_steps))

    # ------------------------------------------------------------- data
    def scaling(self, data: SeriesData) -> PanelScaling:
        """Every series' mean and standard deviation."""
        values = [data.values(position) for position in range(len(data.keys))]
        x = None if data.x is None else [v[1] for v in values]
        return PanelScaling.fit([v[0] for v in values], x)

    def rows(self, plan, data, scaling, positions, numbers) -> list[np.ndarray]:
        """Every series' scaled float32 (T, C+K[+1]) rows."""
        return scaled_values(data, scaling, positions, numbers)

    def windows(self, plan, rows, validate: bool = True) -> Batches:
        """Training windows, validation windows (or None) and streams (or None)."""
        config = plan.config
        parts = [torch.as_tensor(r, device=config.torch_device) for r in rows]
        validation = plan.validation if validate else None
        # "auto" validates where the series are long enough; a number insists
        windows, held_out = SlidingWindows.split(
            parts,
            plan.window,
            plan.train_steps,
            plan.n_targets,
            validation,
            required=plan.validation_required,
        )
        if validation is not None and held_out is None and config.interval_calibration:
            raise InvalidDataError(
                f"interval_calibration={config.interval_calibration!r} needs "
                f"validation windows, but validation_size='auto' ({validation} "
                f"windows) leaves none: every series is shorter than "
                f"window_length={plan.window} + largest horizon step "
                f"{int(np.max(plan.train_steps))} + the held-out windows. Use a "
                "smaller window_length or interval_calibration=None"
            )
        streams = None
        if config.stateful:
            streams = [
                SeriesStreams(
                    part,
                    plan.train_steps,
                    plan.n_targets,
                    n_streams=plan.batch_size,
                    chunk_length=plan.window,
                )
                for part in parts
            ]
        return Batches(windows, held_out, streams)

    def update_windows(self, plan, rows, previous_lengths) -> Batches:
        """Every window of the contexts (:meth:`context`)."""
        return self.windows(plan, rows, validate=False)

    def context(self, plan, rows, indices):
        """The last window plus what an update's windows need (stateful: all)."""
        if plan.config.stateful:
            return rows, indices
        length = plan.window + int(plan.train_steps.max()) - 1
        return [r[-length:] for r in rows], [i[-length:] for i in indices]

    # ---------------------------------------------------------- network
    def build_member(self, plan, n_targets, n_exog, n_series):
        """A direct (or recursive) network, or a seq2seq one."""
        config = plan.config
        recurrent = encoder(
            config,
            plan.cell,
            n_targets + n_exog + config.series_embedding_dim,
            config.bidirectional,
            config.skip_connections,
        )
        rolled_out = config.strategy == "recursive" and config.scheduled_sampling > 0
        common = {
            "n_targets": n_targets,
            "n_steps": self.network_steps(plan),
            "n_exogenous": n_exog,
            "window_norm": config.window_norm,
            "likelihood": make_likelihood(config.loss, config.quantiles),
            "n_series": n_series,
            "embedding_dim": config.series_embedding_dim,
            "scheduled_sampling": config.scheduled_sampling if rolled_out else None,
        }
        if config.strategy != "seq2seq":
            return DirectForecastNetwork(recurrent, **common)
        decoder_input = n_exog + recurrent.output_size + 1
        decoder = encoder(config, plan.cell, decoder_input, False, False)
        return Seq2SeqForecastNetwork(recurrent, decoder, **common)

    # -------------------------------------------------------- forecasts
    def forecast_inputs(self, state):
        """Every series' last window (B, L, C+K[+1])."""
        past = np.stack([rows[-state.window :] for rows in state.context])
        return torch.as_tensor(past, device=state.device)

    def forecast(self, state, steps, future_exog):
        """The network's parameters at ``steps``, from every series' last window.

        The recursive strategy rolls its point forecast forward; a stateful
        network forecasts from its state after the last observation.
        """
        horizon = state.network_horizon(steps)
        network = state.network
        with thread_count(state.config.num_threads), torch.inference_mode():
            if state.stream is not None:
                params = network.forecast_from(state.stream.features, future_exog)
            elif state.config.strategy == "recursive":
                past = state.forecast_inputs
                params, _ = roll_out(network, past, future_exog, len(horizon))
            else:
                params = network(state.forecast_inputs, future_exog)
        return params[:, np.searchsorted(horizon, steps)].cpu()

    def sample_paths(self, state, steps, future_exog) -> np.ndarray:
        """``n_samples`` Monte-Carlo paths (n, B, S, C) of the recursive strategy.

        Each path feeds back draws from the one-step predictive distribution;
        draws come from a generator seeded by ``random_state``.
        """
        config = state.config
        horizon = state.network_horizon(steps)
        past = state.forecast_inputs
        likelihood = state.network.likelihood
        generator = make_generator(draw_seed(config.random_state), state.device)

        def draw(params):
            if not likelihood.probabilistic:
                return likelihood.point(params)
            return likelihood.sample(params, generator)

        n_series = past.shape[0]
        with thread_count(config.num_threads), torch.inference_mode():
            _, paths = roll_out(
                state.network,
                past.repeat(config.n_samples, 1, 1),  # (n*B, L, C+K), sample-major
                future_exog.repeat(config.n_samples, 1, 1),
                len(horizon),
                feed_back=draw,
            )  # (n*B, M, C)
        paths = paths[:, np.searchsorted(horizon, steps)].cpu().double().numpy()
        paths = paths.reshape(config.n_samples, n_series, len(steps), -1)
        return state.scaling.y.inverse(paths.swapaxes(0, 1)).swapaxes(0, 1)

    def calibrate(self, plan, network, validation, shrinkage: float):
        """The trained network's forecasts of its ``validation`` windows."""

        def forecasts(batch):
            return network(batch.past, batch.future_exog), batch.target

        with thread_count(plan.config.num_threads):
            return calibrate(network, validation, forecasts)

    def min_history(self, plan) -> int:
        """An origin needs a whole window before it."""
        return plan.window
