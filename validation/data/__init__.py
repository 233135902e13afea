"""Data for the validation experiments: synthetic ensembles with known theory, and two real datasets.

Every loader returns a :class:`Dataset` (inputs ``X`` of shape (P, d), targets ``y``, and what was
asked for in ``info``), built from a seed with NumPy so that the same seed gives the same data on
every machine and device. Nothing here downloads anything.

Synthetic (:mod:`.synthetic`)
    :func:`gaussian` (a given covariance spectrum), :func:`gaussian_mixture` (C classes),
    :func:`teacher_student` (a linear or logistic teacher).
Real
    :func:`digits` — scikit-learn's bundled 8×8 digits (:mod:`.digits`);
    :func:`fashion_mnist` — the IDX files of Debian's ``dataset-fashion-mnist`` package or a path
    you give (:mod:`.fashion_mnist`); :class:`DatasetMissingError` says how to install it.

Example:

>>> from validation.data import gaussian
>>> data = gaussian(d=3, P=5, population=([1.0, 4.0], [2/3, 1/3]), seed=0)
>>> data.X.shape, data.info["population_values"]
((5, 3), [1.0, 1.0, 4.0])
"""

from validation.data.dataset import Dataset, DatasetMissingError
from validation.data.digits import digits
from validation.data.fashion_mnist import DEFAULT_PATH as FASHION_MNIST_PATH
from validation.data.fashion_mnist import fashion_mnist, read_idx
from validation.data.synthetic import gaussian, gaussian_mixture, population_values, teacher_student

__all__ = ["Dataset", "DatasetMissingError", "gaussian", "gaussian_mixture", "teacher_student",
           "population_values", "digits", "fashion_mnist", "read_idx", "FASHION_MNIST_PATH"]
