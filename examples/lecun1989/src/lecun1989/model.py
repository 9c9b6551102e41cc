"""The 1989 zip-code network (LeCun et al. 1989), NumPy only.

Every architectural choice below cites the section of the paper it comes from.
Section numbers follow the headings of the public transcription used for this
work (Akramz/blog, content/posts/digit_recognizer.md, commit 429dec09); the
exact quotes, with sources, are in docs/facts.md. Where the paper is silent or
ambiguous the comment says "CHOICE" and what was chosen.

Layout of the network (paper §3.3 "Network Architecture"):

    input  16x16                          (256 units)
    H1     12 maps of 8x8, 5x5 kernels, stride 2, shared weights,
           one bias per unit                (768 units)
    H2     12 maps of 4x4, 5x5 kernels, stride 2, each map reads 8 of
           H1's 12 maps, one bias per unit  (192 units)
    H3     30 units, fully connected to H2
    output 10 units, fully connected to H3

Implementation: each per-example step is a handful of NumPy calls on
precomputed im2col index arrays (no Python loop over units or maps).
All arrays are float64.
"""

from __future__ import annotations

from typing import Any

import numpy as np

Array = np.ndarray[Any, np.dtype[Any]]
# What forward() keeps for backward(): P1, a1, P2, W2d, a2, a3, y.
Cache = tuple[Array, Array, Array, Array, Array, Array, Array]

# ---------------------------------------------------------------------------
# Squashing function.
# Paper §4: "The nonlinear function used at each node was a scaled hyperbolic
# tangent." The paper does not give the constants. CHOICE: f(x) = A tanh(S x)
# with A = 1.7159, S = 2/3, the scaling LeCun's group later published
# (LeCun et al. 1998, "Efficient BackProp"). Why: it gives f(+1) = +1 and
# f(-1) = -1, so the +/-1 targets (see train.py) sit inside the range of the
# function rather than at its asymptotes, which is what §4 asks for: "The
# target values for the output units were chosen within the quasilinear range
# of the sigmoid." With plain tanh, +/-1 targets would be the asymptotes.
A_TANH = 1.7159
S_TANH = 2.0 / 3.0

# Geometry (paper §3.3).
IN_SIDE = 16  # "The input of the network is a 16x16 normalized image" (§3.1)
N_MAPS = 12  # H1 and H2 both have 12 feature maps (§3.3)
H1_SIDE = 8  # "12 independent 8x8 feature maps" (§3.3)
H2_SIDE = 4  # "16 units arranged in a 4x4 plane" (§3.3)
K = 5  # "takes input on a 5x5 neighborhood" (§3.3)
STRIDE = 2  # "receptive fields ... are two pixels apart" (§3.3)
H2_FANIN_MAPS = 8  # "combines local information coming from 8 of the 12" (§3.3)
N_H3 = 30  # "Layer H3 has 30 units" (§3.3)
N_OUT = 10  # "10 units (one per class)" (§3.1)

# Padding. Paper §3.3: "Connections extending past the boundaries of the input
# plane take their input from a virtual background plane whose state is equal
# to a constant, predetermined background level, in our case, is -1." (as
# transcribed; the transcription writes `-1` in code font). For H2:
# "Connections falling off the boundaries are treated like as in H1."
# CHOICE: H1 unit (i, j) is centred on input pixel (2i, 2j), so the input is
# padded by 2 on the top/left and 1 on the bottom/right (19x19; Karpathy pads
# 2 on every side, whose last row/column no unit ever reads, so the two are
# the same network). H2 unit (i, j) is centred on H1 position (2i, 2j) in the
# same way (8x8 -> 11x11). Both paddings use the background level -1 for the
# 1989 network (the same value as Karpathy's reproduction).
PAD_LO, PAD_HI = 2, 1
IN_PADDED = IN_SIDE + PAD_LO + PAD_HI  # 19
H1_PADDED = H1_SIDE + PAD_LO + PAD_HI  # 11


def h2_connection_table(scheme: str = "block") -> np.ndarray:
    """Which 8 of H1's 12 maps feed each H2 map (paper §3.3).

    The paper: "The eight maps in H1 on which a map in H2 takes its inputs are
    chosen according to a scheme that will not be described here." CHOICE:

    "block" (default): the overlapping block scheme documented in Karpathy's
        reproduction (karpathy/lecun1989-repro, repro.py): H2 maps 0-3 read
        H1 maps 0-7, H2 maps 4-7 read H1 maps 4-11, H2 maps 8-11 read H1 maps
        0-3 and 8-11. Every H1 map feeds exactly 8 H2 maps.
    "cyclic": H2 map m reads H1 maps m, m+1, ..., m+7 (mod 12). Also
        balanced (every H1 map feeds 8 H2 maps), and all 12 H2 maps see a
        different subset.

    Returns an int array of shape (12, 8): row m lists the H1 maps of H2 map m.
    """
    if scheme == "block":
        groups = [list(range(8)), list(range(4, 12)), list(range(4)) + list(range(8, 12))]
        table = np.array([groups[m // 4] for m in range(N_MAPS)], dtype=np.int64)
    elif scheme == "cyclic":
        table = np.array(
            [[(m + k) % N_MAPS for k in range(H2_FANIN_MAPS)] for m in range(N_MAPS)],
            dtype=np.int64,
        )
    else:
        raise ValueError(f"unknown H2 connection scheme {scheme!r}")
    assert table.shape == (N_MAPS, H2_FANIN_MAPS)
    assert all(len(set(row)) == H2_FANIN_MAPS for row in table.tolist())
    return table


def _conv_index(out_side: int, padded_side: int) -> np.ndarray:
    """im2col index: (out_side**2, K*K) flat indices into a padded square plane.

    Output unit (i, j) reads the 5x5 window whose top-left corner is at
    (STRIDE*i, STRIDE*j) of the padded plane, i.e. centred on (2i, 2j) of the
    unpadded plane."""
    i, j = np.meshgrid(np.arange(out_side), np.arange(out_side), indexing="ij")
    u, v = np.meshgrid(np.arange(K), np.arange(K), indexing="ij")
    rows = STRIDE * i.reshape(-1, 1) + u.reshape(1, -1)
    cols = STRIDE * j.reshape(-1, 1) + v.reshape(1, -1)
    assert rows.max() < padded_side
    assert cols.max() < padded_side
    result: Array = rows * padded_side + cols
    return result


def _interior_index(side: int, padded_side: int) -> np.ndarray:
    """Flat indices of the unpadded (side x side) block inside a padded plane."""
    r, c = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    return ((r + PAD_LO) * padded_side + (c + PAD_LO)).reshape(-1)


class LeNet1989:
    """The 1989 network, with an optional "modern" variant (see train.py).

    Parameters (all float64 arrays in self.params):
      W1 (12, 25)   H1 kernels, shared by the 64 units of a map (§3.3)
      b1 (12, 64)   H1 biases, one per unit: "Units do not share their
                    biases (thresholds)" (§3.3)
      W2 (12, 200)  H2 kernels: 8 maps x 25 weights per H2 map, shared by
                    the 16 units of the map (§3.3: "a unit in H2 has 200
                    inputs, 200 weights, and a bias"; "all units in a given
                    map are constrained to have identical weight vectors")
      b2 (12, 16)   H2 biases, one per unit (§3.3: "192 biases")
      W3 (30, 192), b3 (30,)  H3, fully connected to H2 (§3.3)
      W4 (10, 30),  b4 (10,)  output, fully connected to H3 (§3.3)
    """

    PARAM_NAMES = ("W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4")

    def __init__(
        self,
        rng: np.random.Generator,
        *,
        h2_scheme: str = "block",
        init: str = "paper",
        hidden: str = "scaled_tanh",
        output: str = "scaled_tanh",
        hidden_pad: float = -1.0,
        input_pad: float = -1.0,
    ):
        self.hidden = hidden
        self.output = output
        self.input_pad = float(input_pad)
        self.hidden_pad = float(hidden_pad)
        self.h2_table = h2_connection_table(h2_scheme)
        self.h2_scheme = h2_scheme
        self.init = init

        # --- im2col index arrays (precomputed once) ----------------------
        self.in_interior = _interior_index(IN_SIDE, IN_PADDED)  # (256,)
        self.idx1 = _conv_index(H1_SIDE, IN_PADDED)  # (64, 25)
        h1_plane = H1_PADDED * H1_PADDED  # 121
        self.h1_plane = h1_plane
        self.h1_interior = (
            np.arange(N_MAPS)[:, None] * h1_plane + _interior_index(H1_SIDE, H1_PADDED)[None, :]
        )  # (12, 64)
        win2 = _conv_index(H2_SIDE, H1_PADDED)  # (16, 25)
        # idx2[p, k*25 + c]: flat index (into the 12 padded H1 planes) of tap c
        # of H1 map k under H2 position p. The gather reads all 12 maps; the
        # "8 of 12" restriction is applied by the connection mask below, so a
        # step gathers 16 x 300 values instead of 12 x 16 x 200.
        self.idx2 = (np.arange(N_MAPS)[None, :, None] * h1_plane + win2[:, None, :]).reshape(
            H2_SIDE * H2_SIDE, N_MAPS * K * K
        )  # (16, 300)
        self.taps2 = win2.shape[1]  # 25
        # connection mask (12 H2 maps x 12 H1 maps), True where connected
        self.h2_mask = np.zeros((N_MAPS, N_MAPS), dtype=bool)
        self.h2_mask[np.arange(N_MAPS)[:, None], self.h2_table] = True
        self._rows8 = np.repeat(np.arange(N_MAPS)[:, None], H2_FANIN_MAPS, axis=1)  # (12, 8)
        self.h1_flat_size = N_MAPS * h1_plane  # 1452

        # --- parameters ----------------------------------------------------
        fan_in = {"W1": K * K, "W2": H2_FANIN_MAPS * K * K, "W3": N_MAPS * H2_SIDE**2, "W4": N_H3}
        shapes = {
            "W1": (N_MAPS, K * K),
            "b1": (N_MAPS, H1_SIDE * H1_SIDE),
            "W2": (N_MAPS, H2_FANIN_MAPS * K * K),
            "b2": (N_MAPS, H2_SIDE * H2_SIDE),
            "W3": (N_H3, N_MAPS * H2_SIDE**2),
            "b3": (N_H3,),
            "W4": (N_OUT, N_H3),
            "b4": (N_OUT,),
        }
        self.fan_in = {name: fan_in["W" + name[1]] for name in self.PARAM_NAMES}
        self.params: dict[str, np.ndarray] = {}
        for name in self.PARAM_NAMES:  # fixed order -> reproducible draws
            F = self.fan_in[name]
            if init == "paper":
                # Paper §4: "the weights were initialized with random values
                # using a uniform distribution between -2.4/F_i and 2.4/F_i,
                # where F_i is the number of inputs (fan-in) of the unit to
                # which the connection belongs."
                # CHOICE: F_i counts the input lines only (25, 200, 192, 30),
                # not the bias; biases are connections too in the paper's own
                # count (768 x 26 for H1), so they get the same distribution.
                bound = 2.4 / F
            elif init == "sqrt":
                # Karpathy's reading (the PDF may have lost a square root).
                bound = 2.4 / np.sqrt(F)
            elif init == "he":
                # Modern variant only: He-uniform weights, zero biases.
                bound = np.sqrt(6.0 / F) if name.startswith("W") else 0.0
            else:
                raise ValueError(f"unknown init {init!r}")
            self.params[name] = (
                rng.uniform(-bound, bound, size=shapes[name]) if bound else np.zeros(shapes[name])
            )

    # ----------------------------------------------------------------- checkpoints
    def state(self) -> dict[str, Array]:
        """The parameters and the settings that shape the network, as arrays for np.savez."""
        settings = {
            "h2_scheme": self.h2_scheme,
            "hidden": self.hidden,
            "output": self.output,
            "hidden_pad": self.hidden_pad,
            "input_pad": self.input_pad,
        }
        return {**self.params, **{k: np.asarray(v) for k, v in settings.items()}}

    @classmethod
    def from_state(cls, state: dict[str, Array]) -> LeNet1989:
        """The network `state()` saved, with the same outputs."""
        model = cls(
            np.random.default_rng(0),
            h2_scheme=str(state["h2_scheme"]),
            hidden=str(state["hidden"]),
            output=str(state["output"]),
            hidden_pad=float(state["hidden_pad"]),
            input_pad=float(state["input_pad"]),
        )
        for name in cls.PARAM_NAMES:
            model.params[name] = np.array(state[name], dtype=np.float64)
        return model

    # ----------------------------------------------------------------- activations
    def _f(self, z: np.ndarray, kind: str) -> np.ndarray:
        if kind == "scaled_tanh":
            return np.asarray(A_TANH * np.tanh(S_TANH * z))
        if kind == "relu":
            return np.asarray(np.maximum(z, 0.0))
        if kind == "linear":
            return z
        raise ValueError(kind)

    @staticmethod
    def _df(a: np.ndarray, kind: str) -> np.ndarray:
        """Derivative expressed through the activation value a = f(z)."""
        if kind == "scaled_tanh":
            # d/dz A tanh(Sz) = A S (1 - tanh^2) = (S/A)(A^2 - a^2)
            return np.asarray((S_TANH / A_TANH) * (A_TANH * A_TANH - a * a))
        if kind == "relu":
            return (a > 0.0).astype(a.dtype)
        if kind == "linear":
            return np.ones_like(a)
        raise ValueError(kind)

    # ----------------------------------------------------------------- forward
    def forward(self, x: np.ndarray) -> tuple[Array, Cache]:
        """x: (N, 16, 16) in [-1, 1]. Returns (output (N, 10), cache)."""
        p = self.params
        n = x.shape[0]
        xp = np.full((n, IN_PADDED * IN_PADDED), self.input_pad)
        xp[:, self.in_interior] = x.reshape(n, IN_SIDE * IN_SIDE)
        P1 = xp[:, self.idx1]  # (N, 64, 25)
        # one GEMM over all (example, position) rows, then back to (N, 12, 64)
        z1 = (P1.reshape(-1, P1.shape[-1]) @ p["W1"].T).reshape(n, -1, N_MAPS).transpose(
            0, 2, 1
        ) + p["b1"]
        a1 = self._f(z1, self.hidden)

        hp = np.full((n, self.h1_flat_size), self.hidden_pad)
        hp[:, self.h1_interior.reshape(-1)] = a1.reshape(n, -1)
        W2d = self._dense_w2()  # (12, 300), zeros where unconnected
        P2 = hp[:, self.idx2]  # (N, 16, 300)
        z2 = (P2.reshape(-1, P2.shape[-1]) @ W2d.T).reshape(n, -1, N_MAPS).transpose(0, 2, 1) + p[
            "b2"
        ]  # (N, 12, 16)
        a2 = self._f(z2, self.hidden).reshape(n, -1)  # (N, 192)

        a3 = self._f(a2 @ p["W3"].T + p["b3"], self.hidden)  # (N, 30)
        y = self._f(a3 @ p["W4"].T + p["b4"], self.output)  # (N, 10)
        return y, (P1, a1, P2, W2d, a2, a3, y)

    def _dense_w2(self) -> np.ndarray:
        """Scatter the compact H2 kernels W2 (12, 8*25) into a dense (12, 12*25)
        matrix with zeros for the 4 unconnected H1 maps of each H2 map."""
        W2d = np.zeros((N_MAPS, N_MAPS, self.taps2))
        W2d[self._rows8, self.h2_table] = self.params["W2"].reshape(
            N_MAPS, H2_FANIN_MAPS, self.taps2
        )
        return W2d.reshape(N_MAPS, N_MAPS * self.taps2)

    def predict(self, x: np.ndarray, chunk: int = 128) -> np.ndarray:
        return np.concatenate([self.forward(x[i : i + chunk])[0] for i in range(0, len(x), chunk)])

    # ----------------------------------------------------------------- backward
    def backward(self, cache: Cache, dz4: np.ndarray) -> dict[str, np.ndarray]:
        """dz4: gradient of the loss w.r.t. the output layer's total input."""
        P1, a1, P2, W2d, a2, a3, _ = cache
        p = self.params
        n = dz4.shape[0]
        g: dict[str, np.ndarray] = {}
        g["W4"] = dz4.T @ a3
        g["b4"] = dz4.sum(0)
        dz3 = (dz4 @ p["W4"]) * self._df(a3, self.hidden)
        g["W3"] = dz3.T @ a2
        g["b3"] = dz3.sum(0)
        dz2 = ((dz3 @ p["W3"]) * self._df(a2, self.hidden)).reshape(n, N_MAPS, -1)  # (N,12,16)
        g["b2"] = dz2.sum(0)
        # shared H2 weights: sum over units (and examples) of dz * input, kept
        # only for the connected (H2 map, H1 map) pairs
        gW2d = np.matmul(dz2, P2).sum(0).reshape(N_MAPS, N_MAPS, self.taps2)  # (12, 12, 25)
        g["W2"] = gW2d[self._rows8, self.h2_table].reshape(N_MAPS, -1)  # (12, 200)
        # gradient w.r.t. the padded H1 planes: scatter-add (col2im) via idx2
        dP2 = np.matmul(dz2.transpose(0, 2, 1), W2d)  # (N, 16, 300)
        if n == 1:
            flat_idx = self.idx2.reshape(-1)
        else:
            flat_idx = (np.arange(n)[:, None, None] * self.h1_flat_size + self.idx2[None]).reshape(
                -1
            )
        dhp = np.bincount(
            flat_idx, weights=dP2.reshape(-1), minlength=n * self.h1_flat_size
        ).reshape(n, -1)
        da1 = dhp[:, self.h1_interior]  # (N, 12, 64)
        dz1 = da1 * self._df(a1, self.hidden)
        g["b1"] = dz1.sum(0)
        g["W1"] = np.matmul(dz1, P1).sum(0)  # (12, 25)
        return g

    # ----------------------------------------------------------------- loss
    def loss_and_grad_output(
        self, y: np.ndarray, labels: np.ndarray, loss: str
    ) -> tuple[float, Array]:
        """Returns (loss, dL/dz4). MSE is averaged over patterns and output
        units, as the paper reports it (§5: "the MSE averaged over the patterns
        and over the output units"); targets are +1 for the correct class and
        -1 otherwise (CHOICE, see train.py)."""
        n = y.shape[0]
        if loss == "mse":
            t = np.full_like(y, -1.0)
            t[np.arange(n), labels] = 1.0
            diff = y - t
            value = float(np.mean(diff * diff))
            dy = 2.0 * diff / diff.size
            return value, dy * self._df(y, self.output)
        if loss == "xent":
            zmax = y.max(axis=1, keepdims=True)
            e = np.exp(y - zmax)
            prob = e / e.sum(axis=1, keepdims=True)
            value = float(-np.mean(np.log(prob[np.arange(n), labels] + 1e-300)))
            d = prob.copy()
            d[np.arange(n), labels] -= 1.0
            return value, d / n
        raise ValueError(loss)

    # ----------------------------------------------------------------- counts
    def counts(self) -> dict[str, Any]:
        """Units, connections and independent parameters, derived from the
        model's own arrays (a forward pass for unit counts, the index arrays
        and weight shapes for fan-ins, the parameter arrays for parameters),
        counted the way the paper counts them (§3.3):
          units       input units + every hidden and output unit
          connections for every non-input unit: its input lines + 1 (bias)
          parameters  every free (independent) weight and bias
        """
        x = np.zeros((1, IN_SIDE, IN_SIDE))
        _, (_, a1, _, _, a2, a3, y) = self.forward(x)
        layer_units = [a1.size, a2.size, a3.size, y.size]
        # input lines, read off the arrays that implement each layer:
        #   H1: every unit reads idx1.shape[1] = 25 taps
        #   H2: a unit of map m reads 25 taps from each H1 map connected to m
        #       in the mask (8 of 12 -> 200 lines)
        #   H3, output: fully connected, one line per column of W3 / W4
        h2_units_per_map = a2.size // N_MAPS
        lines = [
            a1.size * self.idx1.shape[1],
            int(self.h2_mask.sum(axis=1) @ np.full(N_MAPS, h2_units_per_map * self.taps2)),
            a3.size * self.params["W3"].shape[1],
            y.size * self.params["W4"].shape[1],
        ]
        biases = [self.params[b].size for b in ("b1", "b2", "b3", "b4")]
        # every unit has its own bias (§3.3), so a bias is one more connection
        assert biases == layer_units
        per_layer_conn = [n + b for n, b in zip(lines, biases, strict=True)]
        per_layer_params = [
            self.params[w].size + self.params[b].size
            for w, b in (("W1", "b1"), ("W2", "b2"), ("W3", "b3"), ("W4", "b4"))
        ]
        return {
            "input-units": int(x.size),
            "hidden-and-output-units": int(sum(layer_units)),
            "units": int(x.size + sum(layer_units)),
            "connections": int(sum(per_layer_conn)),
            "independent-parameters": int(sum(p.size for p in self.params.values())),
            "per-layer-units": [int(u) for u in layer_units],
            "per-layer-connections": [int(c) for c in per_layer_conn],
            "per-layer-parameters": [int(q) for q in per_layer_params],
        }
