"""The :class:`Dataset` record every loader returns, and the error of a dataset that is not installed."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Dataset", "DatasetMissingError"]


class DatasetMissingError(FileNotFoundError):
    """A dataset's files are not where they were looked for; the message says how to install them."""


@dataclass
class Dataset:
    """Inputs ``X`` (P × d, float64 NumPy), targets ``y`` (P × k floats for regression, P integer
    labels for classification), ``num_classes`` (0 for regression), a ``name`` and ``info`` (the
    parameters that made it, and facts about it such as the population eigenvalues)."""

    X: np.ndarray
    y: np.ndarray
    name: str
    num_classes: int = 0
    info: dict = field(default_factory=dict)

    @property
    def num_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def dim(self) -> int:
        return int(np.prod(self.X.shape[1:]))

    def tensors(self, dtype=None, device="cpu"):
        """``(X, y)`` as torch tensors (``X`` in ``dtype``, default float64; labels stay int64)."""
        import torch

        dtype = torch.float64 if dtype is None else dtype
        X = torch.as_tensor(self.X, dtype=dtype, device=device)
        if self.num_classes:
            y = torch.as_tensor(self.y, dtype=torch.long, device=device)
        else:
            y = torch.as_tensor(self.y, dtype=dtype, device=device)
        return X, y

    def subset(self, n: int | None, seed: int = 0) -> "Dataset":
        """A class-stratified (classification) or uniform random subset of ``n`` samples (all if None).

        Asking for more samples than there are is an error, not a silent "all": the record's
        parameters must say what was trained on."""
        if n is not None and n > self.num_samples:
            from rmtheory.params import ParameterError

            raise ParameterError("n", n, f"[1, {self.num_samples}]", f"{self.name} has {self.num_samples} samples")
        if n is None or n == self.num_samples:
            return self
        rng = np.random.default_rng(seed)
        if self.num_classes:
            # Stratified: keeps the class proportions, which set the outlier structure (Papyan 2020).
            idx = []
            for c in range(self.num_classes):
                members = np.flatnonzero(self.y == c)
                take = int(round(n * members.size / self.num_samples))
                idx.append(rng.choice(members, size=min(take, members.size), replace=False))
            idx = np.sort(np.concatenate(idx))
        else:
            idx = np.sort(rng.choice(self.num_samples, size=n, replace=False))
        info = dict(self.info, subset=int(idx.size), subset_seed=seed)
        return Dataset(self.X[idx], self.y[idx], self.name, self.num_classes, info)
