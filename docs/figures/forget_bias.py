"""Gradient flow of an LSTM for three initial forget-gate biases."""

from sktime_rnn import LSTMForecaster
from sktime_rnn.datasets import make_long_memory
from sktime_rnn.plotting import plot_gradient_flow

y, X = make_long_memory(600, lag=30, random_state=0)
common = dict(
    window_length=40, window_norm=None, hidden_size=16, max_epochs=3, random_state=0
)
fitted = {
    f"forget_bias={bias}": LSTMForecaster(forget_bias=bias, **common).fit(
        y, X=X, fh=[1]
    )
    for bias in (0.0, 1.0, 3.0)
}
ax = plot_gradient_flow(fitted)
ax.figure.set_size_inches(7, 4)
