"""The TensorFlow tab of the Adagrad chapter: ``from d2lite import tensorflow as d2l``.

Every name the chapter's TensorFlow cells use, with the book's signatures and what the book
shows: ``train_2d`` prints ``epoch 20, x1: ..., x2: ...``, ``train_ch11`` and
``train_concise_ch11`` draw the loss curve and print ``loss: L, T sec/epoch``.  Written with
``tf.Variable``, ``tf.GradientTape``, ``tf.data`` and ``tf.keras`` (Keras 3 in TensorFlow 2.16
and later), as ``d2l.tensorflow`` is; the data is the airfoil file shipped with d2lite (no
download).  It imports TensorFlow, NumPy, matplotlib and d2lite's framework-free parts, never
PyTorch.

The examples below run in an environment with TensorFlow (``make frameworks`` runs them there):

>>> data_iter, feature_dim = get_data_ch11(batch_size=10)
>>> feature_dim, int(tf.data.experimental.cardinality(data_iter))
(5, 150)
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import tensorflow as tf

from d2lite.book import datasets
from d2lite.book._book import (EVAL_EVERY, Accumulator, Animator, Timer, ch11_animator, ch11_line,  # noqa: F401
                    check_hyperparams, set_figsize, show_trace_2d, train_2d)
from d2lite.book._book import __getattr__ as _book_getattr
from d2lite._checks import check_callable, check_int

__all__ = ["Accumulator", "Animator", "Timer", "plt", "set_figsize", "show_trace_2d",
           "train_2d", "zeros", "ones", "size", "reduce_sum", "reshape", "matmul", "load_array",
           "get_data_ch11", "linreg", "squared_loss", "evaluate_loss", "train_ch11",
           "train_concise_ch11"]

#: The book's one-line aliases (``d2l.zeros`` and friends) for TensorFlow.
zeros = tf.zeros
ones = tf.ones
matmul = tf.matmul
reduce_sum = tf.reduce_sum
reshape = tf.reshape


def __getattr__(name: str) -> Any:
    return _book_getattr(name)  # plt, imported on first use


def size(a: tf.Tensor) -> int:
    """Number of elements of ``a`` (the book's ``d2l.size``).

    >>> size(zeros((2, 3)))
    6
    """
    return int(tf.size(a))


def load_array(data_arrays: Sequence[Any], batch_size: int,
               is_train: bool = True) -> tf.data.Dataset:
    """A ``tf.data.Dataset`` of minibatches of ``data_arrays``, shuffled when ``is_train``.

    >>> it = load_array((zeros((4, 2)), zeros(4)), batch_size=2)
    >>> [tuple(X.shape) for X, _ in it]
    [(2, 2), (2, 2)]
    """
    batch_size = check_int("batch_size", batch_size)
    dataset = tf.data.Dataset.from_tensor_slices(tuple(data_arrays))
    if is_train:
        dataset = dataset.shuffle(buffer_size=1000)
    return dataset.batch(batch_size)


def get_data_ch11(batch_size: int = 10, n: int = 1500) -> tuple[tf.data.Dataset, int]:
    """The first ``n`` airfoil examples, standardised as the book does, in minibatches.

    Returns ``(data_iter, feature_dim)`` like ``d2l.get_data_ch11``; the labels are a vector.

    >>> data_iter, feature_dim = get_data_ch11(batch_size=100, n=300)
    >>> X, y = next(iter(data_iter))
    >>> tuple(X.shape), tuple(y.shape), feature_dim
    ((100, 5), (100,), 5)
    """
    features, labels = datasets.airfoil_arrays(n=n)
    return load_array((features, labels[:, 0]), batch_size, is_train=True), features.shape[1]


def linreg(X: tf.Tensor, w: tf.Tensor, b: tf.Tensor) -> tf.Tensor:
    """The linear regression model ``X w + b``.

    >>> linreg(ones((2, 3)), ones((3, 1)), zeros(1)).numpy().tolist()
    [[3.0], [3.0]]
    """
    return matmul(X, w) + b


def squared_loss(y_hat: tf.Tensor, y: tf.Tensor) -> tf.Tensor:
    """Half the squared error per example, ``y`` reshaped like ``y_hat``.

    >>> squared_loss(ones((2, 1)), zeros(2)).numpy().tolist()
    [[0.5], [0.5]]
    """
    return (y_hat - reshape(y, y_hat.shape)) ** 2 / 2


def evaluate_loss(net: Callable, data_iter: Any, loss: Callable) -> float:
    """The mean of ``loss(net(X), y)`` over every example of ``data_iter``.

    >>> it = load_array((ones((4, 1)), zeros(4)), batch_size=2, is_train=False)
    >>> evaluate_loss(lambda X: X, it, squared_loss)
    0.5
    """
    metric = Accumulator(2)  # sum of the losses, number of examples
    for X, y in data_iter:
        l = loss(net(X), y)
        metric.add(float(reduce_sum(l)), size(l))
    return metric[0] / metric[1]


def _compiled_evaluation(net: Callable, loss: Callable) -> Callable[[Any], float]:
    """:func:`evaluate_loss` of ``net`` and ``loss`` with the per-batch work in one ``tf.function``.

    The same sums as ``evaluate_loss(net, data_iter, loss)``, traced once instead of run op by
    op in eager mode, which makes the 15 passes over the data of ``train_ch11`` cheap.
    """
    @tf.function
    def batch(X, y):
        l = loss(net(X), y)
        return reduce_sum(l), tf.size(l)

    def evaluate(data_iter: Any) -> float:
        metric = Accumulator(2)  # sum of the losses, number of examples
        for X, y in data_iter:
            total, count = batch(X, y)
            metric.add(float(total), int(count))
        return metric[0] / metric[1]

    return evaluate


def _epochs_done(n: int, batch: int, data_iter: tf.data.Dataset) -> float:
    return n / batch / int(tf.data.experimental.cardinality(data_iter).numpy())


def train_ch11(trainer_fn: Callable, states: Any, hyperparams: Mapping[str, float],
               data_iter: tf.data.Dataset, feature_dim: int,
               num_epochs: int = 2) -> tuple[list[float], list[float]]:
    """Train a linear model with the from-scratch ``trainer_fn(params, grads, states, hyperparams)``.

    The weight starts from N(0, 0.01^2), the bias at 0, both ``tf.Variable``; every 200
    examples the loss over the whole data set goes on the live curve.  Prints
    ``loss: L, T sec/epoch`` and returns the cumulative times and the losses.
    ``hyperparams`` is the dict the book's from-scratch code reads (``{'lr': 0.1}``).

    >>> def sgd(params, grads, states, hyperparams):
    ...     for p, g in zip(params, grads):
    ...         p.assign_sub(hyperparams['lr'] * g)
    >>> data_iter, feature_dim = get_data_ch11(batch_size=10, n=400)
    >>> times, losses = train_ch11(sgd, None, {'lr': 0.05}, data_iter, feature_dim)  # doctest: +ELLIPSIS
    loss: 0..., ... sec/epoch
    >>> len(losses), len(times)
    (4, 4)
    """
    trainer_fn = check_callable("trainer_fn", trainer_fn)
    check_hyperparams(hyperparams, "TensorFlow (from scratch)", "lr", "learning_rate")
    feature_dim, num_epochs = check_int("feature_dim", feature_dim), check_int("num_epochs", num_epochs)
    w = tf.Variable(tf.random.normal(shape=(feature_dim, 1), mean=0, stddev=0.01), trainable=True)
    b = tf.Variable(tf.zeros(1), trainable=True)
    net, loss = lambda X: linreg(X, w, b), squared_loss
    evaluate = _compiled_evaluation(net, loss)
    animator = ch11_animator(num_epochs)
    n, timer = 0, Timer()
    for _ in range(num_epochs):
        for X, y in data_iter:
            with tf.GradientTape() as g:
                l = tf.math.reduce_mean(loss(net(X), y))
            dw, db = g.gradient(l, [w, b])
            trainer_fn([w, b], [dw, db], states, hyperparams)
            n += X.shape[0]
            if n % EVAL_EVERY == 0:
                timer.stop()
                animator.add(_epochs_done(n, X.shape[0], data_iter),
                             (evaluate(data_iter),))
                timer.start()
    print(ch11_line(animator.Y[0][-1], timer.sum() / num_epochs))
    return timer.cumsum(), animator.Y[0]


def train_concise_ch11(trainer_fn: Callable, hyperparams: Mapping[str, float],
                       data_iter: tf.data.Dataset, num_epochs: int = 2) -> None:
    """Train a ``Dense(1)`` layer with the optimizer ``trainer_fn(**hyperparams)``.

    ``trainer_fn`` is a Keras optimizer class (``tf.keras.optimizers.Adagrad``) and
    ``hyperparams`` its settings, ``{'learning_rate': 0.1}``.  The loss is Keras's mean squared
    error; the curve shows half of it, the book's squared loss.  Draws the live loss curve and
    prints ``loss: L, T sec/epoch``; returns nothing, as the book's does.

    >>> train_concise_ch11(tf.keras.optimizers.Adagrad, {'lr': 0.1}, None)
    Traceback (most recent call last):
    ...
    ValueError: the TensorFlow (tf.keras.optimizers) tab names the learning rate 'learning_rate', not 'lr': write {'learning_rate': 0.1}, got {'lr': 0.1}
    """
    trainer_fn = check_callable("trainer_fn", trainer_fn)
    check_hyperparams(hyperparams, "TensorFlow (tf.keras.optimizers)", "learning_rate", "lr", required=False)
    num_epochs = check_int("num_epochs", num_epochs)
    net = tf.keras.Sequential()
    net.add(tf.keras.layers.Dense(1, kernel_initializer=tf.random_normal_initializer(stddev=0.01)))
    optimizer = trainer_fn(**hyperparams)
    loss = tf.keras.losses.MeanSquaredError()

    @tf.function  # the book's eager step, traced once: the same ops, without eager overhead
    def step(X, y):
        with tf.GradientTape() as g:
            out = net(X)
            l = loss(y, out)
            params = net.trainable_variables
            grads = g.gradient(l, params)
        optimizer.apply_gradients(zip(grads, params))

    evaluate = _compiled_evaluation(net, loss)  # loss(net(X), y), as the book evaluates it
    animator = ch11_animator(num_epochs)
    n, timer = 0, Timer()
    for _ in range(num_epochs):
        for X, y in data_iter:
            step(X, y)
            n += X.shape[0]
            if n % EVAL_EVERY == 0:
                timer.stop()
                # MeanSquaredError has no 1/2: halve it to show the book's squared loss
                animator.add(_epochs_done(n, X.shape[0], data_iter),
                             (evaluate(data_iter) / 2,))
                timer.start()
    print(ch11_line(animator.Y[0][-1], timer.sum() / num_epochs))
