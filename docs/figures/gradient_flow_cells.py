"""Gradient flow through a 40-step window: Elman network against gated cells."""

from sktime_rnn import GRUForecaster, LSTMForecaster, RNNForecaster
from sktime_rnn.datasets import make_long_memory
from sktime_rnn.plotting import plot_gradient_flow

y, X = make_long_memory(600, lag=30, random_state=0)
common = dict(
    window_length=40, window_norm=None, hidden_size=16, max_epochs=3, random_state=0
)
fitted = {
    "Elman (rnn_tanh)": RNNForecaster(**common),
    "LSTM (forget_bias=1)": LSTMForecaster(**common),
    "LSTM without forget gate": LSTMForecaster(cell="lstm_no_forget", **common),
    "GRU": GRUForecaster(**common),
}
for forecaster in fitted.values():
    forecaster.fit(y, X=X, fh=[1])
ax = plot_gradient_flow(fitted)
ax.figure.set_size_inches(7, 4)
