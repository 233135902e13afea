"""Curvature matrices as linear operators: the Hessian, the generalized Gauss-Newton matrix and the
empirical Fisher of an ``nn.Module`` + loss + data, over the full dataset.

Pattern: curvlinops (``curvlinops/_torch_base.py``): a curvature matrix is a linear operator whose
one routine is the block product ``matmat(V)`` (V of shape dim × k); Lanczos, SLQ, KPM, traces and
top-k work on any object with ``shape``, ``dtype`` and ``matmat``. The flat parameter vector is the
concatenation of ``model.named_parameters()`` with ``requires_grad=True``, in that order.

Conventions (stated once, used everywhere):

* The curvature is that of the full-dataset loss ``L = Σ_b w_b loss_fn(model(x_b), y_b)`` with
  ``w_b = n_b/N`` for ``reduction="mean"`` and 1 for ``"sum"`` (see :mod:`._data`).
* The model is evaluated in eval mode (BatchNorm with running statistics, Dropout off) and restored
  afterwards; its parameters are never modified and no ``.grad`` is written. The operator is the
  curvature at the parameters (and buffers) *when it was built*: they are copied, so build a new
  operator after a training step.
* ``dtype`` (default: the model's) is the dtype of every product; parameters, floating buffers and
  floating inputs are cast to it, so a float32 model gives a float64 operator on request.
  ``device`` is the model's.

Example (a linear model's Hessian is XᵀX/P, here with MSE summed over the one output):

>>> import torch
>>> from validation.curvature import hessian
>>> X = torch.randn(50, 3, dtype=torch.float64); y = torch.randn(50, 1, dtype=torch.float64)
>>> model = torch.nn.Linear(3, 1, bias=False).double()
>>> H = hessian(model, lambda out, t: 0.5 * ((out - t) ** 2).sum() / len(t), (X, y))
>>> bool(torch.allclose(H.matmat(torch.eye(3, dtype=torch.float64)), X.T @ X / 50))
True
"""

from __future__ import annotations

import time

import torch

from rmtheory.params import Integer, OneOf, ParameterError, check
from validation.curvature._data import Batches, make_batches
from validation.curvature.determinism import check_determinism
from validation.curvature.linear_operator import CurvatureOperator, MatrixOperator
from validation.curvature.products import (
    HESSIAN_STRATEGIES,
    FisherVmap,
    GGNVmap,
    HessianSequential,
    ParamSpace,
    _Model,
    eval_mode,
)

# Process-wide memory of ``strategy="tune"``: operator signature (see ``_signature``) → the fastest
# strategy measured for it, which later ``strategy="auto"`` operators of that signature use.
_TUNED: dict[tuple, str] = {}

__all__ = ["CurvatureOperator", "MatrixOperator", "ModelCurvature", "hessian", "ggn", "fisher",
           "NotTwiceDifferentiableError"]


class NotTwiceDifferentiableError(ValueError):
    """The loss (or the model) has no usable second derivative for a curvature matrix."""


class ModelCurvature(CurvatureOperator):
    """Common machinery of the Hessian, GGN and Fisher operators of a model.

    Attributes: ``num_samples``, ``num_batches``, ``reduction``, ``space`` (the parameter layout,
    ``space.names``), ``strategy`` (the product strategy in use, per block size).
    """

    kind = "curvature"

    def __init__(self, model, loss_fn, data, dtype=None, *, strategy="auto", check_loss=True,
                 check_deterministic=None, block_size=32):
        if not isinstance(model, torch.nn.Module):
            raise ParameterError("model", type(model).__name__, "a torch.nn.Module")
        if not callable(loss_fn):
            raise ParameterError("loss_fn", type(loss_fn).__name__, "a callable loss_fn(output, target)")
        named = {n: p for n, p in model.named_parameters() if p.requires_grad}
        if not named:
            raise ParameterError("model", type(model).__name__,
                                 "a module with at least one parameter with requires_grad=True",
                                 "it has no trainable parameters, so there is no curvature to measure")
        first = next(iter(named.values()))
        if dtype is None:
            dtype = first.dtype
        dtype = check("dtype", dtype, OneOf((torch.float32, torch.float64)))
        self.device = first.device
        self.dtype = dtype
        self.model, self.loss_fn = model, loss_fn
        self.reduction = getattr(loss_fn, "reduction", "mean")
        self.data: Batches = make_batches(data, self.reduction, dtype, self.device)
        self.num_samples, self.num_batches = self.data.num_samples, self.data.num_batches
        # A snapshot: the operator is the curvature at the parameters it was built with, whatever
        # happens to the model later (cached graphs and primals would otherwise go stale silently).
        params = {n: p.detach().to(dtype, copy=True) for n, p in named.items()}
        buffers = {n: (b.detach().to(dtype, copy=True) if b.is_floating_point() else b.detach().clone())
                   for n, b in model.named_buffers()}
        self._fn = _Model(model, loss_fn, params, buffers)
        self.space = ParamSpace(params)
        self.shape = (self.space.dim, self.space.dim)
        self.strategy = check("strategy", strategy, OneOf(self._strategies()))
        self.block_size = check("block_size", block_size, Integer(1, None))
        self._chosen: dict[int, object] = {}
        self._impl: dict[str, object] = {}
        self._failed: set[str] = set()
        self.strategy_errors: dict[str, str] = {}
        self.timings: dict[int, dict[str, float]] = {}
        self._sig = None
        if check_loss:
            with eval_mode(model):
                self._check_twice_differentiable()
        if check_deterministic is None:
            # A loader is re-iterated on every product: a shuffling loader with drop_last or random
            # augmentation makes each product a different matrix. One batch in memory cannot.
            check_deterministic = self.num_batches > 1
        if check_deterministic:
            check_determinism(self, probes=1, raise_error=True)

    # -- strategies ---------------------------------------------------------------------------
    def _strategies(self):
        return ("auto", "tune") + tuple(self._factories())

    def _factories(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def _preference(self) -> list:
        """Strategy names in the order "auto" tries them when no timing is known (default: as listed)."""
        return list(self._factories())

    def _get(self, name):
        if name not in self._impl:
            # Caching a graph across calls only pays (and only fits) when the data are one batch.
            self._impl[name] = self._factories()[name](self._fn, self.space,
                                                      self.data.num_batches == 1)
        return self._impl[name]

    def _apply(self, impl, V):
        out = None
        for x, y, w in self.data:
            part = impl(x, y, w, V)
            out = part if out is None else out.add_(part)
        return out

    def gradient(self) -> torch.Tensor:
        """The flat gradient of the full-dataset loss at the model's parameters (dim,)."""
        total = None
        with eval_mode(self.model):
            for x, y, w in self.data:
                leaves = {n: p.detach().requires_grad_(True) for n, p in self._fn.params.items()}
                loss = w * self._fn.loss(leaves, x, y)
                g = torch.autograd.grad(loss, list(leaves.values()), allow_unused=True)
                flat = self.space.flatten([gi if gi is not None else torch.zeros_like(p)
                                           for gi, p in zip(g, leaves.values())])
                total = flat if total is None else total + flat
        return total

    def _matmat(self, V):
        k = V.shape[1]
        if k > self.block_size:
            # Bounded memory: the vmap strategy holds k tangent copies of every activation.
            return torch.cat([self._matmat(V[:, s:s + self.block_size])
                              for s in range(0, k, self.block_size)], dim=1)
        with eval_mode(self.model):
            try:
                if self.strategy not in ("auto", "tune"):
                    return self._apply(self._get(self.strategy), V)
                impl = self._chosen.get(self._bucket(k))
                if impl is not None:
                    return self._apply(impl, V)
                if self.strategy == "tune":
                    return self._autotune(V)
                return self._first_that_runs(V)
            except RuntimeError as err:
                raise _explain(err) from err

    def _signature(self, k: int) -> tuple:
        """What a timing depends on: the curvature, the architecture, the loss, the data's size and
        layout, dtype, device, the thread count and the block-size bucket."""
        if self._sig is None:
            arch = tuple((n, type(m).__name__) for n, m in self.model.named_modules())
            loss = (type(self.loss_fn).__qualname__, self.reduction)
            self._sig = (self.kind, arch, tuple(zip(self.space.names, self.space.shapes)), loss,
                         self.num_samples, self.num_batches, self.data.layout, str(self.dtype), str(self.device))
        return self._sig + (torch.get_num_threads(), self._bucket(k))

    def _first_that_runs(self, V):
        """``strategy="auto"``: the strategy a ``"tune"`` run chose for an operator of the same
        signature in this process, else the first in :meth:`_preference` that runs on this model —
        no timing, so building an operator and its first product cost about one gradient plus one
        product. A strategy that fails (outside what vmap or forward-mode supports) is skipped and
        remembered."""
        k = V.shape[1]
        tuned = _TUNED.get(self._signature(k))
        names = ([tuned] if tuned in self._factories() else []) + self._preference()
        errors = {}
        for name in dict.fromkeys(names):
            if name in self._failed:
                continue
            try:
                out = self._apply(self._get(name), V)
            except RuntimeError as err:
                errors[name] = err
                self._failed.add(name)
                self._impl.pop(name, None)
                continue
            self._chosen[self._bucket(k)] = self._get(name)
            self.strategy_errors.update({n: str(e).splitlines()[0] for n, e in errors.items()})
            return out
        raise next(iter(errors.values()))

    def _autotune(self, V):
        """``strategy="tune"``: choose the fastest strategy on this block. Each candidate runs on the
        first ``min(k, 4)`` columns twice (the first run builds graphs, caches and work buffers) and
        the second run is timed; the winner's timed columns are kept and it computes the rest. The
        choice costs a few dozen products once per operator and block size, and is remembered for
        the process: a later operator of the same signature (:meth:`_signature`) built with
        ``strategy="auto"`` uses it without timing. A strategy that fails is skipped and remembered."""
        k = V.shape[1]
        kk = min(k, 4)
        names = [n for n in self._factories() if n not in self._failed]
        times, results, errors = {}, {}, {}
        for name in names:
            impl = self._get(name)
            try:
                if len(names) > 1:
                    self._apply(impl, V[:, :kk])
                t0 = time.perf_counter()
                results[name] = self._apply(impl, V[:, :kk])
                if V.device.type == "cuda":
                    torch.cuda.synchronize(V.device)
                times[name] = time.perf_counter() - t0
            except RuntimeError as err:
                errors[name] = err
                self._failed.add(name)
                self._impl.pop(name, None)
        if not times:
            raise next(iter(errors.values()))
        best = min(times, key=times.get)
        self._chosen[self._bucket(k)] = self._get(best)
        _TUNED[self._signature(k)] = best
        self.timings[self._bucket(k)] = times
        self.strategy_errors.update({n: str(e).splitlines()[0] for n, e in errors.items()})
        for name in names:  # free the cached graph of a loser no block size uses
            if name != best and name in self._impl and all(
                    self._impl[name] is not c for c in self._chosen.values()):
                del self._impl[name]
        if kk == k:
            return results[best]
        return torch.cat([results[best], self._apply(self._chosen[self._bucket(k)], V[:, kk:])], dim=1)

    @staticmethod
    def _bucket(k: int) -> int:
        """Block sizes that share one strategy choice: 1, 2, 3 and 4 or more."""
        return min(k, 4)

    def strategy_for(self, k: int) -> str | None:
        """The strategy used for blocks of ``k`` probes (None until the first such block)."""
        if self.strategy not in ("auto", "tune"):
            return self.strategy
        impl = self._chosen.get(self._bucket(k))
        return None if impl is None else impl.name

    # -- checks ---------------------------------------------------------------------------------
    def _check_twice_differentiable(self):
        """Refuse losses whose second derivative autodiff cannot give (on a few samples).

        Detectable here: (1) the loss does not depend differentiably on the parameters (argmax,
        round, comparisons, ``.detach()``: no gradient path); (2) the loss, as a function of the model
        output, has a second derivative that is identically zero along a random direction while its
        first derivative is not constant: a piecewise-linear loss (L1, hinge) or one built from
        non-differentiable ops, whose Hessian/GGN autodiff returns as zero and misses the kinks;
        (3) ops without a double-backward formula (torch raises; re-raised with their name).
        Not detectable: kinks inside the model (ReLU), where the Hessian exists almost everywhere,
        which is the usual convention.
        """
        x, y, _ = next(iter(self.data))
        x, y = x[:8], (y[:8] if isinstance(y, torch.Tensor) and y.ndim > 0 else y)
        fn = self._fn
        leaves = {n: p.detach().requires_grad_(True) for n, p in fn.params.items()}
        try:
            out = fn.output(leaves, x)
            loss = fn.loss_fn(out, y)
        except Exception as err:  # noqa: BLE001 - report any failure of the user's callables
            raise ParameterError("loss_fn", type(fn.loss_fn).__name__,
                                 "a callable loss_fn(model(inputs), targets)",
                                 f"calling it on the first batch failed: {err}") from err
        if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
            raise ParameterError("loss_fn", "a non-scalar result", "a scalar loss (reduction 'mean' or 'sum')")
        if not loss.requires_grad:
            raise NotTwiceDifferentiableError(
                "loss_fn(model(inputs), targets) does not depend differentiably on the model's "
                "parameters (no gradient path: argmax, round, comparisons or .detach() in the model "
                "or the loss?); there is no curvature to measure")
        if not out.requires_grad:
            return
        z = out.detach().requires_grad_(True)
        try:
            gz = torch.autograd.grad(fn.loss_fn(z, y), z, create_graph=True)[0]
        except RuntimeError as err:
            raise _explain(err) from err
        gen = torch.Generator(device="cpu").manual_seed(0)
        u = torch.randn(z.shape, generator=gen, dtype=z.dtype).to(z.device)
        if gz.requires_grad:
            try:
                # ⟨∇z ℓ, u⟩ differentiated rather than grad_outputs=u: the same product, and a
                # tensor grad_outputs makes torch import torch.fx on first use (~0.8 s per process).
                hz = torch.autograd.grad((gz * u).sum(), z, allow_unused=True)[0]
            except RuntimeError as err:
                raise _explain(err) from err
        else:
            hz = None
        if hz is None or not torch.any(hz != 0):
            constant = not torch.any(gz != gz.reshape(-1)[0]) if gz.numel() else True
            if not constant:
                raise NotTwiceDifferentiableError(
                    "loss_fn has a zero second derivative with respect to the model output along a "
                    "random direction while its gradient varies: it is piecewise linear (L1, hinge, "
                    "max) or built from non-differentiable ops (sign, round, clamp at a boundary), "
                    "so autodiff would return a Hessian/GGN that misses its kinks. Use a smooth loss "
                    "(MSE, cross-entropy, Huber with the samples inside its quadratic zone), or "
                    "pass check_loss=False if this is intended")


def _explain(err: RuntimeError) -> Exception:
    msg = str(err)
    if "not implemented" in msg.lower() and "derivative" in msg.lower():
        return NotTwiceDifferentiableError(
            "an operation in the model or the loss has no second-derivative (double-backward) "
            f"formula in torch, so its Hessian cannot be formed by autodiff: {msg.splitlines()[0]}")
    if "vmap" in msg.lower() or "batching rule" in msg.lower() or "functorch" in msg.lower():
        return RuntimeError(f"{msg.splitlines()[0]} — the model or loss is not vmap-compatible "
                            "(in-place ops on inputs, .item(), data-dependent control flow); for the "
                            "Hessian use strategy='reuse', which needs no vmap")
    return err


class HessianOperator(ModelCurvature):
    """Hessian of the full-dataset loss (see :func:`hessian`)."""

    kind = "hessian"

    def _factories(self):
        out = {n: f for n, f in HESSIAN_STRATEGIES.items() if n != "sequential"}
        if HessianSequential.supports(self._fn, self.space):
            out["sequential"] = HessianSequential
        return out

    def _preference(self):
        # Measured per probe on MLPs (benchmarks/bench_curvature.py): the hand-written forward-over-
        # reverse first where it applies; reverse-over-reverse next, which runs on any model and
        # beat vmap on every CNN and MLP measured (vmap allocates its batched tangents anew per call).
        return [n for n in ("sequential", "reuse", "vmap") if n in self._factories()]


class GGNOperator(ModelCurvature):
    """Generalized Gauss-Newton matrix Σ_b w_b J_bᵀ H_ℓ J_b (see :func:`ggn`)."""

    kind = "ggn"

    def _factories(self):
        return {"vmap": GGNVmap}


class FisherOperator(ModelCurvature):
    """Empirical Fisher c Σ_n ∇ℓ_n ∇ℓ_nᵀ (see :func:`fisher`)."""

    kind = "fisher"

    def _factories(self):
        return {"vmap": lambda fn, space, cache: FisherVmap(fn, space, cache, self.reduction)}


def hessian(model, loss_fn, data, dtype=None, *, strategy="auto", check_loss=True,
            check_deterministic=None) -> HessianOperator:
    """The Hessian of the full-dataset loss as a linear operator.

    Parameters
    ----------
    model : torch.nn.Module
        Evaluated in eval mode; its trainable parameters (``requires_grad=True``) are the variables.
    loss_fn : callable
        ``loss_fn(model(inputs), targets)`` → scalar, e.g. ``nn.CrossEntropyLoss()``. Its
        ``reduction`` attribute ("mean", the default when absent, or "sum") sets the batch weights.
    data : (inputs, targets) or iterable of (inputs, targets)
        One batch, or a DataLoader (iterated on every product; it must yield the same samples each
        time — :func:`validation.curvature.check_determinism` verifies that).
    dtype : torch.float32 or torch.float64, optional
        Dtype of the products (default: the model's).
    strategy : {"auto", "tune", "reuse", "vmap", "sequential"}
        Product strategy (:mod:`validation.curvature.products`; "sequential" only for
        ``nn.Sequential`` MLPs with CrossEntropyLoss/MSELoss). "auto" (the default) takes no timing:
        the strategy a "tune" operator of the same signature chose earlier in this process, else
        "sequential" where it applies, else "reuse" (falling back to the next one that runs), so
        the operator and its first product cost about a gradient and a product. "tune" times the
        available ones on the first block of each size (a few dozen products), keeps the fastest
        and remembers it for the process.
    check_loss : bool
        Refuse losses autodiff cannot differentiate twice (see ``_check_twice_differentiable``).
    check_deterministic : bool, optional
        Apply the operator twice to the same vectors at construction and raise
        :class:`~validation.curvature.NonDeterministicOperatorError` if the results differ (4
        products). Default: on for a loader of several batches, off for one in-memory batch.

    Source: Pearlmutter (1994), "Fast exact multiplication by the Hessian", Neural Comput. 6(1).
    Example: see the module docstring (a linear model's Hessian equals XᵀX/P).
    """
    return HessianOperator(model, loss_fn, data, dtype, strategy=strategy, check_loss=check_loss,
                           check_deterministic=check_deterministic)


def ggn(model, loss_fn, data, dtype=None, *, strategy="auto", check_loss=True,
        check_deterministic=None) -> GGNOperator:
    """The generalized Gauss-Newton matrix ``Σ_b w_b J_bᵀ (∇²_z ℓ) J_b`` as a linear operator.

    Same parameters as :func:`hessian`. Equals the Hessian when the model is linear in its
    parameters. Source: Schraudolph (2002), "Fast curvature matrix-vector products for second-order
    gradient descent", Neural Comput. 14(7), §3 (eq. 7).
    """
    return GGNOperator(model, loss_fn, data, dtype, strategy=strategy, check_loss=check_loss,
                       check_deterministic=check_deterministic)


def fisher(model, loss_fn, data, dtype=None, *, strategy="auto", check_loss=True,
           check_deterministic=None) -> FisherOperator:
    """The empirical Fisher ``c Σ_n ∇ℓ_n ∇ℓ_nᵀ`` as a linear operator.

    ``ℓ_n`` is ``loss_fn`` on sample ``n`` alone; ``c = 1/N`` for ``reduction="mean"`` and 1 for
    ``"sum"``. Needs a vmap-compatible model (per-sample losses). Same parameters as
    :func:`hessian`. Source: Kunstner, Balles & Hennig (2019), "Limitations of the empirical Fisher
    approximation for natural gradient descent", NeurIPS, eq. (2).
    """
    return FisherOperator(model, loss_fn, data, dtype, strategy=strategy, check_loss=check_loss,
                          check_deterministic=check_deterministic)
