"""Curvature through training: a callback that records λ_max, the top of the spectrum, the trace, the
geometry metrics and the losses every ``every`` steps, at a measured cost.

Use it in any torch loop, in place of ``loss.backward()``::

    tracker = CurvatureTracker(model, loss_fn, train=(X, y), test=(Xt, yt), every=10, optimizer=opt)
    for step in range(steps):
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        tracker.backward(loss, step)    # loss.backward(), and every 10 steps a measurement
        opt.step()
    tracker.frame()                     # one row per measurement (pandas), tracker.to_parquet(path)

What a measurement costs, and why it is cheap. λ_max is *tracked*: the previous measurement's top
eigenvector v gives the Rayleigh quotient and Ritz residual of one product H v; when the residual is
within ``track_tol`` (5 %) relative that is the answer, otherwise a second Lanczos step (Lanczos
1950; :func:`validation.curvature.lanczos`) gives the 2 × 2 Ritz pair, and the next measurement
starts from a power step of the reported vector — one or two products while the top eigenvector moves
slowly, as it does along a training trajectory. Those products are forward differences of gradients
(:class:`DifferenceHessian`: one gradient each, against ~1.7 for Pearlmutter's exact product on the
digits MLP); the first measurement searches from a random vector with Lanczos to ``track_tol`` on them.
A verification every ``verify_every`` measurements (Lanczos to ``tol`` from v and from a random
vector) catches an eigenvalue that overtook the tracked one; it and the spectral estimates (top-k,
trace, SLQ) use exact products on a retained double-backward graph of the loss handed to
:meth:`~CurvatureTracker.backward` (Pearlmutter 1994, "Fast exact multiplication by the Hessian":
``H v = ∇(∇L · v)``), whose first backward also gives the optimizer its gradient. Each row states how
λ_max was obtained (``lambda_max_products``, ``exact_products``, ``lambda_max_error`` = the Ritz
residual, which bounds the distance to an eigenvalue of H). Measured overhead:
``benchmarks/bench_tracker.py`` and the README.

When the loss handed over is not a full-batch loss on ``train`` (mini-batch training, or
``shared_graph=False``), the measurement builds its own graph on ``train`` (one more gradient).

Metrics (the proposal's §3.4, :mod:`validation.curvature.metrics`), each at its own period, in
measurements (0: never):

* every measurement: ``train_loss``, ``train_accuracy`` (classification), ``test_loss``,
  ``test_accuracy``, ``grad_norm``, ``lambda_max`` (+ error, products), ``ga_1`` (gradient alignment
  with the top eigenvector, Gur-Ari, Roberts & Dyer 2018, eq. 2), ``grad_cosine`` (gradient
  autocorrelation at lag one measurement), ``lr`` (the rate in use up to this measurement: a
  :class:`~validation.dynamics.CurvatureLR` sets the next one right after it), and for Adam
  ``preconditioned_sharpness``:
  λ_max(P⁻¹H) with Adam's own preconditioner P = diag(√v̂ + ε) (Cohen et al. 2022, "Adaptive
  gradient methods at the edge of stability", §3: the quantity whose threshold is
  (2 + 2β₁)/((1 − β₁)η)), tracked the same way on the symmetric P^{-1/2} H P^{-1/2};
* ``top_k_every``: the top ``top_k`` eigenvalues and ``ga_k`` (Lanczos to ``tol``);
* ``trace_every``: the trace (XTrace, ``trace_products`` products; Epperly, Tropp & Webber 2024);
* ``spectrum_every``: SLQ (``slq_steps`` × ``slq_probes``; Ghorbani, Krishnan & Xiao 2019) and from
  it the participation ratio, negative fraction, bulk edges, bulk ratio and edge sharpness.

Example:

>>> import torch
>>> from validation.dynamics import CurvatureTracker
>>> torch.manual_seed(0) is not None
True
>>> model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1)).double()
>>> X, y = torch.randn(64, 4, dtype=torch.float64), torch.randn(64, 1, dtype=torch.float64)
>>> loss_fn = torch.nn.MSELoss()
>>> opt = torch.optim.SGD(model.parameters(), lr=0.05)
>>> tracker = CurvatureTracker(model, loss_fn, train=(X, y), every=5, optimizer=opt)
>>> for step in range(20):
...     opt.zero_grad()
...     tracker.backward(loss_fn(model(X), y), step)
...     opt.step()
>>> [r["step"] for r in tracker.records]
[0, 5, 10, 15]
>>> from validation.curvature import exact_hessian
>>> row = tracker.measure(20)                     # a measurement outside the loop
>>> exact = float(torch.linalg.eigvalsh(exact_hessian(model, loss_fn, (X, y))).max())
>>> bool(abs(row["lambda_max"] - exact) <= row["lambda_max_error"])
True
"""

from __future__ import annotations

import math
import pathlib
import time

import numpy as np
import torch

from rmtheory.params import Integer, OneOf, ParameterError, Real, check

__all__ = ["CurvatureTracker", "LiveHessian", "DifferenceHessian", "write_parquet_atomic"]


class _HessianProducts:
    """An operator (``shape``, ``dtype``, ``device``, ``matmat``) for the Hessian at the current
    parameters, ``gradient`` its flat gradient; ``with_scale(s)`` gives ``diag(s) H diag(s)``."""

    scale = None
    products = 0
    exact = True

    def _setup(self, grads):
        self.grads = [g.detach() for g in grads]
        self.gradient = torch.cat([g.reshape(-1) for g in self.grads])
        dim = self.gradient.numel()
        self.shape = (dim, dim)
        self.dtype = self.gradient.dtype
        self.device = self.gradient.device

    def with_scale(self, scale: torch.Tensor):
        other = object.__new__(type(self))
        other.__dict__.update(self.__dict__)
        other.scale = scale.to(self.dtype)
        return other

    def matmat(self, V: torch.Tensor) -> torch.Tensor:
        cols = []
        for j in range(V.shape[1]):
            v = V[:, j].to(self.dtype)
            if self.scale is not None:
                v = v * self.scale
            out = self._hvp(v)
            cols.append(out * self.scale if self.scale is not None else out)
        self.products += V.shape[1]
        return torch.stack(cols, 1)


class LiveHessian(_HessianProducts):
    """Exact products ``H v = ∇(∇L · v)`` (Pearlmutter 1994) on one retained double-backward graph
    of ``loss``."""

    def __init__(self, loss: torch.Tensor, params):
        self.params = list(params)
        grads = torch.autograd.grad(loss, self.params, create_graph=True)
        self._grad = torch.cat([g.reshape(-1) for g in grads])
        self._setup(grads)

    def _hvp(self, v):
        hv = torch.autograd.grad(self._grad, self.params, grad_outputs=v, retain_graph=True)
        return torch.cat([h.reshape(-1) for h in hv])


class DifferenceHessian(_HessianProducts):
    """Products by a forward difference of gradients, ``H v ≈ (∇L(θ + εv) − ∇L(θ))/ε`` — one gradient
    each, against about 1.7 for the exact product (measured on the digits MLP), with
    ``ε = √u · (1 + ‖θ‖)/‖v‖`` (u the unit roundoff of the parameters' dtype: truncation and
    rounding errors balanced; Nocedal & Wright, *Numerical Optimization*, 2nd ed., §8.1). Relative
    error ~√u: 3e-4 in float32, 1e-8 in float64 — used only where the tracker's tolerance (``track_tol``)
    is far coarser. The parameters are restored bit for bit after each product."""

    exact = False

    def __init__(self, loss_closure, params, grads):
        self.params = list(params)
        self._loss = loss_closure
        self._setup(grads)
        self._unit = float(torch.finfo(self.dtype).eps) ** 0.5
        with torch.no_grad():
            self._norm = float(torch.sqrt(sum((p.detach().double() ** 2).sum() for p in self.params)))

    def _hvp(self, v):
        eps = self._unit * (1.0 + self._norm) / max(float(torch.linalg.vector_norm(v)), 1e-300)
        saved = [p.detach().clone() for p in self.params]
        try:
            with torch.no_grad():
                offset = 0
                for p in self.params:
                    n = p.numel()
                    p.add_(v[offset:offset + n].reshape(p.shape), alpha=eps)
                    offset += n
            with torch.enable_grad():
                grads = torch.autograd.grad(self._loss(), self.params)
        finally:
            with torch.no_grad():
                for p, s in zip(self.params, saved):
                    p.copy_(s)
        return (torch.cat([g.reshape(-1) for g in grads]) - self.gradient) / eps


def write_parquet_atomic(frame, path) -> pathlib.Path:
    """``frame.to_parquet(path)`` through :func:`validation.atomic.replace_atomic`: an interrupted
    write leaves the old file or the new one, never a truncated one."""
    from validation.atomic import replace_atomic

    return replace_atomic(path, lambda tmp: frame.to_parquet(tmp, index=False))


def _accuracy(output: torch.Tensor, target: torch.Tensor):
    """Fraction of correct labels for class-index targets; None for regression targets."""
    if target.dtype in (torch.int64, torch.int32) and output.ndim == 2 and output.shape[1] > 1:
        return float((output.argmax(1) == target).double().mean())
    return None


def _adam_scale(optimizer, params):
    """P^{-1/2} of Adam's preconditioner, flat, or None when the optimizer is not Adam (or has no
    state yet). Adam's step is θ ← θ − η m̂/(√v̂ + ε) (Kingma & Ba 2015, Algorithm 1), so P = √v̂ + ε."""
    if not isinstance(optimizer, torch.optim.Adam):
        return None
    group = optimizer.param_groups[0]
    beta2, eps = group["betas"][1], group["eps"]
    parts = []
    for p in params:
        state = optimizer.state.get(p)
        if not state or "exp_avg_sq" not in state:
            return None
        t = float(state["step"])
        v_hat = state["exp_avg_sq"] / (1 - beta2 ** t)
        parts.append((1.0 / (v_hat.sqrt() + eps)).reshape(-1))
    return torch.cat(parts).sqrt()


class CurvatureTracker:
    """Record curvature and losses every ``every`` steps (see the module docstring).

    Parameters
    ----------
    model, loss_fn : the model and its loss ``loss_fn(output, target)`` (mean over samples)
    train : (X, y) — the data the curvature is of (the full training set for full-batch GD)
    test : (X, y), optional — test loss and accuracy
    every : int ≥ 1 — steps between measurements
    optimizer : torch optimizer, optional — its learning rate is recorded; Adam adds the
        preconditioned sharpness
    shared_graph : bool — the loss handed to :meth:`backward` is the full loss on ``train`` (reuse its
        graph). Default True; pass False for mini-batch training.
    tol : float in (0, 1) — relative Ritz residual of the Lanczos runs on exact products
        (verification, top-k)
    track_tol : float in (0, 1) — relative Ritz residual at which a tracked λ_max is accepted
    track_products : int ≥ 1 — products a tracking measurement may spend (1: Rayleigh quotient and
        power step; 2: one more Lanczos step; more: Lanczos from the last vector)
    products : {"difference", "exact"} — the products of tracking measurements
    verify_every, top_k_every, trace_every, spectrum_every : int ≥ 0 — periods in measurements
        (0: never) of the full Lanczos check, the top-k, the trace and the SLQ metrics
    top_k : int ≥ 1; trace_products, slq_steps, slq_probes : estimator sizes
    max_products : int ≥ 2 — steps allowed to a full Lanczos run
    seed : int — seeds the random starts and probes
    progress : int, optional — total steps: show a progress bar (tqdm) with the last λ_max
    """

    def __init__(self, model, loss_fn, train, *, test=None, every: int = 10, optimizer=None,
                 shared_graph: bool = True, tol: float = 1e-3, track_tol: float = 0.05,
                 track_products: int = 2, verify_every: int = 0, top_k: int = 5,
                 top_k_every: int = 0, trace_every: int = 0, trace_products: int = 40,
                 spectrum_every: int = 0, slq_steps: int = 40, slq_probes: int = 4, seed: int = 0,
                 max_products: int = 300, products: str = "difference", progress: int | None = None):
        if not isinstance(model, torch.nn.Module):
            raise ParameterError("model", type(model).__name__, "a torch.nn.Module")
        self.model, self.loss_fn = model, loss_fn
        self.params = [p for p in model.parameters() if p.requires_grad]
        self.train = self._pair("train", train)
        self.test = None if test is None else self._pair("test", test)
        self.every = check("every", every, Integer(1, None))
        self.optimizer = optimizer
        self.shared_graph = bool(shared_graph)
        self.tol = check("tol", tol, Real(0, 1, low_open=True, high_open=True))
        self.track_tol = check("track_tol", track_tol, Real(0, 1, low_open=True, high_open=True))
        self.track_products = check("track_products", track_products, Integer(1, None))
        self.verify_every = check("verify_every", verify_every, Integer(0, None))
        self.top_k = check("top_k", top_k, Integer(1, None))
        self.top_k_every = check("top_k_every", top_k_every, Integer(0, None))
        self.trace_every = check("trace_every", trace_every, Integer(0, None))
        self.trace_products = check("trace_products", trace_products, Integer(4, None))
        self.spectrum_every = check("spectrum_every", spectrum_every, Integer(0, None))
        self.slq_steps = check("slq_steps", slq_steps, Integer(2, None))
        self.slq_probes = check("slq_probes", slq_probes, Integer(1, None))
        self.seed = check("seed", seed, Integer(0, None))
        self.products = check("products", products, OneOf(("difference", "exact")))
        self.max_products = check("max_products", max_products, Integer(2, None))
        self.records: list[dict] = []
        #: called with each new row, right after the measurement (before the optimizer's step)
        self.listeners: list = []
        self.measure_seconds = 0.0
        self._v = None            # tracked top eigenvector of H
        self._v_pre = None        # tracked top eigenvector of P^{-1/2} H P^{-1/2}
        self._g_prev = None
        self._count = 0
        self._bar = None
        if progress is not None:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=check("progress", progress, Integer(1, None)), unit="step",
                             desc="training", leave=False)

    @staticmethod
    def _pair(name, data):
        if not (isinstance(data, (tuple, list)) and len(data) == 2):
            raise ParameterError(name, type(data).__name__, "a pair (X, y) of tensors")
        return tuple(data)

    # -- the training loop's side ------------------------------------------------------------------
    def due(self, step: int) -> bool:
        """True when ``step`` is a measurement step."""
        return step % self.every == 0

    def backward(self, loss: torch.Tensor, step: int, output: torch.Tensor | None = None) -> None:
        """``loss.backward()``; at a measurement step the gradient comes from the measurement's own
        graph (same values) and the measurement is made at the current parameters. ``output``, the
        model's output on ``train`` that ``loss`` was computed from, gives the training accuracy."""
        if self._bar is not None:
            self._bar.update(1)
        if not self.due(step):
            loss.backward()
            return
        if not self.shared_graph:
            loss.backward()
            self.measure(step)
            return
        op = self._operator(loss)
        for p, g in zip(self.params, op.grads):
            p.grad = g.clone() if p.grad is None else p.grad.add_(g)
        acc = None if output is None else _accuracy(output.detach(), self.train[1])
        self._measure(step, op, float(loss.detach()), acc)

    def measure(self, step: int) -> dict:
        """A measurement at the model's current parameters, on its own graph on ``train``."""
        from validation.curvature.products import eval_mode

        X, y = self.train
        with eval_mode(self.model), torch.enable_grad():
            output = self.model(X)
            loss = self.loss_fn(output, y)
            op = self._operator(loss)
            return self._measure(step, op, float(loss.detach()), _accuracy(output.detach(), y))

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    # -- measurements --------------------------------------------------------------------------------
    def _due(self, period: int, n: int | None = None) -> bool:
        n = self._count if n is None else n
        return period > 0 and n % period == 0

    def _needs_exact(self) -> bool:
        """Exact products for a verification and every spectral estimate; tracking (and the first
        measurement's search, to the tracking tolerance) may use difference products."""
        return (self.products == "exact" or self._due(self.verify_every)
                or self._due(self.top_k_every) or self._due(self.trace_every) or self._due(self.spectrum_every))

    def _operator(self, loss):
        if self._needs_exact():
            return LiveHessian(loss, self.params)
        X, y = self.train
        grads = torch.autograd.grad(loss, self.params)
        return DifferenceHessian(lambda: self.loss_fn(self.model(X), y), self.params, grads)

    def _top(self, op, v, verify: bool):
        """(λ, residual, next vector, products) of the top eigenpair of ``op``.

        Tracking (a vector v from the last measurement), at most ``track_products`` products (default
        2): u = H v gives the Rayleigh quotient θ = vᵀu and the residual β = ‖u − θ v‖. When
        β ≤ ``track_tol`` · θ that is the answer. Otherwise, with ``track_products`` = 2, a second
        Lanczos step (q = (u − θ v)/β, w = H q) gives the 2 × 2 tridiagonal matrix, its top Ritz pair
        and its residual (Golub & Van Loan §10.1.4), and the next measurement starts from H x/‖H x‖
        for that Ritz vector x — a power step that costs no product (H x is a combination of u and
        w), so the vector keeps converging along the trajectory; with more, Lanczos from v to
        ``track_tol`` in at most ``track_products`` steps. The first measurement, and a verification,
        run Lanczos from a random vector — to ``tol`` on exact products, to ``track_tol`` on difference
        products — and a verification also from v (the larger answer wins)."""
        from validation.curvature.lanczos import lanczos

        if v is not None and not verify:
            v = v / torch.linalg.vector_norm(v)
            u = self._apply(op, v)
            theta = float(v @ u)
            r = u - theta * v
            beta = float(torch.linalg.vector_norm(r))
            if theta > 0 and beta <= self.track_tol * theta:
                return theta, beta, u / torch.linalg.vector_norm(u), 1
            if beta > 0 and self.track_products > 2:
                res = lanczos(op, k=1, tol=self.track_tol, v0=v, max_steps=min(op.shape[0], self.track_products),
                              return_vectors=True, raise_on_failure=False)
                return (float(res.eigenvalues[0]), float(res.residuals[0]), res.eigenvectors[:, 0],
                        1 + res.products)
            if beta > 0 and self.track_products > 1:
                q = r / beta
                w = self._apply(op, q)
                alpha = float(q @ w)
                T = torch.tensor([[theta, beta], [beta, alpha]], dtype=torch.float64)
                vals, Y = torch.linalg.eigh(T)
                y0, y1 = float(Y[0, 1]), float(Y[1, 1])
                lam = float(vals[1])
                w_res = w - alpha * q - beta * v
                resid = abs(y1) * float(torch.linalg.vector_norm(w_res))
                Hx = y0 * u + y1 * w
                nxt = Hx / torch.linalg.vector_norm(Hx) if lam > 0 else y0 * v + y1 * q
                return lam, resid, nxt, 2
            return theta, beta, v, 1
        steps = min(op.shape[0], self.max_products)
        runs = [lanczos(op, k=1, tol=self.tol if (verify or op.exact) else self.track_tol,
                        seed=self.seed + self._count, max_steps=steps, return_vectors=True, raise_on_failure=False)]
        if v is not None:
            runs.append(lanczos(op, k=1, tol=self.tol, v0=v, max_steps=steps, return_vectors=True,
                                raise_on_failure=False))
        best = max(runs, key=lambda r: r.eigenvalues[0])
        return (float(best.eigenvalues[0]), float(best.residuals[0]), best.eigenvectors[:, 0],
                sum(r.products for r in runs))

    @staticmethod
    def _apply(op, v):
        return op.matmat(v.reshape(-1, 1).to(op.dtype)).reshape(-1).to(torch.float64)

    def _measure(self, step, op, train_loss, train_acc) -> dict:
        from validation.curvature import metrics, slq, trace
        from validation.curvature.lanczos import lanczos

        t0 = time.perf_counter()
        n = self._count
        verify = self._due(self.verify_every)
        top = None
        if self._due(self.top_k_every):
            # the top-k run (Lanczos to tol) also gives λ_max: no separate tracking products
            k = min(self.top_k, op.shape[0])
            top = lanczos(op, k=k, tol=self.tol, v0=self._v, seed=self.seed + n,
                          max_steps=min(op.shape[0], max(self.max_products, 3 * k)),
                          return_vectors=True, raise_on_failure=False)
            lam, err, self._v, products = (float(top.eigenvalues[0]), float(top.residuals[0]),
                                           top.eigenvectors[:, 0], top.products)
        else:
            lam, err, self._v, products = self._top(op, self._v, verify)
        g = op.gradient.to(torch.float64)
        gn2 = float(g @ g)
        row = {"step": int(step), "train_loss": train_loss, "train_accuracy": train_acc,
               "grad_norm": math.sqrt(gn2), "lambda_max": lam, "lambda_max_error": err,
               "lambda_max_products": products,
               # verified: a Lanczos run to tol on exact products (the first search on difference
               # products stops at track_tol and is not one)
               "lambda_max_verified": bool(op.exact and (verify or n == 0 or top is not None)),
               "exact_products": bool(op.exact),
               "ga_1": float((g @ self._v) ** 2 / gn2) if gn2 > 0 else None,
               "grad_cosine": (float(g @ self._g_prev / math.sqrt(gn2 * float(self._g_prev @ self._g_prev)))
                               if self._g_prev is not None and gn2 > 0 and float(self._g_prev @ self._g_prev) > 0
                               else None)}
        self._g_prev = g.clone()
        if self.optimizer is not None:
            row["lr"] = float(self.optimizer.param_groups[0]["lr"])
            scale = _adam_scale(self.optimizer, self.params)
            if scale is not None:
                pre = op.with_scale(scale)
                plam, perr, self._v_pre, pprod = self._top(pre, self._v_pre, verify)
                row.update(preconditioned_sharpness=plam, preconditioned_sharpness_error=perr)
                products += pprod
        if top is not None:
            k = len(top.eigenvalues)
            row["top_eigenvalues"] = [float(x) for x in top.eigenvalues]
            row["top_eigenvalue_errors"] = [float(x) for x in top.residuals]
            row[f"ga_{k}"] = float(metrics.gradient_alignment(g, top.eigenvectors, k=k).value) if gn2 > 0 else None
        if self._due(self.trace_every):
            tr = trace(op, products=self.trace_products, seed=self.seed + n)
            products += tr.products
            row.update(trace=tr.value, trace_error=tr.std_error)
        if self._due(self.spectrum_every):
            dens = slq(op, steps=min(self.slq_steps, op.shape[0]), probes=self.slq_probes, seed=self.seed + n)
            products += dens.products
            edges = metrics.bulk_edges(dens)
            row.update(participation_ratio=metrics.participation_ratio(dens).value,
                       negative_fraction=metrics.negative_fraction(dens).value,
                       bulk_lower=edges.value[0], bulk_upper=edges.value[1],
                       edge_sharpness=metrics.edge_sharpness(dens).value)
            try:
                row["bulk_ratio"] = metrics.bulk_ratio(lam, edges).value
            except ValueError:   # a degenerate bulk (zero width): no ratio
                row["bulk_ratio"] = None
        if self.test is not None:
            from validation.curvature.products import eval_mode

            Xt, yt = self.test
            with torch.no_grad(), eval_mode(self.model):
                out = self.model(Xt)
                row.update(test_loss=float(self.loss_fn(out, yt)), test_accuracy=_accuracy(out, yt))
        row["products"] = products
        row["seconds"] = time.perf_counter() - t0
        self.measure_seconds += row["seconds"]
        self.records.append(row)
        self._count += 1
        for listener in self.listeners:
            listener(row)
        if self._bar is not None:
            self._bar.set_postfix(lambda_max=f"{lam:.4g}", loss=f"{train_loss:.4g}")
        return row

    # -- output --------------------------------------------------------------------------------------
    def frame(self):
        """The records as a pandas DataFrame (one row per measurement)."""
        import pandas as pd

        return pd.DataFrame(self.records)

    def to_parquet(self, path) -> pathlib.Path:
        """Write the records to ``path`` atomically (see :func:`write_parquet_atomic`)."""
        return write_parquet_atomic(self.frame(), path)

    def series(self, name: str) -> np.ndarray:
        """One column as a float array (missing values as NaN)."""
        return np.array([np.nan if r.get(name) is None else float(r[name]) for r in self.records])
