"""validation.data: populations, synthetic ensembles, digits, and the Fashion-MNIST IDX reader."""

import gzip
import pathlib

import numpy as np
import pytest

from rmtheory import ParameterError
from validation.data import (
    FASHION_MNIST_PATH,
    DatasetMissingError,
    digits,
    fashion_mnist,
    gaussian,
    gaussian_mixture,
    population_values,
    read_idx,
    teacher_student,
)


def test_population_largest_remainder():
    # 7 × (0.5, 0.3, 0.2) = (3.5, 2.1, 1.4): floors (3, 2, 1), the one left over goes to the largest remainder
    assert population_values(7, ([1.0, 2.0, 3.0], [0.5, 0.3, 0.2])).tolist() == [1, 1, 1, 1, 2, 2, 3]
    assert population_values(3, "identity").tolist() == [1, 1, 1]
    assert population_values(3, [3.0, 1.0, 2.0]).tolist() == [1, 2, 3]   # d values: taken as given
    with pytest.raises(ParameterError, match="population values"):
        population_values(3, ([0.0, 1.0], None))


def test_gaussian_has_the_requested_covariance():
    data = gaussian(d=4, P=200_000, population=([1.0, 9.0], [0.5, 0.5]), seed=1)
    cov = data.X.T @ data.X / data.num_samples
    np.testing.assert_allclose(np.diag(cov), [1, 1, 9, 9], rtol=0.02)
    assert np.max(np.abs(cov - np.diag(np.diag(cov)))) < 0.05
    again = gaussian(d=4, P=10, population=([1.0, 9.0], [0.5, 0.5]), seed=1)
    np.testing.assert_array_equal(again.X, gaussian(4, 10, ([1.0, 9.0], [0.5, 0.5]), seed=1).X)


def test_mixture_and_teacher_student():
    mix = gaussian_mixture(C=3, d=50, P=300, separation=4.0, seed=0)
    assert np.bincount(mix.y).tolist() == [100, 100, 100]
    np.testing.assert_allclose(np.linalg.norm(mix.info["means"], axis=1), 4.0)
    ts = teacher_student(d=20, P=4000, task="logistic", teacher_norm=5.0, seed=0)
    w = np.asarray(ts.info["teacher"])
    agree = np.mean((ts.X @ w > 0) == (ts.y == 1))
    assert ts.num_classes == 2 and agree > 1 - 2 * ts.info["bayes_rate"] - 0.02


def test_digits_standardized():
    data = digits()
    assert data.X.shape == (1797, 64) and data.num_classes == 10
    used = data.X.std(axis=0) > 0
    np.testing.assert_allclose(data.X[:, used].mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(data.X[:, used].std(axis=0), 1, rtol=1e-12)
    sub = digits(n=500, seed=3)
    assert abs(sub.num_samples - 500) <= 10 and set(np.unique(sub.y)) == set(range(10))


def _write_idx(path, array, gz=True):
    codes = {np.uint8: 0x08}
    header = bytes([0, 0, codes[array.dtype.type], array.ndim]) + b"".join(
        int(s).to_bytes(4, "big") for s in array.shape)
    raw = header + array.tobytes()
    (gzip.open if gz else open)(path, "wb").write(raw)


def test_fashion_mnist_reader_on_synthetic_idx(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (40, 28, 28), dtype=np.uint8)
    labels = np.repeat(np.arange(10, dtype=np.uint8), 4)
    _write_idx(tmp_path / "train-images-idx3-ubyte.gz", images)
    _write_idx(tmp_path / "train-labels-idx1-ubyte", labels, gz=False)   # plain file also read
    np.testing.assert_array_equal(read_idx(tmp_path / "train-images-idx3-ubyte.gz"), images)
    data = fashion_mnist(path=tmp_path, downsample=4, standardize=False)
    assert data.X.shape == (40, 49) and data.y.tolist() == labels.tolist()
    np.testing.assert_allclose(data.X[0, 0], images[0, :4, :4].mean() / 255.0)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "train-images-idx3-ubyte").write_bytes(b"\x00\x00\x08\x03" + b"\x00\x00\x00\x05" * 3)
    _write_idx(tmp_path / "bad" / "train-labels-idx1-ubyte.gz", labels)
    with pytest.raises(ValueError, match="truncated or corrupt"):
        fashion_mnist(path=tmp_path / "bad")


def test_missing_fashion_mnist_says_how_to_install(tmp_path):
    with pytest.raises(DatasetMissingError, match="apt-get install dataset-fashion-mnist"):
        fashion_mnist(path=tmp_path)


@pytest.mark.skipif(not pathlib.Path(FASHION_MNIST_PATH).is_dir(),
                    reason="Debian package dataset-fashion-mnist not installed")
def test_installed_fashion_mnist():
    data = fashion_mnist(split="test", downsample=2)
    assert data.X.shape == (10000, 196) and np.bincount(data.y).tolist() == [1000] * 10


def test_more_samples_than_there_are_is_refused():
    from rmtheory.params import ParameterError

    with pytest.raises(ParameterError, match=r"n = 5000 is outside the allowed range \[1, 1797\]"):
        digits(n=5000)
