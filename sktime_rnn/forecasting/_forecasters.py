"""The public forecasters: one per cell family, plus one for any registered cell."""

from __future__ import annotations

__all__ = ["GRUForecaster", "LSTMForecaster", "RNNForecaster", "RecurrentForecaster"]

from sktime_rnn.forecasting._base import BaseRecurrentForecaster

_PARAMETERS = """\
    Parameters
    ----------
    window_length : int or "auto", default="auto"
        L, past observations the network reads for each forecast. "auto": for
        the hybrid (see ``base``), 12 without a season and ``max(16, 2 sp)``
        with one (12, 16, 24 for yearly, quarterly, monthly data: the M1
        study, ``benchmarks/research/M1_RESEARCH.md``); for the plain network
        ``max(round(sp / 2), 12)``, at most half of (the shortest series'
        length minus the largest horizon step), the rule that won the
        accuracy suite over 2*sp, 1*sp, 3*sp and a fixed 24. A hybrid pads
        shorter histories, so its window may be longer than a series.
    sp : int or "auto", default="auto"
        Season length (e.g. 12 for monthly data). "auto": from the time
        index's frequency: yearly 1, quarterly 4, monthly 12, weekly 52,
        daily 7 (the week), business-daily 5, within a day the observations
        per day (hourly 24); 1 for an integer index, which says nothing of
        seasons. Sets the seasonal adjustment of the hybrid and the "auto"
        window.
    base : {{"auto", "theta+damped", "theta", "damped", None}}, default="auto"
        The statistical part of a hybrid network (Smyl's ES-RNN, in its
        simplest form): the forecast is ``base * exp(c)``, where ``base`` is a
        closed-form statistical forecast from the same origin and ``c`` the
        network's correction, one per horizon step. The statistical part runs
        on the logarithm of the seasonally adjusted series (the M4 benchmarks'
        seasonality test and classical multiplicative decomposition):
        "theta" (``forecast::thetaf``), "damped" (additive damped trend) or
        "theta+damped" (their mean). The network reads the recent past
        relative to that forecast's level and its head starts at zero, so an
        untrained network forecasts exactly the statistical part, and early
        stopping keeps it when training does not beat it on the held-out
        origins: too little data degrades towards a sound statistical
        forecast, not below seasonal naive. Series shorter than the window
        are padded, and targets past their end masked, so a 9-point series
        trains too. "auto": "theta+damped" where the hybrid applies (one
        positive target column, no ``X``, ``strategy="direct"``, a point loss,
        not stateful, no series embedding), else None. None: the plain
        network, which reads standardised windows (see ``window_norm``).
    shrinkage : float in (0, 1] or "auto", default="auto"
        The share of a hybrid network's correction that its forecasts apply:
        ``base * exp(shrinkage * c)``. "auto": 1 for a network trained on the
        panel it forecasts; 0.5 for one trained on a single series, whose
        correction rests on that series' few windows, and for a pretrained
        network applied to series it never saw (``fit`` after ``pretrain``).
        In the M1 study half the correction forecast better per series, on M1
        and on a second collection alike, and after ``pretrain`` on M1. No
        effect on the plain network.
    strategy : {{"direct", "recursive", "seq2seq"}}, default="direct"
        How the horizon is forecast. "direct": one head predicts every step of
        ``fh`` at once (``fh`` needed in ``fit``). "recursive": a one-step
        network rolled forward, feeding back its own forecasts, so any ``fh``
        can be asked for in ``predict`` (no ``fh`` needed in ``fit``).
        "seq2seq": an encoder over the window and a recurrent decoder over the
        horizon steps 1..max(``fh``), fed the known future ``X`` (``fh`` needed
        in ``fit``).
    window_norm : {{"standard", "mean", None}}, default="standard"
        Reversible per-window normalisation of the target: each window is
        standardised by its own mean and standard deviation ("standard") or
        only centred ("mean") before the network reads it, and the forecast is
        transformed back. The network then learns shapes rather than levels
        and follows trends past the range seen in training. None: only the
        global scaling fitted on the training data, better where ``y`` is
        driven by ``X`` rather than by its own past.
    hidden_size : int, default=32
        Hidden units per recurrent layer (and direction).
    num_layers : int, default=1
        Stacked recurrent layers.
    dropout : float in [0, 1), default=0.0
        Dropout between stacked layers.
    cell : str or None, default=None
        Recurrent cell; None takes this class's default. {cells}
    bidirectional : bool, default=False
        Read the observed window in both directions. The encoder only sees
        values up to the cutoff, so this never looks into the forecast period.
    skip_connections : bool, default=False
        Residual connections around every recurrent layer (with a learned
        projection where the sizes differ).
    init : {{"orthogonal", "xavier", "default"}}, default="orthogonal"
        Weight initialisation: orthogonal recurrent weights and Xavier input
        weights, Xavier for both, or PyTorch's own.
    forget_bias : float or None, default=1.0
        Initial forget-gate bias of cells with a forget gate (exactly this value
        is what the gate sees); None keeps the initialisation's bias.
    truncation_length : int or None, default=None
        Truncated back-propagation through time: gradients flow back at most
        this many steps of the window. None: full BPTT over the window.
    stateful : bool, default=False
        Stateful training: the training series is read in time order, cut into
        ``batch_size`` parallel streams read in chunks of ``window_length``
        steps; the hidden state is carried (detached) from chunk to chunk and
        reset at the start of each stream, and every step is a training
        example. Forecasts start from the state warmed up over all data seen,
        so the network can use more history than one window. Needs
        ``window_norm=None`` and ``bidirectional=False``.
    clip_grad_norm : float or None, default=1.0
        Rescale the gradient whenever its global L2 norm exceeds this.
    clip_grad_value : float or None, default=None
        Clamp every gradient component to +-this.
    loss : {{"mase", "mse", "mae", "huber", "normal", "quantile"}}, \
default="mase"
        Training loss. "mase", "mse", "mae" and "huber" train a point
        forecast. The hybrid's errors are its forecast errors in the units of
        the data divided by the series' MASE scale (its in-sample
        seasonal-naive mean absolute error), so that every series of a panel
        weighs alike: "mase" and "mae" take their absolute value, "mse" their
        square, "huber" the Huber loss. The plain network's errors are those
        of the standardised series ("mase" is then the absolute error).
        "normal" trains mean and scale heads by Gaussian negative
        log-likelihood; "quantile" trains one head per level of ``quantiles``
        by the pinball loss, with crossing prevented by construction. Both
        make ``predict_interval``, ``predict_quantiles``, ``predict_var`` and
        ``predict_proba`` available; ``predict`` is the mean ("normal") or
        the median ("quantile").
    quantiles : tuple of float, default=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, \
0.75, 0.9, 0.95, 0.975, 0.99)
        Levels trained by ``loss="quantile"``. Quantiles at other levels are
        interpolated linearly between them; beyond the outermost levels the
        outermost quantile is returned.
    n_samples : int, default=200
        Monte-Carlo sample paths of the recursive strategy (and grid size of
        the quantile loss's ``predict_proba``).
    scheduled_sampling : float in [0, 1], default=0.0
        Recursive strategy only: 0 trains the one-step network on true windows
        (teacher forcing); above 0, training rolls the network out over the
        horizon of ``fh`` (needed in ``fit`` then), feeding back its own
        forecast instead of the truth with this probability at every step.
    optimizer : {{"adam", "adamw", "sgd"}}, default="adam"
        Optimiser.
    lr : float or "auto", default="auto"
        Learning rate (the peak rate of ``lr_schedule="onecycle"``). "auto":
        0.003 for the hybrid (see ``base``; the M1 study's choice) trained on
        a panel, 0.01 for the hybrid trained on one series (one full batch an
        epoch) and for the plain network (the accuracy suite's).
    weight_decay : float, default=0.0
        L2 penalty on the weights ("adam", "sgd") or decoupled weight decay
        ("adamw"): pulls every weight towards 0 at every step, a prior that
        the forecast depends smoothly on its inputs.
    lr_schedule : {{None, "cosine", "plateau", "onecycle"}} or class, default=None
        Learning-rate schedule of ``torch.optim.lr_scheduler`` over ``fit``:
        cosine annealing from ``lr`` to 0 over ``max_epochs``; halving after
        ``patience // 2`` epochs without improvement of the validation (else
        training) loss; or the one-cycle policy (warm up to ``lr``, anneal
        far below it), stepped every batch. Or any class of
        ``torch.optim.lr_scheduler`` (``StepLR``, ``ExponentialLR``, ...),
        built with ``lr_schedule_kwargs`` and stepped after every epoch
        (``ReduceLROnPlateau`` with the validation, else training, loss;
        ``OneCycleLR`` every batch). ``update`` fine-tunes at the rate the
        schedule ended with.
    lr_schedule_kwargs : dict or None, default=None
        Keyword arguments of the schedule, besides the optimiser: those of a
        class (``{{"step_size": 10, "gamma": 0.5}}`` for ``StepLR``), or ones
        that replace a preset's (``{{"T_max": 50}}`` for "cosine"). Checked
        against the class's signature before training.
    max_epochs : int, default=100
        Passes over all training windows in ``fit``, at most.
    max_steps : int or None, default=600
        Optimiser steps in ``fit``, at most: a budget that does not grow with
        the panel (617 monthly series are about 7 epochs of 512 windows).
        None: ``max_epochs`` alone.
    batch_size : int or "auto", default="auto"
        Windows (the hybrid: forecast origins) per optimiser step. "auto":
        512 for the hybrid, so that one series' origins are one batch (the
        M1 study's choice, with ``lr`` 0.003); 128 for the plain network (the
        accuracy suite's, with ``lr`` 0.01: an LSTM on the suite's three
        series the hybrid cannot take scored a relative MASE of 0.766
        against 0.875 with the hybrid's settings).
    validation_size : "auto", int, float or None, default="auto"
        Hold out the latest windows of every series for validation: the last
        this many (an int) or this share of them (a float in (0, 1), at least
        one). "auto": as many as the largest step of ``fh`` (the last horizon
        of every series), where the series are long enough to train and
        validate, else none (and none when ``stateful``); an explicit size
        that leaves no validation window is an error. For the hybrid these
        are forecast origins: the last this many observations are held out,
        and a series too short to train and validate only validates. The
        split is temporal, as a forecast is: validation windows are the
        latest, their targets are never trained on, and no training window
        reaches past the first validation target. A shuffled split would let
        the network be scored on windows that lie between windows it trained
        on, whose values it has in effect seen, and would overstate its
        accuracy. The validation loss per epoch is recorded in ``history_``;
        it drives ``early_stopping``, ``lr_schedule="plateau"`` and
        ``interval_calibration``. The fit still forecasts from the latest
        values, the validation period included. None: train on every window.
    early_stopping : bool, default=True
        Stop when the validation loss has not improved by more than
        ``min_delta`` for ``patience`` epochs, and keep the weights of the
        best epoch (a fit without validation windows, e.g. stateful, runs
        its whole budget). On a small series a network first learns the
        signal and then its noise: the training loss keeps falling while the
        validation loss turns up. Stopping at the turn trades a little bias
        (an epoch count chosen before the fit is done) for much less
        variance, the network's most effective regulariser on short data.
        For the hybrid, epoch 0 (the statistical part alone) is a candidate
        too: a network that does not beat it on the held-out origins is not
        kept.
    patience : int, None or "auto", default="auto"
        Epochs without improvement that ``early_stopping`` tolerates (and
        twice what ``lr_schedule="plateau"`` does, 10 if None). None: train
        the whole budget (``max_epochs``, ``max_steps``) and keep the best
        epoch, which beat stopping after 10 epochs without improvement for
        the hybrid trained on a panel in the M1 study (yearly MASE relative
        to AutoETS 0.830 against 0.887). "auto": 10 for the hybrid trained on
        one series, else None. On one series, where an epoch is one step,
        stopping after 10 epochs without improvement (with ``lr`` 0.01) was
        as accurate on M1 as the whole budget and 4-5 times faster
        (``benchmarks/results/competition_epochs_study2.md``: geometric mean
        of the MASE relative to AutoETS 0.959 against 0.970 on 150 series a
        frequency).
    min_delta : float, default=0.0
        Smallest decrease of the validation loss that counts as improvement.
    interval_calibration : {{None, "conformal"}}, default=None
        "conformal": calibrate the prediction intervals on the validation
        windows (needs ``validation_size``), per horizon step, by split
        conformal prediction, so that they cover the nominal share of the
        validation errors: for point losses (which then have intervals at all)
        from the absolute errors, for "normal" from the errors in standard
        deviations, for "quantile" by conformalised quantile regression. The
        direct and seq2seq strategies only.
    n_models : int, default=1
        Seed ensemble: this many networks, initialised and trained one after
        the other from the same ``random_state`` stream, whose forecasts are
        averaged (the mean of point forecasts and quantiles; for
        ``loss="normal"`` the normal with the mixture's mean and variance).
        Fit time grows in proportion.
    series_embedding_dim : int, default=0
        If above 0, a learned embedding of this size of every series' identity
        is fed to the network with the values of every step, for panels where
        which series it is matters beyond its recent values. A series not seen
        in training (e.g. in ``fit`` after ``pretrain``) gets the mean of the
        learned embeddings. 0: no embedding.
    update_epochs : int, default=1
        Fine-tuning epochs run by ``update(..., update_params=True)`` on the
        windows whose targets lie in the new data; 0 only moves the context.
    fine_tune_epochs : int, default=0
        After ``pretrain``, epochs of training that ``fit`` runs on the new
        series (on a copy of the pretrained network, so a refit starts from the
        pretrained weights again); 0 keeps the pretrained weights as they are:
        ``fit`` then only computes the new series' scaling and context.
    on_nonfinite : {{"warn", "raise"}}, default="warn"
        If the loss becomes NaN/inf, the weights from the start of that epoch
        are restored, then training stops with a warning ("warn") or raises
        ``TrainingDivergedError`` ("raise").
    checkpoint_dir : str, Path or None, default=None
        Directory for epoch checkpoints of ``fit``. A fit with the same
        hyper-parameters and data resumes from its checkpoint, continuing
        exactly as if it had not stopped (the random state is checkpointed
        too). A ``KeyboardInterrupt`` (Ctrl-C) during ``fit`` always leaves the
        forecaster fitted with the weights of the last completed epoch, with a
        warning, or, if no epoch had completed, unfitted.
    random_state : int, RandomState instance or None, default=None
        Seed of weight initialisation, shuffling and dropout. Every fit draws
        from its own generator, so the same seed gives identical forecasts on
        the CPU, also for fits running at once in threads of one process, and
        a fit never reads or changes torch's global random state.
    device : str, default="cpu"
        "cpu", "cuda", "cuda:N" or "auto" (CUDA if available). On a GPU the
        data stay on the device for the whole fit. Small series train faster
        on a CPU: the network is too small to fill a GPU, and every step pays
        kernel launches (airline, 10 refits: 0.31 s per fit on an H200, 0.11 s
        on one CPU core; ``benchmarks/README.md``).
    num_threads : int or None, default=None
        Torch intra-op threads during fit and predict; None leaves torch's
        setting. Small networks on short series are fastest with 1 (a second
        thread costs more in synchronisation than it gives).
    verbose : {{0, 1, 2}} or bool, default=0
        0 (False): silent. 1 (True): a progress bar over epochs that stays
        after the fit, showing the training and validation loss. 2: one line
        per epoch on standard error (or, where the "sktime_rnn" logger has a
        handler of its own, an INFO record of it instead).
    callbacks : list of callable or None, default=None
        Called as ``callback(forecaster, info)`` after every epoch of ``fit``,
        ``pretrain`` and a fine-tuning ``update``, with ``info`` a dict of
        ``epoch``, ``train_loss``, ``val_loss``, ``lr``, ``best_epoch`` and
        ``member`` (of an ensemble). The contract: a callback stops training
        by returning ``True`` (the bool alone: any other value, a string, a
        number, a tensor, is ignored) or by raising
        ``sktime_rnn.StopTraining``; the fit then keeps what it trained
        (``history_.stop_reason`` is "callback"). Any other exception fails
        the call, which leaves the forecaster exactly as it was before it. A
        callback reads and logs; it must not refit the forecaster or change
        its hyper-parameters: ``fit``, ``update``, ``pretrain`` and
        ``set_params`` called while the forecaster trains raise a
        ``RuntimeError``. Ready ones log to a CSV file, TensorBoard or
        MLflow (``sktime_rnn.callbacks``). Not saved by ``sktime_rnn.save``.

    Attributes
    ----------
    fitted_state_ : sktime_rnn.forecasting._engine._state.FittedState
        Everything the forecaster predicts and updates from, as one object:
        the network, the scaling, the context windows, the histories. ``fit``,
        ``update`` and ``pretrain`` replace it whole, so a call that fails
        leaves the forecaster as it was.
    network_ : torch.nn.Module
        The trained network.
    history_ : sktime_rnn.training.TrainingHistory
        What the fit recorded: training and validation loss and learning rate
        per epoch (``history_.to_frame()``), the epoch whose weights were kept,
        why training stopped, gradient norm and clipping per step, and the
        gradient-flow profile. ``sktime_rnn.plotting.plot_training`` draws it.

    Notes
    -----
    ``y`` may be one series or many (sktime's ``pd-multiindex`` and
    ``pd_multiindex_hier`` formats): one network is then trained on the windows
    of every series (a global model), and ``predict`` forecasts every series.
    Series may differ in length, start and end: the steps ahead of ``fh``
    (relative to the cutoff, the latest end) are forecast from each series' own
    last observation. Each must be at least ``window_length`` + the largest
    horizon step long (a shorter one is refused, naming it).
    ``pretrain(y_panel)`` trains the network on a panel; a later ``fit(y)`` on
    any series keeps those weights (see ``fine_tune_epochs``), and
    ``pretrain`` again continues training on more data.

    The target (and ``X``) of every series are standardised with that series'
    own statistics of the training data and forecasts are transformed back.
    The network reads the last ``window_length`` values of ``y`` and ``X``.
    When ``X`` was passed to ``fit``, ``predict`` needs ``X`` at the forecast
    times (every step up to the largest for the recursive and seq2seq
    strategies).

    Probabilistic forecasts of the recursive strategy come from ``n_samples``
    sample paths (ancestral sampling: each path feeds back a draw from the
    one-step predictive distribution), seeded by ``random_state``; its point
    forecast rolls the point forecast forward. ``predict_proba`` returns an
    skpro ``Normal`` for ``loss="normal"`` with the direct and seq2seq
    strategies, and an skpro ``Empirical`` otherwise."""


def _with_parameters(cls):
    cells = "any registered cell" if cls._cells is None else list(cls._cells)
    cls.__doc__ = cls.__doc__.replace(
        "    {parameters}", _PARAMETERS.format(cells=f"Allowed: {cells}.")
    )
    return cls


_TEST_PARAMS = [
    {
        "window_length": 3,
        "hidden_size": 4,
        "max_epochs": 2,
        "batch_size": 8,
        "random_state": 0,
    },
    {
        "window_length": 5,
        "hidden_size": 3,
        "num_layers": 2,
        "dropout": 0.1,
        "skip_connections": True,
        "truncation_length": 2,
        "clip_grad_norm": 0.5,
        "clip_grad_value": 1.0,
        "init": "xavier",
        "loss": "huber",
        "window_norm": "mean",
        "series_embedding_dim": 2,
        "max_epochs": 1,
        "update_epochs": 0,
        "random_state": 1,
    },
    {
        "window_length": 4,
        "hidden_size": 2,
        "bidirectional": True,
        "init": "default",
        "forget_bias": None,
        "window_norm": None,
        "optimizer": "adamw",
        "loss": "mae",
        "n_models": 2,
        "max_epochs": 1,
        "num_threads": 1,
        "random_state": 2,
    },
    {
        "window_length": 3,
        "hidden_size": 3,
        "strategy": "recursive",
        "loss": "normal",
        "n_samples": 20,
        "max_epochs": 1,
        "random_state": 4,
    },
    {
        "window_length": 4,
        "hidden_size": 3,
        "strategy": "seq2seq",
        "loss": "quantile",
        "quantiles": (0.05, 0.25, 0.5, 0.75, 0.95),
        "max_epochs": 1,
        "random_state": 5,
    },
    {
        "window_length": 3,
        "hidden_size": 3,
        "strategy": "direct",
        "loss": "normal",
        "max_epochs": 1,
        "random_state": 6,
    },
    {
        "window_length": 4,
        "window_norm": None,
        "stateful": True,
        "truncation_length": 2,
        "hidden_size": 3,
        "max_epochs": 2,
        "batch_size": 4,
        "update_epochs": 1,
        "random_state": 3,
    },
    {
        "window_length": 3,
        "hidden_size": 3,
        "validation_size": 1,
        "early_stopping": True,
        "patience": 1,
        "lr_schedule": "cosine",
        "optimizer": "adamw",
        "weight_decay": 0.01,
        "max_epochs": 3,
        "random_state": 7,
    },
    {
        "window_length": 3,
        "hidden_size": 3,
        "validation_size": 0.3,
        "interval_calibration": "conformal",
        "lr_schedule": "onecycle",
        "max_epochs": 2,
        "random_state": 8,
    },
]


@_with_parameters
class RecurrentForecaster(BaseRecurrentForecaster):
    """Forecaster with any registered recurrent cell, including plugin cells.

    {parameters}

    See Also
    --------
    LSTMForecaster, GRUForecaster, RNNForecaster

    Examples
    --------
    >>> from sktime.datasets import load_airline
    >>> from sktime_rnn.forecasting import RecurrentForecaster
    >>> y = load_airline()
    >>> forecaster = RecurrentForecaster(cell="gru", window_length=12, max_epochs=2)
    >>> forecaster.fit(y, fh=[1, 2, 3])
    RecurrentForecaster(...)
    >>> forecaster.predict().shape
    (3,)
    """

    @classmethod
    def get_test_params(cls, parameter_set="default"):
        """Return small, fast parameter sets for sktime's conformance suite."""
        return [{**params, "cell": "lstm_no_forget"} for params in _TEST_PARAMS[:2]]


@_with_parameters
class LSTMForecaster(BaseRecurrentForecaster):
    """Long short-term memory forecaster, with or without forget gate.

    ``cell="lstm"`` is the LSTM with forget gate (PyTorch's fused ``nn.LSTM``);
    ``cell="lstm_no_forget"`` the original 1997 LSTM, whose cell state only
    accumulates.

    {parameters}

    See Also
    --------
    GRUForecaster, RNNForecaster, RecurrentForecaster

    References
    ----------
    .. [1] Hochreiter, S. and Schmidhuber, J. (1997). Long short-term memory.
       Neural Computation 9(8).
    .. [2] Gers, F., Schmidhuber, J. and Cummins, F. (2000). Learning to forget:
       continual prediction with LSTM. Neural Computation 12(10).

    Examples
    --------
    >>> from sktime.datasets import load_airline
    >>> from sktime_rnn.forecasting import LSTMForecaster
    >>> y = load_airline()
    >>> forecaster = LSTMForecaster(window_length=12, max_epochs=2, random_state=0)
    >>> forecaster.fit(y, fh=[1, 2, 3])
    LSTMForecaster(...)
    >>> forecaster.predict().shape
    (3,)
    """

    _cells = ("lstm", "lstm_no_forget")

    @classmethod
    def get_test_params(cls, parameter_set="default"):
        """Return small, fast parameter sets for sktime's conformance suite."""
        return [*_TEST_PARAMS, {**_TEST_PARAMS[0], "cell": "lstm_no_forget"}]


@_with_parameters
class GRUForecaster(BaseRecurrentForecaster):
    """Gated recurrent unit forecaster.

    {parameters}

    See Also
    --------
    LSTMForecaster, RNNForecaster, RecurrentForecaster

    References
    ----------
    .. [1] Cho, K. et al. (2014). Learning phrase representations using RNN
       encoder-decoder for statistical machine translation. EMNLP.

    Examples
    --------
    >>> from sktime.datasets import load_airline
    >>> from sktime_rnn.forecasting import GRUForecaster
    >>> y = load_airline()
    >>> forecaster = GRUForecaster(window_length=12, max_epochs=2, random_state=0)
    >>> forecaster.fit(y, fh=[1, 2, 3])
    GRUForecaster(...)
    >>> forecaster.predict().shape
    (3,)
    """

    _cells = ("gru",)

    @classmethod
    def get_test_params(cls, parameter_set="default"):
        """Return small, fast parameter sets for sktime's conformance suite."""
        return list(_TEST_PARAMS)


@_with_parameters
class RNNForecaster(BaseRecurrentForecaster):
    """Elman recurrent network forecaster, with tanh or ReLU units.

    {parameters}

    See Also
    --------
    LSTMForecaster, GRUForecaster, RecurrentForecaster

    References
    ----------
    .. [1] Elman, J. L. (1990). Finding structure in time. Cognitive Science 14(2).

    Examples
    --------
    >>> from sktime.datasets import load_airline
    >>> from sktime_rnn.forecasting import RNNForecaster
    >>> y = load_airline()
    >>> forecaster = RNNForecaster(window_length=12, max_epochs=2, random_state=0)
    >>> forecaster.fit(y, fh=[1, 2, 3])
    RNNForecaster(...)
    >>> forecaster.predict().shape
    (3,)
    """

    _cells = ("rnn_tanh", "rnn_relu")

    @classmethod
    def get_test_params(cls, parameter_set="default"):
        """Return small, fast parameter sets for sktime's conformance suite."""
        return [*_TEST_PARAMS, {**_TEST_PARAMS[0], "cell": "rnn_relu"}]
