"""Proxy data for the 1989 experiment.

The paper's data (§2.1 "Data Base"): 9,298 segmented numerals from U.S. mail
(Buffalo, NY), 7,291 for training and 2,007 for testing. That set is not
redistributable and not reachable offline, so this module builds a proxy from
scikit-learn's bundled 8x8 digits (sklearn.datasets.load_digits: 1,797 images,
shipped inside the scikit-learn wheel, no download):

  * upsampled 8x8 -> 16x16 by bilinear interpolation (NumPy only, pixel
    centres aligned as in "align_corners=False": output pixel o samples input
    coordinate o/2 - 1/4, clamped at the border), to match the paper's 16x16
    input (§3.1);
  * gray levels of each image scaled and translated to [-1, 1] (§2.2: "The
    gray levels of each image are scaled and translated to fall within the
    range [-1,1]"): per image, min -> -1 (the background, since load_digits
    uses 0 for paper and 16 for ink) and max -> +1;
  * split into 1,198 train / 599 test images (2/3 : 1/3) by a permutation that
    depends only on SPLIT_SEED, never on the training seed, so every training
    seed sees exactly the same train and test sets.
"""

from __future__ import annotations

from typing import Any

import numpy as np

Array = np.ndarray[Any, np.dtype[Any]]

SPLIT_SEED = 1989
N_TRAIN = 1198
N_TOTAL = 1797


def bilinear_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) matrix M such that M @ v resamples a 1-D signal v
    bilinearly (half-pixel centres, edge clamping). Applied separably:
    img16 = M @ img8 @ M.T."""
    scale = n_in / n_out
    src = (np.arange(n_out) + 0.5) * scale - 0.5
    src = np.clip(src, 0.0, n_in - 1)
    lo = np.floor(src).astype(int)
    hi = np.minimum(lo + 1, n_in - 1)
    w_hi = src - lo
    M = np.zeros((n_out, n_in))
    M[np.arange(n_out), lo] += 1.0 - w_hi
    M[np.arange(n_out), hi] += w_hi
    return M


def to_pm1(images: np.ndarray) -> np.ndarray:
    """Per-image affine map of gray levels onto [-1, 1] (paper §2.2)."""
    lo = images.min(axis=(1, 2), keepdims=True)
    hi = images.max(axis=(1, 2), keepdims=True)
    scaled: Array = 2.0 * (images - lo) / np.maximum(hi - lo, 1e-12) - 1.0
    return scaled


def load(split_seed: int = SPLIT_SEED, n_train: int = N_TRAIN) -> tuple[Array, Array, Array, Array]:
    """Returns (Xtr, ytr, Xte, yte): X float64 (N, 16, 16) in [-1, 1],
    y int64 labels 0..9."""
    from sklearn.datasets import load_digits  # only place scikit-learn is used

    d = load_digits()
    imgs8 = d.images.astype(np.float64)  # (1797, 8, 8), values 0..16
    labels = d.target.astype(np.int64)
    assert imgs8.shape == (N_TOTAL, 8, 8)
    M = bilinear_matrix(8, 16)
    imgs16 = to_pm1(M @ imgs8 @ M.T)  # (1797, 16, 16)
    perm = np.random.default_rng(split_seed).permutation(len(imgs16))
    tr, te = perm[:n_train], perm[n_train:]
    return imgs16[tr], labels[tr], imgs16[te], labels[te]
