"""Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 70,000 grey 28×28 images of clothes, 10 classes,
read from IDX files on disk. Nothing is downloaded.

Where the files are looked for: the ``path`` you pass, else ``$RMTHEORY_FASHION_MNIST``, else
``/usr/share/datasets/fashion-mnist/`` — where Debian's ``dataset-fashion-mnist`` package puts
``train-images-idx3-ubyte.gz``, ``train-labels-idx1-ubyte.gz``, ``t10k-images-idx3-ubyte.gz`` and
``t10k-labels-idx1-ubyte.gz`` (gzipped or not). Install it with
``sudo apt-get install dataset-fashion-mnist``.

IDX format (LeCun et al., the MNIST page): a big-endian header ``0x00 0x00 TYPE NDIM`` then NDIM
uint32 sizes, then the data; type 0x08 is unsigned bytes.
"""

from __future__ import annotations

import gzip
import os
import pathlib

import numpy as np

from rmtheory.params import Integer, OneOf, ParameterError, check
from validation.data.dataset import Dataset, DatasetMissingError

__all__ = ["fashion_mnist", "read_idx", "DEFAULT_PATH", "CLASSES"]

DEFAULT_PATH = pathlib.Path("/usr/share/datasets/fashion-mnist")
CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
           "Bag", "Ankle boot")
_PREFIX = {"train": "train", "test": "t10k"}
_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path) -> np.ndarray:
    """The array stored in one IDX file (``.gz`` or plain)."""
    path = pathlib.Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        raw = fh.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _DTYPES:
        raise ValueError(f"{path} is not an IDX file (bad magic number {raw[:4]!r})")
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(_DTYPES[raw[2]])
    offset = 4 + 4 * ndim
    count = int(np.prod(shape)) if shape else 0
    if len(raw) - offset != count * dtype.itemsize:
        raise ValueError(f"{path}: header says {shape} of {dtype} but the file holds "
                         f"{len(raw) - offset} bytes of data (truncated or corrupt)")
    return np.frombuffer(raw, dtype=dtype, offset=offset).reshape(shape)


def _find(directory: pathlib.Path, stem: str) -> pathlib.Path | None:
    for name in (stem + ".gz", stem):
        if (directory / name).is_file():
            return directory / name
    return None


def fashion_mnist(path=None, split: str = "train", n: int | None = None, downsample: int = 1,
                  standardize: bool = True, seed: int = 0) -> Dataset:
    """Fashion-MNIST images flattened to vectors of ``(28/downsample)²`` pixels.

    ``downsample`` averages ``downsample × downsample`` pixel blocks (1, 2, 4, 7 or 14) so that small
    models with exact Hessians stay small; ``n`` takes a class-stratified subset (seeded).
    """
    split = check("split", split, OneOf(("train", "test")))
    downsample = check("downsample", downsample, OneOf((1, 2, 4, 7, 14)))
    directory = pathlib.Path(path or os.environ.get("RMTHEORY_FASHION_MNIST") or DEFAULT_PATH)
    images = _find(directory, f"{_PREFIX[split]}-images-idx3-ubyte")
    labels = _find(directory, f"{_PREFIX[split]}-labels-idx1-ubyte")
    if images is None or labels is None:
        raise DatasetMissingError(
            f"Fashion-MNIST {split} files not found in {directory} (looked for "
            f"{_PREFIX[split]}-images-idx3-ubyte[.gz] and {_PREFIX[split]}-labels-idx1-ubyte[.gz]); "
            "install them with 'sudo apt-get install dataset-fashion-mnist' or pass the directory "
            "that holds them (path=..., or $RMTHEORY_FASHION_MNIST)")
    X = read_idx(images).astype(np.float64) / 255.0
    y = read_idx(labels).astype(np.int64)
    if X.ndim != 3 or y.ndim != 1 or X.shape[0] != y.shape[0]:
        raise ParameterError("path", str(directory), "IDX files with images (N, H, W) and N labels",
                             f"found images {X.shape} and labels {y.shape}")
    if downsample > 1:
        N, H, W = X.shape
        X = X.reshape(N, H // downsample, downsample, W // downsample, downsample).mean(axis=(2, 4))
    data = Dataset(X.reshape(X.shape[0], -1), y, "fashion_mnist", 10,
                   {"path": str(directory), "split": split, "downsample": downsample,
                    "standardize": standardize})
    data = data.subset(None if n is None else check("n", n, Integer(10, None)), seed)
    if standardize:
        # Statistics of the subset used, so a subset is centred exactly like the data it trains on.
        X = data.X
        sd = X.std(axis=0)
        data.X = (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    return data
