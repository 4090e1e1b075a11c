"""Gradient flow of a unidirectional and a bidirectional LSTM encoder."""

from sktime_rnn import LSTMForecaster
from sktime_rnn.datasets import make_long_memory
from sktime_rnn.plotting import plot_gradient_flow

y, X = make_long_memory(600, lag=30, random_state=0)
common = dict(
    window_length=40, window_norm=None, hidden_size=16, max_epochs=3, random_state=0
)
fitted = {
    f"bidirectional={bidirectional}": LSTMForecaster(
        bidirectional=bidirectional, **common
    ).fit(y, X=X, fh=[1])
    for bidirectional in (False, True)
}
ax = plot_gradient_flow(fitted)
ax.figure.set_size_inches(7, 4)
