"""Loss and gradient norms of a ReLU Elman network trained with clipping."""

from sktime.datasets import load_airline

from sktime_rnn import RNNForecaster
from sktime_rnn.plotting import plot_training_history

forecaster = RNNForecaster(
    cell="rnn_relu",
    init="xavier",
    lr=0.02,
    clip_grad_norm=1.0,
    window_length=24,
    max_epochs=30,
    batch_size=16,
    random_state=0,
)
forecaster.fit(load_airline(), fh=range(1, 13))
loss_ax, norm_ax = plot_training_history(forecaster)
loss_ax.figure.set_size_inches(10, 3.8)
