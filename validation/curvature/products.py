"""Batched curvature-vector products: one block of probe vectors ``V`` (dim × k) per call.

Each strategy computes, for one batch ``(x, y)`` with weight ``w`` in the full-dataset loss, the
product of ``w`` times that batch's curvature matrix with every column of ``V``. The operators in
:mod:`validation.curvature.operators` sum these over the batches.

Hessian strategies (Pearlmutter 1994, "Fast exact multiplication by the Hessian"):

``"reuse"``
    Reverse-over-reverse: build the gradient graph once (``create_graph=True``) and differentiate
    ``⟨∇L, v⟩`` again for every probe, reusing the graph across the probes of a block and, when the
    data are one batch, across calls. No forward pass is repeated.
``"vmap"``
    Forward-over-reverse with ``torch.func``: ``vmap`` over the probes of ``jvp(grad(L))``. The primal
    forward and backward run once per block; the tangent work of all probes runs as batched matrix
    products.

Which one is faster depends on the model, the batch and the block size, so the operators time both
on the first block of each size and keep the faster (``strategy="auto"``). GGN and empirical Fisher
products use one strategy each (``vmap`` of jvp/vjp pairs), as their costs leave no choice to make.
"""

from __future__ import annotations

import contextlib
import math

import torch
from torch.func import functional_call, grad, jvp, vjp, vmap

__all__ = ["ParamSpace", "eval_mode", "HessianReuse", "HessianVmap", "GGNVmap", "FisherVmap",
           "HESSIAN_STRATEGIES"]


class ParamSpace:
    """The flat parameter vector: names, shapes and the (dim × k) ↔ per-parameter (k × shape) maps."""

    def __init__(self, named_params: dict):
        self.names = list(named_params)
        self.shapes = [tuple(p.shape) for p in named_params.values()]
        self.numels = [math.prod(s) for s in self.shapes]
        self.dim = sum(self.numels)

    def split(self, V: torch.Tensor) -> dict:
        """(dim, k) → {name: (k, *shape)}; views where the layout allows."""
        out, offset, k = {}, 0, V.shape[1]
        Vt = V.T  # (k, dim): each parameter becomes a contiguous-in-dim slab
        for name, shape, n in zip(self.names, self.shapes, self.numels):
            out[name] = Vt[:, offset:offset + n].reshape(k, *shape)
            offset += n
        return out

    def join(self, parts, k: int) -> torch.Tensor:
        """{name: (k, *shape)} (or a list in name order) → (dim, k)."""
        if isinstance(parts, dict):
            parts = [parts[n] for n in self.names]
        return torch.cat([p.reshape(k, -1) for p in parts], dim=1).T

    def flatten(self, tensors) -> torch.Tensor:
        """{name: shape} or list → (dim,)."""
        if isinstance(tensors, dict):
            tensors = [tensors[n] for n in self.names]
        return torch.cat([t.reshape(-1) for t in tensors])


@contextlib.contextmanager
def eval_mode(model: torch.nn.Module):
    """Evaluate in eval mode (BatchNorm uses its running statistics, Dropout is off), then restore.

    A curvature matrix must be a fixed function of the parameters: in train mode BatchNorm couples
    the samples of a batch through the batch statistics (the operator would depend on the batching)
    and Dropout makes every product random.
    """
    flags = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        yield
    finally:
        for m, flag in flags:
            m.training = flag


class _Model:
    """The model as a function of a parameter dict, with its buffers cast to the operator's dtype."""

    def __init__(self, model, loss_fn, params: dict, buffers: dict):
        self.model, self.loss_fn, self.params, self.buffers = model, loss_fn, params, buffers

    def output(self, p, x):
        return functional_call(self.model, {**p, **self.buffers}, (x,))

    def loss(self, p, x, y):
        return self.loss_fn(self.output(p, x), y)


class HessianReuse:
    """Reverse-over-reverse over a gradient graph reused across probes (and calls, for one batch)."""

    name = "reuse"

    def __init__(self, fn: _Model, space: ParamSpace, cache: bool):
        self.fn, self.space, self.cache = fn, space, cache
        self._graph = None

    def _build(self, x, y, w):
        leaves = {n: p.detach().requires_grad_(True) for n, p in self.fn.params.items()}
        loss = w * self.fn.loss(leaves, x, y)
        if not loss.requires_grad:
            return leaves, None
        grads = torch.autograd.grad(loss, list(leaves.values()), create_graph=True, allow_unused=True)
        return leaves, grads

    def __call__(self, x, y, w, V: torch.Tensor) -> torch.Tensor:
        if self.cache and self._graph is not None:
            leaves, grads = self._graph
        else:
            leaves, grads = self._build(x, y, w)
            if self.cache:
                self._graph = (leaves, grads)
        k = V.shape[1]
        out = torch.zeros_like(V)
        if grads is None:
            return out
        # Only gradient entries that still depend on the parameters carry a second derivative.
        live = [i for i, g in enumerate(grads) if g is not None and g.requires_grad]
        if not live:
            return out
        outputs = [grads[i] for i in live]
        inputs = list(leaves.values())
        parts = self.space.split(V)
        names = self.space.names
        for j in range(k):
            hv = torch.autograd.grad(outputs, inputs, [parts[names[i]][j] for i in live],
                                     retain_graph=True, allow_unused=True)
            out[:, j] = self.space.flatten([h if h is not None else torch.zeros_like(p)
                                            for h, p in zip(hv, inputs)])
        return out


class HessianVmap:
    """Forward-over-reverse, ``vmap`` over the probes of ``jvp(grad(loss))``."""

    name = "vmap"

    def __init__(self, fn: _Model, space: ParamSpace, cache: bool):
        self.fn, self.space = fn, space

    def __call__(self, x, y, w, V: torch.Tensor) -> torch.Tensor:
        fn, params = self.fn, self.fn.params
        g = grad(lambda p: w * fn.loss(p, x, y))

        def one(v):
            return jvp(g, (params,), (v,))[1]

        return self.space.join(vmap(one)(self.space.split(V)), V.shape[1])


HESSIAN_STRATEGIES = {"reuse": HessianReuse, "vmap": HessianVmap}


class GGNVmap:
    """Generalized Gauss-Newton ``Jᵀ H_ℓ J v``: jvp through the model, the loss Hessian in output
    space, vjp back (Schraudolph 2002, "Fast curvature matrix-vector products", §3)."""

    name = "vmap"

    def __init__(self, fn: _Model, space: ParamSpace, cache: bool):
        self.fn, self.space = fn, space

    def __call__(self, x, y, w, V: torch.Tensor) -> torch.Tensor:
        fn, params = self.fn, self.fn.params
        f = lambda p: fn.output(p, x)  # noqa: E731
        z, vjp_fn = vjp(f, params)
        k = V.shape[1]
        jz = vmap(lambda v: jvp(f, (params,), (v,))[1])(self.space.split(V))  # (k, *out)
        # The output-space Hessian by reverse-over-reverse on the (small) output: robust where
        # forward-over-reverse through a loss's backward is not (torch's mse_loss_backward).
        zl = z.detach().requires_grad_(True)
        gz = torch.autograd.grad(w * fn.loss_fn(zl, y), zl, create_graph=True)[0]
        if gz.requires_grad:
            hz = torch.stack([torch.autograd.grad(gz, zl, jz[j], retain_graph=True)[0]
                              for j in range(k)])
        else:  # a loss linear in the output has no curvature of its own
            hz = torch.zeros_like(jz)
        return self.space.join(vmap(lambda u: vjp_fn(u)[0])(hz), k)


class FisherVmap:
    """Empirical Fisher ``c Σ_n ∇ℓ_n ∇ℓ_nᵀ v`` with per-sample losses ℓ_n (the loss on a batch of
    one sample), ``c = 1/N`` for a mean-reduced loss and 1 for a summed one (Kunstner, Balles &
    Hennig 2019, "Limitations of the empirical Fisher approximation", eq. 2)."""

    name = "vmap"

    def __init__(self, fn: _Model, space: ParamSpace, cache: bool, reduction: str):
        self.fn, self.space, self.reduction = fn, space, reduction

    def __call__(self, x, y, w, V: torch.Tensor) -> torch.Tensor:
        fn, params = self.fn, self.fn.params
        n = x.shape[0]
        c = w / n if self.reduction == "mean" else w

        def per_sample(p):
            return vmap(lambda xi, yi: fn.loss(p, xi[None], yi[None]))(x, y)

        _, vjp_fn = vjp(per_sample, params)

        def one(v):
            u = jvp(per_sample, (params,), (v,))[1]
            return vjp_fn(c * u)[0]

        return self.space.join(vmap(one)(self.space.split(V)), V.shape[1])
