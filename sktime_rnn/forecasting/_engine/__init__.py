"""The fitting engine: a fit plan, the model kinds, training runs and the fitted state.

Nothing here knows sktime: the forecasters (``sktime_rnn.forecasting``) hand
it checked, split data and the resolved hyper-parameters, and it returns a
:class:`~sktime_rnn.forecasting._engine._state.FittedState`. :func:`plan_fit`
makes every decision of a fit once (``_plan``); each model kind (``_plain``,
``_hybrid``) owns how its network sees the data, trains and forecasts.
"""
