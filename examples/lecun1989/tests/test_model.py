"""The 1989 network: shapes, the paper's counts, its initialisation, the proxy data, and a
numerical check of the hand-written backward pass."""

import numpy as np
import pytest

from lecun1989 import config, data
from lecun1989.model import LeNet1989, h2_connection_table
from lecun1989.train import build_model

# The paper's own totals (§3.3), quoted with sources in docs/facts.md:
# "the network has 1256 units, 64,660 connections, and 9760 independent parameters."
PAPER_UNITS, PAPER_CONNECTIONS, PAPER_PARAMETERS = 1256, 64660, 9760


@pytest.mark.parametrize("scheme", ["block", "cyclic"])
def test_layers_have_the_papers_shapes(scheme: str) -> None:
    m = LeNet1989(np.random.default_rng(0), h2_scheme=scheme)
    x = np.random.default_rng(1).uniform(-1, 1, size=(3, 16, 16))
    y, (p1, a1, _, _, a2, a3, _) = m.forward(x)
    assert y.shape == (3, 10)
    assert a1.shape == (3, 12, 64)  # 12 maps of 8x8
    assert a2.shape == (3, 192)  # 12 maps of 4x4
    assert a3.shape == (3, 30)
    assert p1.shape == (3, 64, 25)  # 5x5 receptive fields
    assert m.params["W1"].shape == (12, 25)
    assert m.params["b1"].shape == (12, 64)  # one bias per unit
    assert m.params["W2"].shape == (12, 200)  # 8 maps x 25 weights
    assert m.params["b2"].shape == (12, 16)
    # every H2 map reads exactly 8 distinct H1 maps, every H1 map feeds 8
    assert (m.h2_mask.sum(axis=1) == 8).all()
    assert (m.h2_mask.sum(axis=0) == 8).all()
    # the scaled tanh keeps outputs inside (-1.7159, 1.7159)
    assert np.abs(y).max() < 1.7159


@pytest.mark.parametrize("scheme", ["block", "cyclic"])
def test_counts_are_the_papers(scheme: str) -> None:
    c = LeNet1989(np.random.default_rng(0), h2_scheme=scheme).counts()
    assert c["units"] == PAPER_UNITS
    assert c["connections"] == PAPER_CONNECTIONS
    assert c["independent-parameters"] == PAPER_PARAMETERS
    # the per-layer numbers the paper also states (§3.3)
    assert c["per-layer-units"] == [768, 192, 30, 10]
    assert c["per-layer-connections"] == [19968, 38592, 5790, 310]
    assert c["per-layer-parameters"] == [1068, 2592, 5790, 310]


def test_block_table_is_karpathys_scheme() -> None:
    t = h2_connection_table("block")
    assert t[0].tolist() == list(range(8))
    assert t[4].tolist() == list(range(4, 12))
    assert t[8].tolist() == [0, 1, 2, 3, 8, 9, 10, 11]


def test_initial_weights_follow_the_papers_fan_in_rule() -> None:
    m = LeNet1989(np.random.default_rng(0), init="paper")
    for name, fan_in in (("W1", 25), ("W2", 200), ("W3", 192), ("W4", 30)):
        assert np.abs(m.params[name]).max() <= 2.4 / fan_in
        assert np.abs(m.params[name]).max() > 0.9 * 2.4 / fan_in


def test_proxy_data_is_fixed_and_scaled_to_plus_minus_one() -> None:
    x_train, y_train, x_test, _ = data.load()
    assert x_train.shape == (1198, 16, 16)
    assert x_test.shape == (599, 16, 16)
    assert x_train.min() == -1.0
    assert x_train.max() == 1.0
    again, labels, _, _ = data.load()
    assert np.array_equal(x_train, again)
    assert np.array_equal(y_train, labels)


def test_a_saved_model_gives_the_same_outputs() -> None:
    settings = config.Config(variant="modern", init="he")
    m = build_model(np.random.default_rng(3), settings)
    copy = LeNet1989.from_state(m.state())
    x = np.random.default_rng(4).uniform(-1, 1, size=(2, 16, 16))
    assert np.array_equal(m.forward(x)[0], copy.forward(x)[0])


def _loss(m: LeNet1989, x: np.ndarray, labels: np.ndarray, loss: str) -> float:
    y, _ = m.forward(x)
    return m.loss_and_grad_output(y, labels, loss)[0]


@pytest.mark.parametrize("variant", ["1989", "modern"])
def test_backward_pass_matches_numerical_gradients(variant: str) -> None:
    rng = np.random.default_rng(123)
    # a larger initialisation than the paper's, so that every layer has real gradients
    init = "he" if variant == "modern" else "sqrt"
    m = build_model(np.random.default_rng(7), config.Config(variant=variant, init=init))
    if variant == "modern":
        for k in ("b1", "b2", "b3", "b4"):
            m.params[k] = rng.uniform(-0.1, 0.1, size=m.params[k].shape)
    x = rng.uniform(-1, 1, size=(2, 16, 16))
    labels = np.array([3, 7])
    loss = "xent" if variant == "modern" else "mse"
    y, cache = m.forward(x)
    _, dz4 = m.loss_and_grad_output(y, labels, loss)
    grads = m.backward(cache, dz4)
    eps = 1e-6
    for name, p in m.params.items():
        flat = p.reshape(-1)
        for idx in rng.choice(flat.size, size=min(12, flat.size), replace=False):
            old = flat[idx]
            flat[idx] = old + eps
            plus = _loss(m, x, labels, loss)
            flat[idx] = old - eps
            minus = _loss(m, x, labels, loss)
            flat[idx] = old
            numerical = (plus - minus) / (2 * eps)
            analytical = grads[name].reshape(-1)[idx]
            tolerance = 1e-6 * max(1.0, abs(numerical) + abs(analytical)) + 1e-9
            assert abs(numerical - analytical) <= tolerance, (name, idx)
