"""scikit-learn's bundled handwritten digits (1,797 images of 8×8 pixels, 10 classes).

Source: the UCI "Optical Recognition of Handwritten Digits" test set as shipped inside scikit-learn
(``sklearn.datasets.load_digits``: no download). Pixels 0-16 are standardized per feature
(zero mean, unit variance; constant pixels left at 0) because the curvature theory is stated for
centred, normalized inputs.
"""

from __future__ import annotations

import numpy as np

from validation.data.dataset import Dataset, DatasetMissingError

__all__ = ["digits"]


def digits(n: int | None = None, standardize: bool = True, seed: int = 0) -> Dataset:
    """The digits dataset (optionally a stratified subset of ``n`` samples)."""
    try:
        from sklearn.datasets import load_digits
    except ImportError as err:  # the dataset ships inside scikit-learn
        raise DatasetMissingError(
            "the digits dataset ships with scikit-learn, which is not installed: "
            "pip install scikit-learn (or pip install -e '.[validation]')") from err
    bunch = load_digits()
    X = bunch.data.astype(np.float64)
    if standardize:
        sd = X.std(axis=0)
        X = (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    data = Dataset(X, bunch.target.astype(np.int64), "digits", 10,
                   {"source": "sklearn.datasets.load_digits", "standardize": standardize})
    return data.subset(n, seed)
