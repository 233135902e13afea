"""Data for a curvature operator: batches and their weights in the full-dataset loss.

The operator is the curvature of the *full-dataset* loss. With a loss of ``reduction="mean"`` a batch
of ``n_b`` samples contributes with weight ``n_b / N`` (``N`` = all samples), so unequal batches (a
short last batch) are weighted correctly; averaging batch means unweighted is biased by the short
batch (the error one peer makes). With ``reduction="sum"`` every batch has weight 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from rmtheory.params import ParameterError

__all__ = ["Batches", "make_batches"]


@dataclass
class Batches:
    """The data of an operator: either one in-memory batch or a re-iterable loader of batches."""

    single: tuple | None  # (inputs, targets) on the right device/dtype, or None for a loader
    loader: object | None
    num_samples: int
    num_batches: int
    reduction: str
    dtype: torch.dtype
    device: torch.device
    layout: tuple = ()  # (shape of one input sample, largest batch): what a product's cost depends on

    def weight(self, n: int) -> float:
        return n / self.num_samples if self.reduction == "mean" else 1.0

    def __iter__(self):
        """Yield ``(inputs, targets, weight)`` on the operator's device and dtype."""
        if self.single is not None:
            x, y = self.single
            yield x, y, self.weight(len(x))
            return
        for i, batch in enumerate(self.loader):
            x, y = _split(batch, f"batch {i} of data")
            x, y = self._convert(x), self._convert(y)
            yield x, y, self.weight(_length(x, f"batch {i} of data"))

    def _convert(self, t):
        if isinstance(t, torch.Tensor):
            if t.is_floating_point():
                return t.to(device=self.device, dtype=self.dtype)
            return t.to(device=self.device)
        return t


def _split(batch, where):
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        raise ParameterError("data", type(batch).__name__, "an (inputs, targets) pair or a DataLoader "
                             "of (inputs, targets) pairs", where)
    return batch[0], batch[1]


def _length(x, where) -> int:
    if isinstance(x, torch.Tensor):
        if x.ndim == 0:
            raise ParameterError("data", "a 0-d inputs tensor", "tensors with a leading sample axis", where)
        return int(x.shape[0])
    try:
        return len(x)
    except TypeError:
        raise ParameterError("data", type(x).__name__, "tensors with a leading sample axis", where) from None


def make_batches(data, reduction: str, dtype: torch.dtype, device: torch.device) -> Batches:
    """Validate ``data`` (a pair or a DataLoader) and count its samples once."""
    if reduction not in ("mean", "sum"):
        raise ParameterError("loss_fn.reduction", reduction, "{'mean', 'sum'}",
                             "a curvature operator needs a scalar loss")
    conv = Batches(None, None, 0, 0, reduction, dtype, device)._convert
    if isinstance(data, (tuple, list)) and len(data) == 2 and isinstance(data[0], torch.Tensor):
        x, y = data
        n = _length(x, "inputs")
        if isinstance(y, torch.Tensor) and y.ndim > 0 and y.shape[0] != n:
            raise ParameterError("data", f"{n} inputs and {y.shape[0]} targets",
                                 "as many targets as inputs")
        if n == 0:
            raise ParameterError("data", "0 samples", "at least one sample")
        return Batches((conv(x), conv(y)), None, n, 1, reduction, dtype, device, (tuple(x.shape[1:]), n))
    if isinstance(data, torch.Tensor) or not hasattr(data, "__iter__"):
        raise ParameterError("data", type(data).__name__,
                             "an (inputs, targets) pair of tensors or a DataLoader")
    sizes, sample_shape = [], None
    for i, batch in enumerate(data):
        x, y = _split(batch, f"batch {i} of data")
        n = _length(x, f"batch {i} of data")
        if sample_shape is None and isinstance(x, torch.Tensor):
            sample_shape = tuple(x.shape[1:])
        if isinstance(y, torch.Tensor) and y.ndim > 0 and y.shape[0] != n:
            raise ParameterError("data", f"{n} inputs and {y.shape[0]} targets in batch {i}",
                                 "as many targets as inputs")
        sizes.append(n)
    if not sizes or sum(sizes) == 0:
        raise ParameterError("data", "an empty loader", "at least one sample")
    if len(sizes) == 1:  # one batch: keep it, so products can reuse work across calls
        x, y = _split(next(iter(data)), "batch 0 of data")
        return Batches((conv(x), conv(y)), None, sizes[0], 1, reduction, dtype, device, (sample_shape, sizes[0]))
    return Batches(None, data, sum(sizes), len(sizes), reduction, dtype, device, (sample_shape, max(sizes)))
