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
``"sequential"``
    Forward-over-reverse written out for ``nn.Sequential`` MLPs (Linear + Tanh/Sigmoid/ReLU/Identity,
    cross-entropy or MSE): the primal is cached, the probes of a block share every weight GEMM, and
    work buffers are rewritten in place. Offered only for models of that form.

Which one is faster depends on the model, the batch, the block size and the device. The default
``strategy="auto"`` takes no timing (building an operator should cost about a gradient): it uses
"sequential" where it applies, else "reuse", else "vmap", unless a ``strategy="tune"`` operator of
the same signature already timed them in this process. ``"tune"`` times the available ones on the
first block of each size and keeps the fastest. On the fixture's digits MLP (26k parameters, 1,797
samples, one CPU thread, a shared 2-core machine) the per-probe cost measured 0.9-1.3 gradients
for "sequential", 1.4-1.8 for "reuse" and 1.6-2.8 for "vmap", whose batched tangents allocate
large temporaries (and fault their pages in) on every call. GGN and empirical Fisher
products use one strategy each (``vmap`` of jvp/vjp pairs), as their costs leave no choice to make.
"""

from __future__ import annotations

import contextlib
import math

import torch
from torch.func import functional_call, grad, jvp, vjp, vmap

__all__ = ["ParamSpace", "eval_mode", "HessianReuse", "HessianVmap", "HessianSequential", "GGNVmap",
           "FisherVmap", "HESSIAN_STRATEGIES"]


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


class HessianSequential:
    """Forward-over-reverse written out for ``nn.Sequential`` MLPs: Linear layers and elementwise
    activations (Tanh, Sigmoid, ReLU, Identity) under ``CrossEntropyLoss`` or ``MSELoss``.

    The same recurrences as ``"vmap"`` (Pearlmutter's R-operator applied to backpropagation:
    ``dh = da Wᵀ + a vWᵀ + vb``, ``da = σ'(h) dh``; ``dgz = ∇²_z ℓ dz``; ``dga = dgh W + gh vW``,
    ``dgh = σ'(h) dga + σ''(h) ga dh``; ``dgW = dghᵀ a + ghᵀ da``), but the primal quantities
    (activations, backprop signals, σ', σ''·ga, softmax) are cached across calls when the data are
    one batch, and the probes of a block are laid out as ``(samples, probes, width)`` so that every
    product with a weight matrix is a single matrix multiplication over all probes, with no
    per-probe copies. Offered only when the model and loss are of this form (:meth:`supports`).
    """

    name = "sequential"
    _ACTS = ("Tanh", "Sigmoid", "ReLU", "Identity")
    cache_bytes = 16 * 2 ** 20  # row block: bounds the work buffers for any number of samples

    def __init__(self, fn: _Model, space: ParamSpace, cache: bool):
        self.fn, self.space, self.cache = fn, space, cache
        self._primal = None
        self._bufs = {}
        self._layers = []  # (kind, module index, weight name, bias name)
        for i, mod in enumerate(fn.model):
            if isinstance(mod, torch.nn.Linear):
                self._layers.append(("linear", i, f"{i}.weight",
                                     f"{i}.bias" if mod.bias is not None else None))
            else:
                self._layers.append((type(mod).__name__, i, None, None))

    @classmethod
    def supports(cls, fn: _Model, space: ParamSpace) -> bool:
        model, loss = fn.model, fn.loss_fn
        if type(model) is not torch.nn.Sequential or fn.buffers:
            return False
        expected = []
        for i, mod in enumerate(model):
            if isinstance(mod, torch.nn.Linear):
                expected += [f"{i}.weight"] + ([f"{i}.bias"] if mod.bias is not None else [])
            elif type(mod).__name__ not in cls._ACTS:
                return False
        if expected != space.names or not expected:
            return False
        if type(loss) is torch.nn.CrossEntropyLoss:
            return loss.weight is None and loss.label_smoothing == 0.0
        return type(loss) is torch.nn.MSELoss

    def _forward_backward(self, x, y, w):
        if x.ndim != 2:
            raise RuntimeError("the sequential strategy needs inputs of shape (samples, features)")
        p = self.fn.params
        acts, derivs = [], []
        a = x
        for kind, _i, wn, bn in self._layers:
            if kind == "linear":
                acts.append(a)
                a = torch.nn.functional.linear(a, p[wn], p[bn] if bn else None)
            else:
                h = a
                if kind == "Tanh":
                    a = torch.tanh(h)
                    d1 = 1 - a * a
                    d2 = -2 * a * d1
                elif kind == "Sigmoid":
                    a = torch.sigmoid(h)
                    d1 = a * (1 - a)
                    d2 = d1 * (1 - 2 * a)
                elif kind == "ReLU":
                    a = torch.relu(h)
                    d1 = (h > 0).to(h.dtype)
                    d2 = None
                else:
                    d1, d2 = None, None
                derivs.append((d1, d2))
        z, n = a, a.shape[0]
        loss = self.fn.loss_fn
        if isinstance(loss, torch.nn.CrossEntropyLoss):
            if torch.any((y < 0) | (y >= z.shape[1])):
                raise RuntimeError("the sequential strategy needs class-index targets in range")
            s = w / n if loss.reduction == "mean" else w
            prob = torch.softmax(z, dim=1)
            gz = prob.clone()
            gz[torch.arange(n, device=z.device), y] -= 1
            gz *= s
            out = ("ce", s, prob[:, None, :])
        else:
            s = (w / z.numel() if loss.reduction == "mean" else w) * 2
            gz = s * (z - y)
            out = ("mse", s, None)
        # Backward primal: backprop signals at every linear output (gh) and activation output (ga).
        g = gz
        gh_list, ga_coef = [], []
        li, ai = len(acts), len(derivs)
        for kind, _i, wn, _bn in reversed(self._layers):
            if kind == "linear":
                li -= 1
                gh_list.append(g)
                g = g @ p[wn]
            else:
                ai -= 1
                d1, d2 = derivs[ai]
                ga_coef.append(None if d2 is None else (g * d2)[:, None, :])
                g = g if d1 is None else g * d1
        gh_list.reverse()
        ga_coef.reverse()
        derivs = [(None if d1 is None else d1[:, None, :]) for d1, _ in derivs]
        return acts, derivs, ga_coef, gh_list, out

    def __call__(self, x, y, w, V: torch.Tensor) -> torch.Tensor:
        if self.cache and self._primal is not None:
            primal = self._primal
        else:
            with torch.no_grad():
                primal = self._forward_backward(x, y, w)
            if self.cache:
                self._primal = primal
        with torch.no_grad():
            return self._tangent(primal, V)

    def _buf(self, key, shape, like):
        """A cached work buffer: the tangents are rewritten in place on every call, so no large
        allocation is made (and no page is faulted in) after the first call."""
        buf = self._bufs.get(key)
        if buf is None or buf.shape != shape or buf.dtype != like.dtype or buf.device != like.device:
            buf = torch.empty(shape, dtype=like.dtype, device=like.device)
            self._bufs[key] = buf
        return buf

    def _tangent(self, primal, V):
        acts = primal[0]
        p = self.fn.params
        k = V.shape[1]
        n = acts[0].shape[0]
        parts = self.space.split(V)
        # Probe-weight matrices as single GEMM operands: (in, k·out) for a·vWᵀ, (out, k·in) for gh·vW.
        vw_fwd, vw_bwd = {}, {}
        for _kind, _i, wn, _bn in self._layers:
            if wn:
                out_dim, in_dim = p[wn].shape
                vw_fwd[wn] = parts[wn].permute(2, 0, 1).reshape(in_dim, k * out_dim)
                vw_bwd[wn] = parts[wn].permute(1, 0, 2).reshape(out_dim, k * in_dim)
        acc = {}
        for _kind, _i, wn, bn in self._layers:
            if wn:
                out_dim, in_dim = p[wn].shape
                acc[wn] = self._buf(("acc", wn, k), (k * out_dim, in_dim), V).zero_()
                acc[("ghda", wn)] = self._buf(("accg", wn, k), (out_dim, k * in_dim), V).zero_()
                if bn:
                    acc[bn] = self._buf(("accb", bn, k), (k, out_dim), V).zero_()
        # Row blocks bound every (rows × probes × width) temporary to ``cache_bytes`` (the fixture's
        # 1,797 samples × 10 probes fit in one block; smaller blocks measured no faster there):
        # the tangent is row-separable (the loss Hessian is per sample) except the weight sums,
        # which accumulate into ``acc``.
        width = max(max(p[wn].shape) for wn in vw_fwd)
        rows = max(64, min(n, self.cache_bytes // max(k * width * V.element_size(), 1)))
        for r0 in range(0, n, rows):
            self._tangent_rows(primal, parts, vw_fwd, vw_bwd, acc, k, slice(r0, min(n, r0 + rows)), rows)
        out = {}
        for _kind, _i, wn, bn in self._layers:
            if wn:
                out_dim, in_dim = p[wn].shape
                dgW = acc[wn].view(k, out_dim, in_dim)
                dgW.add_(acc[("ghda", wn)].view(out_dim, k, in_dim).transpose(0, 1))
                out[wn] = dgW
                if bn:
                    out[bn] = acc[bn]
        return self.space.join(out, k)

    def _tangent_rows(self, primal, parts, vw_fwd, vw_bwd, acc, k, sl, rows):
        acts, d1s, cs, ghs, (kind_out, s, prob) = primal
        p = self.fn.params
        n = sl.stop - sl.start

        def buf(key, cols, like):
            return self._buf(key + (k, rows), (rows, cols), like)[:n]

        # Forward tangent, layout (rows, k, width): products with W act on (rows·k, width)
        # matrices, products with the probes' weights on (rows, k·width) ones.
        da = None
        dhs, da_in, li, ai = [], [], 0, 0
        for kind, _i, wn, bn in self._layers:
            if kind == "linear":
                da_in.append(da)  # the tangent of this layer's input (None: the data)
                a, W = acts[li][sl], p[wn]
                out_dim, in_dim = W.shape
                dh = torch.mm(a, vw_fwd[wn], out=buf(("dh", li), k * out_dim, a))
                if da is not None:
                    dh.view(n * k, out_dim).addmm_(da.reshape(n * k, in_dim), W.T)
                dh = dh.view(n, k, out_dim)
                if bn:
                    dh.add_(parts[bn][None])
                li += 1
                da = dh
            else:
                dhs.append(da)
                d1 = d1s[ai]
                if d1 is not None:
                    da = torch.mul(da, d1[sl], out=buf(("da", ai), da.shape[1] * da.shape[2], da).view(da.shape))
                ai += 1
        dz = da
        if kind_out == "ce":
            pr = prob[sl]
            dgz = torch.mul(pr, dz, out=buf(("dgz",), dz.shape[1] * dz.shape[2], dz).view(dz.shape))
            dgz.addcmul_(pr, dgz.sum(-1, keepdim=True), value=-1).mul_(s)
        else:
            dgz = dz * s
        # Backward tangent; weight sums accumulate over row blocks.
        g = dgz
        li, ai = len(acts), len(d1s)
        for kind, _i, wn, bn in reversed(self._layers):
            if kind == "linear":
                li -= 1
                a, W, gh = acts[li][sl], p[wn], ghs[li][sl]
                out_dim, in_dim = W.shape
                acc[wn].addmm_(g.reshape(n, k * out_dim).T, a)            # dghᵀ a
                if da_in[li] is not None:
                    acc[("ghda", wn)].addmm_(gh.T, da_in[li].reshape(n, k * in_dim))  # ghᵀ da
                if bn:
                    acc[bn].add_(g.sum(0))
                if li > 0:
                    nxt = buf(("dga", li), k * in_dim, a)                  # dga = dgh W + gh vW
                    torch.mm(g.reshape(n * k, out_dim), W, out=nxt.view(n * k, in_dim))
                    nxt.addmm_(gh, vw_bwd[wn])
                    g = nxt.view(n, k, in_dim)
            else:
                ai -= 1
                d1, c = d1s[ai], cs[ai]
                if d1 is not None:
                    g = torch.mul(g, d1[sl], out=buf(("dgh", ai), g.shape[1] * g.shape[2], g).view(g.shape))
                if c is not None:
                    g = g.addcmul_(c[sl], dhs[ai]) if d1 is not None else g + c[sl] * dhs[ai]


HESSIAN_STRATEGIES = {"reuse": HessianReuse, "vmap": HessianVmap, "sequential": HessianSequential}


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
