"""Random-matrix samplers: the Monte-Carlo side of every law.

Normalization (the one ML-theory papers use, and the one every law in this library is stated in):
Wigner matrices have E|H_ij|² = 1/n off the diagonal, so their spectrum fills [−2, 2]
(semicircle of variance 1) for every β; Wishart matrices are W = X X^*/n with X of size p×n and
E|X_ij|² = 1, so their spectrum follows Marchenko-Pastur with ratio p/n and variance 1.

* Dense models: :func:`goe`, :func:`gue`, :func:`gse`, :func:`wishart` (real or complex) return
  matrices; :func:`eigenvalues` returns sorted eigenvalues (GSE's Kramers pairs counted once).
* Tridiagonal models (Dumitriu & Edelman 2002, "Matrix models for beta ensembles", J. Math. Phys. 43,
  Thms 2.12 and 3.4): :func:`beta_hermite_eigenvalues` and :func:`beta_laguerre_eigenvalues` give the
  eigenvalues of the β-Hermite and β-Laguerre ensembles for any β > 0 in O(n²) time and O(n) memory,
  so spectra of size 10⁵ need no dense matrix.

Example::

    >>> import numpy as np
    >>> from rmtheory import ensembles
    >>> lam = ensembles.beta_hermite_eigenvalues(2000, beta=2, rng=0)
    >>> bool(abs(lam.max() - 2) < 0.05)
    True
"""

from __future__ import annotations

import math

import numpy as np
from scipy import linalg

from rmtheory.params import Integer, OneOf, Real, check

__all__ = [
    "goe", "gue", "gse", "wishart", "eigenvalues",
    "beta_hermite_eigenvalues", "beta_laguerre_eigenvalues",
    "wigner_edge", "wishart_edge", "beta_hermite_largest", "beta_laguerre_largest",
]

_POSITIVE_INT = Integer(1, None)
_BETA = Real(0, None, low_open=True)


def goe(n: int, rng=None) -> np.ndarray:
    """Real symmetric n×n with E H_ij² = 1/n (i ≠ j) and E H_ii² = 2/n."""
    n = check("n", n, _POSITIVE_INT)
    rng = np.random.default_rng(rng)
    a = rng.standard_normal((n, n))
    return (a + a.T) / np.sqrt(2.0 * n)


def gue(n: int, rng=None) -> np.ndarray:
    """Complex Hermitian n×n with E|H_ij|² = 1/n for all i, j."""
    n = check("n", n, _POSITIVE_INT)
    rng = np.random.default_rng(rng)
    a = (rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))) / np.sqrt(2.0)
    return (a + a.conj().T) / np.sqrt(2.0 * n)


def gse(n: int, rng=None) -> np.ndarray:
    """Quaternion self-dual n×n as a 2n×2n complex Hermitian matrix.

    Quaternion entries have E‖H_ij‖² = 1/n off the diagonal and real diagonal of variance 1/(2n), so
    the n distinct eigenvalues (each doubly degenerate) fill [−2, 2].
    """
    n = check("n", n, _POSITIVE_INT)
    rng = np.random.default_rng(rng)

    def cplx():
        return (rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))) / np.sqrt(2.0)

    a, b = cplx(), cplx()
    m = np.block([[a, b], [-b.conj(), a.conj()]])
    return (m + m.conj().T) / (2.0 * np.sqrt(n))


def wishart(p: int, n: int, rng=None, *, complex: bool = False) -> np.ndarray:
    """W = X X^*/n with X of size p×n, iid entries of variance E|X_ij|² = 1 (real or complex)."""
    p = check("p", p, _POSITIVE_INT)
    n = check("n", n, _POSITIVE_INT)
    rng = np.random.default_rng(rng)
    if complex:
        x = (rng.standard_normal((p, n)) + 1j * rng.standard_normal((p, n))) / np.sqrt(2.0)
    else:
        x = rng.standard_normal((p, n))
    return (x @ x.conj().T) / n


def eigenvalues(matrix: np.ndarray, *, quaternion: bool = False) -> np.ndarray:
    """Sorted eigenvalues of a Hermitian matrix; with ``quaternion=True`` each Kramers pair once."""
    lam = linalg.eigvalsh(matrix)
    return lam[::2] if quaternion else lam


def beta_hermite_eigenvalues(n: int, beta: float = 1.0, rng=None) -> np.ndarray:
    """Eigenvalues of the n×n β-Hermite ensemble in the semicircle-on-[−2, 2] normalization.

    Dumitriu-Edelman (2002), Thm 2.12: H = (1/√2) tridiag with diagonal N(0, 2) and off-diagonal
    χ_{β(n−1)}, …, χ_β has eigenvalue density ∝ Π|λ_i − λ_j|^β exp(−Σλ²/2); multiplying by
    √(2/(βn)) puts the spectrum on [−2, 2]. For β = 1, 2, 4 these are the GOE, GUE, GSE spectra.
    """
    n = check("n", n, _POSITIVE_INT)
    beta = check("beta", beta, _BETA)
    rng = np.random.default_rng(rng)
    scale = np.sqrt(2.0 / (beta * n))
    diagonal = rng.standard_normal(n) * scale  # N(0, 2)/√2 = N(0, 1)
    dof = beta * np.arange(n - 1, 0, -1, dtype=float)
    off = np.sqrt(rng.chisquare(dof)) / np.sqrt(2.0) * scale if n > 1 else np.empty(0)
    if n == 1:
        return diagonal.copy()
    return linalg.eigvalsh_tridiagonal(diagonal, off, check_finite=False)


def beta_laguerre_eigenvalues(p: int, n: int, beta: float = 1.0, rng=None) -> np.ndarray:
    """Eigenvalues of the p×p β-Laguerre (Wishart) ensemble W = X X^*/n, X of size p×n.

    Dumitriu-Edelman (2002), Thm 3.4: with B lower bidiagonal, diagonal χ_{βn}, χ_{β(n−1)}, …,
    χ_{β(n−p+1)} and sub-diagonal χ_{β(p−1)}, …, χ_β, the eigenvalues of B Bᵀ/(βn) are those of
    X X^*/n with E|X_ij|² = 1 (real for β = 1, complex for β = 2). When p > n the p − n zero
    eigenvalues are returned as exact zeros and the n nonzero ones come from the n×n model with p
    degrees of freedom (XᵀX and XXᵀ share their nonzero spectrum).
    """
    p = check("p", p, _POSITIVE_INT)
    n = check("n", n, _POSITIVE_INT)
    beta = check("beta", beta, _BETA)
    rng = np.random.default_rng(rng)
    dim, dof = (p, n) if p <= n else (n, p)
    diag = np.sqrt(rng.chisquare(beta * np.arange(dof, dof - dim, -1, dtype=float)))
    sub = np.sqrt(rng.chisquare(beta * np.arange(dim - 1, 0, -1, dtype=float))) if dim > 1 else np.empty(0)
    # T = B Bᵀ is tridiagonal: T_ii = d_i² + s_{i-1}², T_{i,i+1} = d_i s_i
    t_diag = diag**2
    t_diag[1:] += sub**2
    t_off = diag[:-1] * sub
    lam = (linalg.eigvalsh_tridiagonal(t_diag, t_off, check_finite=False) if dim > 1 else t_diag.copy())
    lam = np.maximum(lam, 0.0) / (beta * n)
    if p > n:
        lam = np.concatenate([np.zeros(p - n), lam])
    return np.sort(lam)


# --------------------------------------------------------------------------- the largest eigenvalue
# its centring and scaling constants (the Tracy-Widom edge of each ensemble) and fast samplers of it
def wigner_edge(n: int, beta: int, *, order: int = 2) -> tuple[float, float]:
    """(μ_n, σ_n) with λ_max ≈ μ_n + σ_n·TW_β (ensemble scaling) for a Wigner matrix of size n.

    ``order=1``: the leading-order constants (2, n^{−2/3}); ``order=2`` (default): n' = n + ½ − 1/β.
    """
    n = check("n", n, _POSITIVE_INT)
    beta = check("beta", beta, OneOf((1, 2, 4)))
    order = check("order", order, OneOf((1, 2)))
    n_eff = n + (0.5 - 1.0 / beta if order == 2 else 0.0)
    return 2.0 * math.sqrt(n_eff / n), n_eff ** (-1.0 / 6.0) / math.sqrt(n)


def wishart_edge(p: int, n: int, beta: int, *, order: int = 2) -> tuple[float, float]:
    """(μ, σ) with λ_max(X Xᵀ/n) ≈ μ + σ·TW_β for X of size p×n, real (β = 1) or complex (β = 2).

    ``order=1``: Johnstone (2001) / Johansson (2000), (n', p') = (n − 1, p) real, (n, p) complex;
    ``order=2`` (default): (n − ½, p − ½) real (Ma 2012), (n, p) complex.
    """
    p = check("p", p, _POSITIVE_INT)
    n = check("n", n, _POSITIVE_INT)
    beta = check("beta", beta, OneOf((1, 2)))
    order = check("order", order, OneOf((1, 2)))
    if beta == 1:
        n_eff, p_eff = (n - 0.5, p - 0.5) if order == 2 else (n - 1.0, float(p))
    else:
        n_eff, p_eff = float(n), float(p)
    if min(n_eff, p_eff) <= 0:
        raise ValueError(f"p = {p}, n = {n}: too small for the Tracy-Widom edge scaling (need p, n ≥ 2)")
    root = math.sqrt(n_eff) + math.sqrt(p_eff)
    mu = root**2
    sigma = root * (1.0 / math.sqrt(n_eff) + 1.0 / math.sqrt(p_eff)) ** (1.0 / 3.0)
    return mu / n, sigma / n


# --------------------------------------------------------------------------- samplers
def _largest_tridiagonal(diag: np.ndarray, off: np.ndarray) -> np.ndarray:
    """Largest eigenvalue of each symmetric tridiagonal matrix (rows of ``diag`` and ``off``)."""
    k = diag.shape[1]
    out = np.empty(diag.shape[0])
    for i in range(diag.shape[0]):
        if k == 1:
            out[i] = diag[i, 0]
        else:
            out[i] = linalg.eigvalsh_tridiagonal(diag[i], off[i], select="i", select_range=(k - 1, k - 1),
                                                 check_finite=False)[0]
    return out


def beta_hermite_largest(n: int, beta: float, size: int = 1, rng=None, *, block: int | None = None):
    """λ_max of ``size`` independent n×n β-Hermite matrices, semicircle-on-[−2, 2] normalization.

    Same model as :func:`rmtheory.ensembles.beta_hermite_eigenvalues` (Dumitriu & Edelman 2002,
    Thm 2.12), restricted to the top-left ``block`` rows, by default k = min(n, ⌈10·n^{1/3}⌉): the top
    eigenvector is localized in the first O(n^{1/3}) coordinates, so the truncation is invisible
    (Edelman & Persson 2005, §3; tested to 1e-12 against the full matrix).
    """
    n = check("n", n, _POSITIVE_INT)
    size = check("size", size, _POSITIVE_INT)
    rng = np.random.default_rng(rng)
    if block is None:
        k = min(n, int(math.ceil(10.0 * n ** (1.0 / 3.0))))
    else:
        k = min(n, check("block", block, _POSITIVE_INT))
    scale = math.sqrt(2.0 / (beta * n))
    diag = rng.standard_normal((size, k)) * scale
    dof = beta * np.arange(n - 1, n - k, -1, dtype=float)  # χ_{β(n−1)}, …, χ_{β(n−k+1)}
    off = np.sqrt(rng.chisquare(dof, size=(size, k - 1))) * (scale / math.sqrt(2.0))
    return _largest_tridiagonal(diag, off)


def beta_laguerre_largest(p: int, n: int, beta: float, size: int = 1, rng=None):
    """λ_max of ``size`` independent W = X Xᵀ/n, X of size p×n (β = 1 real, 2 complex entries).

    The β-Laguerre bidiagonal model of :func:`rmtheory.ensembles.beta_laguerre_eigenvalues`
    (Dumitriu & Edelman 2002, Thm 3.4): T = B Bᵀ tridiagonal, λ(W) = λ(T)/(βn).
    """
    p = check("p", p, _POSITIVE_INT)
    n = check("n", n, _POSITIVE_INT)
    size = check("size", size, _POSITIVE_INT)
    rng = np.random.default_rng(rng)
    dim, dof = (p, n) if p <= n else (n, p)
    d = np.sqrt(rng.chisquare(beta * np.arange(dof, dof - dim, -1, dtype=float), size=(size, dim)))
    if dim > 1:
        sub = np.sqrt(rng.chisquare(beta * np.arange(dim - 1, 0, -1, dtype=float), size=(size, dim - 1)))
    else:
        sub = np.empty((size, 0))
    t_diag = d**2
    t_diag[:, 1:] += sub**2
    t_off = d[:, :-1] * sub
    return _largest_tridiagonal(t_diag, t_off) / (beta * n)
