"""What the ``sktime-rnn`` command evaluates: the network and the baselines.

The network's hyper-parameters are checked here, before any fit, by the same
table of constraints that ``fit`` applies (the device included), so that
``--param device=tpu9`` ends the command at once rather than after the
baselines have been evaluated.
"""

from __future__ import annotations

__all__ = ["BASELINES", "MODELS", "make_baselines", "make_model"]

import ast
import importlib.util

from sktime_rnn import GRUForecaster, LSTMForecaster, RNNForecaster
from sktime_rnn.cli.errors import CommandError
from sktime_rnn.forecasting._params import check_params

MODELS = {"lstm": LSTMForecaster, "gru": GRUForecaster, "rnn": RNNForecaster}
BASELINES = ("naive", "naive-seasonal", "drift", "mean", "ets", "theta")


def make_model(name, params, random_state, sp=1):
    """Build the ``--model`` forecaster with ``--param name=value`` settings.

    The season length ``sp`` (inferred or ``--sp``) becomes the network's
    ``sp`` unless ``--param sp=...`` sets it. Raises :class:`CommandError` if
    a hyper-parameter is unknown or has a value ``fit`` would refuse.

    Examples
    --------
    >>> make_model("gru", ["hidden_size=8"], 0, sp=12).get_params()["sp"]
    12
    """
    cls = MODELS[name]
    known = cls().get_params(deep=False)
    values = {"random_state": random_state}
    if "sp" in known:
        values["sp"] = sp
    for item in params or []:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise CommandError(f"--param expects name=value, got {item!r}")
        if key not in known:
            raise CommandError(
                f"--param {key}: {cls.__name__} has no hyper-parameter {key!r}; "
                f"it has {', '.join(sorted(known))}"
            )
        values[key] = _literal(text.strip())
    model = cls(**values)
    try:
        check_params(model)
    except ValueError as error:
        raise CommandError(f"--param: {error}") from error
    return model


def make_baselines(spec, sp) -> dict:
    """Build the ``--baseline`` forecasters, named as given."""
    from sktime.forecasting.naive import NaiveForecaster

    names = [name.strip() for name in (spec or "").split(",") if name.strip()]
    unknown = [name for name in names if name not in (*BASELINES, "none")]
    if unknown:
        raise CommandError(
            f"--baseline {unknown[0]!r} is unknown; choose from "
            f"{', '.join(BASELINES)} or none"
        )
    baselines = {}
    for name in dict.fromkeys(names):
        if name == "none":
            continue
        if name in ("ets", "theta") and importlib.util.find_spec("statsmodels") is None:
            raise CommandError(
                f"--baseline {name} needs statsmodels: pip install statsmodels"
            )
        if name == "naive":
            baselines[name] = NaiveForecaster(strategy="last")
        elif name == "naive-seasonal":
            baselines[name] = NaiveForecaster(strategy="last", sp=sp)
        elif name in ("drift", "mean"):
            baselines[name] = NaiveForecaster(strategy=name)
        elif name == "ets":
            # Holt-Winters: AutoETS's model search takes ~10 s a fit, and its
            # intervals fail on statsmodels 0.15
            from sktime.forecasting.exp_smoothing import ExponentialSmoothing

            seasonal = {"seasonal": "add", "sp": sp} if sp > 1 else {}
            baselines[name] = ExponentialSmoothing(trend="add", **seasonal)
        else:
            from sktime.forecasting.theta import ThetaForecaster

            baselines[name] = ThetaForecaster(sp=sp)
    return baselines


# ------------------------------------------------------------------ helpers
def _literal(text):
    """``16`` -> 16, ``None`` -> None, ``[1, 2]`` -> list; anything else a string."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
