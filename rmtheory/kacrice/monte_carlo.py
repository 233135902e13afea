"""Monte-Carlo check of the Kac-Rice picture: gradient descent on a sampled spherical p-spin glass.

Numpy only. A pure p-spin Hamiltonian with the ABC normalization (:mod:`.model`) is sampled as a
symmetric coupling tensor (n^p entries: for p = 3, n = 200 is 64 MB and n = 400 is 512 MB in
float64). Projected gradient descent on the sphere of radius √n, started from uniform random points,
runs all starts at once (one pass over the tensor per step for the whole batch), and at the points it
reaches the energy per spin and the Riemannian Hessian on the tangent space are measured.

What the theory predicts (Auffinger, Ben Arous & Černý 2013; Cugliandolo & Kurchan 1993 for the
dynamics): descent from random starts stops near the threshold energy −E_∞, where critical points
turn from saddles into minima, not near the ground state −E_0; there the Hessian is the shifted
semicircle of :func:`rmtheory.kacrice.hessian.hessian_law` with its left edge at 0 (marginal
stability). The criteria below were fixed *before* any run was looked at:

* energy: |mean reached energy per spin + E_∞| ≤ 0.03 + n^{−2/3}. The n^{−2/3} term is the finite-n
  scale of extreme energies and edge eigenvalues; 0.03 allows for descent stopping in a minimum
  above the threshold at finite n (the limit is approached slowly). Note that −E_0 + E_∞ = −0.024
  for p = 3, so this check cannot tell the threshold from the ground state; the Hessian edge can
  only weakly (both are within the edge-fluctuation scale at these n). Stated, not hidden.
* Hessian bulk: Kolmogorov-Smirnov test of the n − 1 tangent eigenvalues at each reached point
  against hessian_law(reached energy) with variance scaled by (n−1)/n, p-value ≥ 0.01 at every
  point (eigenvalues repel, so this KS is conservative; see :mod:`rmtheory.stats`).
* marginal stability: the smallest tangent eigenvalue within 3√(p(p−1)) n^{−2/3} of 0 (three
  edge-fluctuation scales of a semicircle of variance p(p−1)).

The measured verdicts for n = 50…400 are recorded in ``benchmarks/kacrice_monte_carlo.py``: energy
and KS pass at every n, the every-point edge criterion fails at n ≥ 100 for 1–2 of 24 minima.

Example::

    >>> from rmtheory.kacrice.monte_carlo import PSpinHamiltonian
    >>> h = PSpinHamiltonian.sample(30, p=3, rng=0)
    >>> import numpy as np
    >>> s = np.sqrt(30) * np.eye(30)[0]
    >>> bool(np.isclose(h.energy(s), h.couplings[0, 0, 0] * 30**-1 * 30**1.5))   # H = J_111 σ_1³/N
    True
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from rmtheory.params import Integer, ParameterError, Real, check

__all__ = ["PSpinHamiltonian", "DescentResult", "ThresholdCheck", "gradient_descent",
           "random_sphere_points", "energy_tolerance", "edge_tolerance", "threshold_check"]

#: largest coupling tensor sampled (entries): 1.28e8 float64 is 1 GB
MAX_TENSOR_ENTRIES = 128_000_000
#: KS level each reached point's Hessian must pass
KS_ALPHA = 0.01


def energy_tolerance(n: int) -> float:
    """Allowed |mean reached energy per spin + E_∞| at size n: 0.03 + n^{−2/3} (fixed a priori)."""
    return 0.03 + n ** (-2.0 / 3.0)


def edge_tolerance(n: int, p: int = 3) -> float:
    """Allowed |smallest tangent Hessian eigenvalue| at size n: 3√(p(p−1)) n^{−2/3} (fixed a priori)."""
    return 3.0 * math.sqrt(p * (p - 1)) * n ** (-2.0 / 3.0)


@dataclass
class PSpinHamiltonian:
    """H(σ) = N^{−(p−1)/2} Σ J_{i_1..i_p} σ_{i_1}···σ_{i_p} with the symmetrized couplings stored.

    Symmetrizing J (averaging its p! index permutations) leaves H unchanged, so
    E[H(σ)H(σ')] = N (σ·σ'/N)^p still holds, and makes the gradient one contraction:
    ∇H = p N^{−(p−1)/2} J(·, σ, …, σ), ∇²H = p(p−1) N^{−(p−1)/2} J(·, ·, σ, …, σ). Functions accept one
    point σ of shape (n,) or a batch of shape (n, B).
    """

    couplings: np.ndarray
    p: int

    @property
    def n(self) -> int:
        return self.couplings.shape[0]

    @classmethod
    def sample(cls, n: int, p: int = 3, rng=None, dtype=np.float64) -> "PSpinHamiltonian":
        n = check("n", n, Integer(2, None))
        p = check("p", p, Integer(2, 6))
        if n**p > MAX_TENSOR_ENTRIES:
            raise ParameterError("n", n, f"[2, {int(MAX_TENSOR_ENTRIES ** (1 / p))}] for p = {p}",
                                 f"the coupling tensor has n^p entries; at most {MAX_TENSOR_ENTRIES:.3g}")
        rng = np.random.default_rng(rng)
        raw = rng.standard_normal((n,) * p, dtype=np.float64).astype(dtype, copy=False)
        sym = np.zeros_like(raw)
        perms = list(itertools.permutations(range(p)))
        for perm in perms:
            sym += raw.transpose(perm)  # strided views: no copy of the tensor
        del raw
        sym /= len(perms)
        return cls(sym, p)

    # -------------------------------------------------------------- contractions
    def _contract(self, sigma: np.ndarray, times: int) -> np.ndarray:
        """J contracted ``times`` times with σ; returns shape (n^{p−times}, B).

        J is symmetric, so the contraction may run over the leading axes: a (B, n) × (n, n^{p−1})
        product reads the tensor once, row by row, for the whole batch.
        """
        n = self.n
        batch = sigma.reshape(n, -1).T  # (B, n)
        out = batch @ self.couplings.reshape(n, -1)  # (B, n^{p−1})
        for _ in range(times - 1):
            out = np.einsum("bj,bjk->bk", batch, out.reshape(batch.shape[0], n, -1))
        return out.T

    def _scale(self):
        return self.n ** (-(self.p - 1) / 2)

    def gradient(self, sigma):
        """Euclidean gradient ∇H(σ) (same shape as σ)."""
        sigma = np.asarray(sigma, dtype=self.couplings.dtype)
        g = self.p * self._scale() * self._contract(sigma, self.p - 1)
        return g.reshape(sigma.shape)

    def energy(self, sigma):
        """H(σ) (extensive; divide by n for the energy per spin). Uses σ·∇H = pH (homogeneity)."""
        sigma = np.asarray(sigma, dtype=self.couplings.dtype)
        return np.sum(sigma * self.gradient(sigma), axis=0) / self.p

    def riemannian_gradient(self, sigma):
        """Projection of ∇H on the tangent space σ^⊥ of the sphere of radius √n."""
        sigma = np.asarray(sigma, dtype=self.couplings.dtype)
        g = self.gradient(sigma)
        return g - sigma * (np.sum(sigma * g, axis=0) / self.n)

    def tangent_hessian(self, sigma) -> np.ndarray:
        """Riemannian Hessian at one point σ as an (n−1)×(n−1) matrix in an orthonormal basis of σ^⊥.

        ∇²_sph H = P ∇²H P − (σ·∇H / n) P, and σ·∇H = pH, so the shift is −p·(H/n)·I.
        """
        sigma = np.asarray(sigma, dtype=np.float64).reshape(self.n)
        n, p = self.n, self.p
        if p == 2:
            hess = 2 * self._scale() * self.couplings.astype(np.float64)
        else:
            hess = p * (p - 1) * self._scale() * self._contract(sigma, p - 2).reshape(n, n).astype(np.float64)
        # Householder reflection Q with Q e_1 = ±σ/|σ|; its other columns span σ^⊥
        v = sigma / np.linalg.norm(sigma)
        w = v.copy()
        w[0] += math.copysign(1.0, v[0]) if v[0] != 0 else 1.0
        w /= np.linalg.norm(w)
        q = np.eye(n) - 2.0 * np.outer(w, w)
        t = q[:, 1:]
        shift = p * float(self.energy(sigma)) / n
        return t.T @ hess @ t - shift * np.eye(n - 1)


def random_sphere_points(n: int, count: int, rng=None) -> np.ndarray:
    """``count`` independent uniform points on the sphere of radius √n, as columns of an (n, count) array."""
    n = check("n", n, Integer(2, None))
    count = check("count", count, Integer(1, None))
    x = np.random.default_rng(rng).standard_normal((n, count))
    return x * (math.sqrt(n) / np.linalg.norm(x, axis=0))


@dataclass
class DescentResult:
    """Where projected gradient descent stopped, one column per start."""

    sigma: np.ndarray
    energy_per_spin: np.ndarray
    gradient_norm: np.ndarray  # |Riemannian gradient| / √n
    steps: int
    converged: np.ndarray


def _blas_threads(threads):
    """A context limiting BLAS threads (threadpoolctl, when installed; otherwise no-op)."""
    import contextlib

    if threads is None:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional speed-up only
        return contextlib.nullcontext()
    return threadpool_limits(limits=threads, user_api="blas")


def gradient_descent(h: PSpinHamiltonian, sigma0, step: float = 0.15, max_steps: int = 20000,
                     gtol: float = 1e-6, blas_threads: int | None = 1) -> DescentResult:
    """Projected gradient descent σ ← √n (σ − η P∇H)/|σ − η P∇H| from each column of ``sigma0``.

    The default η = 0.15 keeps η·‖∇²H‖ below 2 (the tangent spectrum lies within
    [−p u − 2√(p(p−1)), −p u + 2√(p(p−1))], about [0, 9.8] near the threshold of the 3-spin). Stops when
    every |P∇H|/√n < ``gtol`` or after ``max_steps``.

    Each step is one thin (B, n) × (n, n^{p−1}) product, memory-bound: on a small shared machine
    one BLAS thread is several times faster than two, so ``blas_threads=1`` by default (applied
    through threadpoolctl when it is installed; ``None`` leaves BLAS alone).
    """
    step = check("step", step, Real(0, None, low_open=True))
    max_steps = check("max_steps", max_steps, Integer(0, None))
    gtol = check("gtol", gtol, Real(0, None, low_open=True))
    n = h.n
    sigma = np.array(sigma0, dtype=h.couplings.dtype).reshape(n, -1)
    sigma *= math.sqrt(n) / np.linalg.norm(sigma, axis=0)
    steps = 0
    with _blas_threads(blas_threads):
        for steps in range(max_steps + 1):
            g = h.riemannian_gradient(sigma)
            gnorm = np.linalg.norm(g, axis=0) / math.sqrt(n)
            if np.all(gnorm < gtol) or steps == max_steps:
                break
            sigma = sigma - step * g
            sigma *= math.sqrt(n) / np.linalg.norm(sigma, axis=0)
        energy = h.energy(sigma) / n
    return DescentResult(sigma, np.asarray(energy, float), gnorm.astype(float), steps, gnorm < gtol)


@dataclass
class ThresholdCheck:
    """The record of one Monte-Carlo threshold check (statistics, sizes, thresholds, verdicts)."""

    n: int
    p: int
    samples: int
    starts: int
    e_inf: float
    energies: np.ndarray          # (samples, starts) reached energy per spin
    converged_fraction: float
    energy_tolerance: float
    ks_statistics: np.ndarray     # (samples, starts)
    ks_pvalues: np.ndarray
    lambda_min: np.ndarray        # smallest tangent Hessian eigenvalue at each reached point
    edge_tolerance: float
    eigenvalues: np.ndarray       # (samples, starts, n − 1) tangent Hessian spectra at the reached points
    details: dict = field(default_factory=dict)

    @property
    def mean_energy(self) -> float:
        return float(self.energies.mean())

    @property
    def energy_stderr(self) -> float:
        """Standard error over disorder samples of the per-sample mean (starts share a sample)."""
        per_sample = self.energies.mean(axis=1)
        if per_sample.size < 2:
            if self.energies.size < 2:
                return math.nan
            return float(self.energies.std(ddof=1) / math.sqrt(self.energies.size))
        return float(per_sample.std(ddof=1) / math.sqrt(per_sample.size))

    @property
    def energy_gap(self) -> float:
        """mean reached energy per spin − (−E_∞): positive when descent stopped above the threshold."""
        return self.mean_energy + self.e_inf

    @property
    def energy_passed(self) -> bool:
        return abs(self.energy_gap) <= self.energy_tolerance

    @property
    def ks_passed(self) -> bool:
        return bool(np.all(self.ks_pvalues >= KS_ALPHA))

    @property
    def edge_passed(self) -> bool:
        return bool(np.all(np.abs(self.lambda_min) <= self.edge_tolerance))

    @property
    def passed(self) -> bool:
        return self.energy_passed and self.ks_passed and self.edge_passed

    def summary(self) -> str:
        return (f"n={self.n} p={self.p} samples={self.samples} starts={self.starts}: "
                f"mean energy {self.mean_energy:.4f} ± {self.energy_stderr:.4f} vs -E_inf = {-self.e_inf:.4f} "
                f"(gap {self.energy_gap:+.4f}, tolerance {self.energy_tolerance:.4f}: "
                f"{'pass' if self.energy_passed else 'FAIL'}); "
                f"KS p-value min {self.ks_pvalues.min():.3g} (>= {KS_ALPHA}: {'pass' if self.ks_passed else 'FAIL'}); "
                f"lambda_min in [{self.lambda_min.min():.4f}, {self.lambda_min.max():.4f}] "
                f"(|.| <= {self.edge_tolerance:.4f}: {'pass' if self.edge_passed else 'FAIL'}); "
                f"converged {self.converged_fraction:.0%}")


def threshold_check(n: int, starts: int = 4, samples: int = 1, p: int = 3, rng=None,
                    step: float = 0.15, max_steps: int = 20000, gtol: float = 1e-6,
                    blas_threads: int | None = 1) -> ThresholdCheck:
    """Descend from ``starts`` random points on each of ``samples`` sampled Hamiltonians; judge the result.

    Returns a :class:`ThresholdCheck` with the criteria of the module docstring.
    """
    from rmtheory.kacrice.model import SphericalSpinGlass
    from rmtheory.laws.semicircle import Semicircle
    from rmtheory.stats import ks_test

    samples = check("samples", samples, Integer(1, None))
    starts = check("starts", starts, Integer(1, None))
    rng = np.random.default_rng(rng)
    model = SphericalSpinGlass(p)
    e_inf = model.energy_threshold()
    energies = np.zeros((samples, starts))
    ks_stat, ks_p, lam_min = (np.zeros((samples, starts)) for _ in range(3))
    spectra = np.zeros((samples, starts, n - 1))
    converged, total_steps = 0, []
    for s in range(samples):
        h = PSpinHamiltonian.sample(n, p, rng)
        res = gradient_descent(h, random_sphere_points(n, starts, rng), step, max_steps, gtol, blas_threads)
        energies[s] = res.energy_per_spin
        converged += int(res.converged.sum())
        total_steps.append(res.steps)
        for j in range(starts):
            lam = np.linalg.eigvalsh(h.tangent_hessian(res.sigma[:, j]))
            law = model.hessian_law(res.energy_per_spin[j])
            law = Semicircle(variance=law.variance * (n - 1) / n, center=law.center)
            test = ks_test(lam, law)
            ks_stat[s, j], ks_p[s, j], lam_min[s, j] = test.statistic, test.pvalue, lam[0]
            spectra[s, j] = lam
        del h
    return ThresholdCheck(n, p, samples, starts, e_inf, energies, converged / (samples * starts),
                          energy_tolerance(n), ks_stat, ks_p, lam_min, edge_tolerance(n, p), spectra,
                          {"step": step, "max_steps": max_steps, "gtol": gtol, "steps": total_steps})
