"""Free-probability transforms: free cumulants ↔ moments, R- and S-transforms, moments of ⊞ and ⊠.

Conventions (Nica & Speicher 2006, "Lectures on the Combinatorics of Free Probability", Lectures
11–18; Voiculescu, Dykema & Nica 1992):

* Cauchy transform G(z) = ∫ dμ(x)/(z − x) = −g(z), with g the library's Stieltjes transform.
* R-transform: G(R(w) + 1/w) = w, R(w) = Σ_{n≥1} κ_n w^{n−1} (κ_n the free cumulants), so
  R_{μ⊞ν} = R_μ + R_ν.
* S-transform: ψ(z) = Σ_{k≥1} m_k z^k, χ = ψ^{⟨−1⟩}, S(z) = χ(z)(1 + z)/z (needs m_1 ≠ 0), so
  S_{μ⊠ν} = S_μ S_ν.
* Moment-cumulant relation M(z) = C(z M(z)) with M = 1 + Σ m_n z^n, C = 1 + Σ κ_n z^n
  (Nica-Speicher Thm 11.16 / Prop 16.? in functional form). It uses only + and ×, so exact
  inputs (int, ``fractions.Fraction``, sympy ``Rational``) give exact outputs.
* Moments of a product of free variables (Nica-Speicher Thm 14.4):
  m_n(ab) = Σ_{π ∈ NC(n)} κ_π[a] · m_{K(π)}[b], K the Kreweras complement; valid whatever the means.

Example::

    >>> from fractions import Fraction
    >>> moments_to_free_cumulants([0, 1, 0, 2, 0, 5])   # semicircle: κ_2 = 1, others 0
    [0, 1, 0, 0, 0, 0]
    >>> free_cumulants_to_moments([Fraction(1), Fraction(1, 2), Fraction(1, 4)])  # MP(1/2): κ_n = c^{n−1}
    [Fraction(1, 1), Fraction(3, 2), Fraction(11, 4)]
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import numpy as np

from rmtheory.laws.base import exact_number  # noqa: F401 - part of this module's interface

__all__ = [
    "moments_to_free_cumulants", "free_cumulants_to_moments", "add_free_cumulants",
    "product_moments", "exact_number", "r_transform", "s_transform",
]


def _series_power_coeffs(coeffs: list, power: int, order: int) -> list:
    """Coefficients [z^0..z^order] of (Σ coeffs[i] z^i)^power, generic arithmetic."""
    zero = coeffs[0] * 0
    result = [zero] * (order + 1)
    result[0] = zero + 1
    for _ in range(power):
        new = [zero] * (order + 1)
        for i, ri in enumerate(result):
            if ri == 0:
                continue
            for j in range(0, order + 1 - i):
                if j < len(coeffs) and coeffs[j] != 0:
                    new[i + j] = new[i + j] + ri * coeffs[j]
        result = new
    return result


def moments_to_free_cumulants(moments: Sequence) -> list:
    """[m_1..m_K] → [κ_1..κ_K] from m_n = Σ_{s=1}^n κ_s [z^{n−s}] M(z)^s."""
    m = list(moments)
    K = len(m)
    if K == 0:
        return []
    one = m[0] * 0 + 1
    series = [one] + m  # M(z)
    kappa = []
    for n in range(1, K + 1):
        # m_n = κ_n + Σ_{s<n} κ_s [z^{n−s}] M^s
        acc = m[n - 1]
        for s, ks in enumerate(kappa, start=1):
            acc = acc - ks * _series_power_coeffs(series, s, n - s)[n - s]
        kappa.append(acc)
    return kappa


def free_cumulants_to_moments(cumulants: Sequence) -> list:
    """[κ_1..κ_K] → [m_1..m_K], the inverse of :func:`moments_to_free_cumulants`."""
    kappa = list(cumulants)
    K = len(kappa)
    if K == 0:
        return []
    one = kappa[0] * 0 + 1
    m: list = []
    for n in range(1, K + 1):
        series = [one] + m + [one * 0] * (K - len(m))
        acc = one * 0
        for s in range(1, n + 1):
            acc = acc + kappa[s - 1] * _series_power_coeffs(series, s, n - s)[n - s]
        m.append(acc)
    return m


def add_free_cumulants(a: Sequence, b: Sequence) -> list:
    """Free cumulants of μ ⊞ ν: they add."""
    return [x + y for x, y in zip(a, b)]


# ----------------------------------------------------------------- non-crossing partitions
@lru_cache(maxsize=None)
def _noncrossing_partitions(n: int) -> tuple:
    """All non-crossing partitions of {0..n−1} as tuples of blocks (tuples), Catalan(n) of them."""
    if n == 0:
        return ((),)
    out = []
    # the block containing 0 is {0} ∪ S; elements between consecutive members of the block form
    # independent non-crossing partitions (the standard recursive decomposition)
    def blocks_with_zero(rest_start, current):
        yield current
        for nxt in range(rest_start, n):
            yield from blocks_with_zero(nxt + 1, current + (nxt,))

    for block in blocks_with_zero(1, (0,)):
        gaps = []
        members = list(block) + [n]
        for left, right in zip(members[:-1], members[1:]):
            gaps.append(tuple(range(left + 1, right)))
        partial = [()]
        for gap in gaps:
            sub = _noncrossing_partitions(len(gap))
            partial = [p + tuple(tuple(gap[i] for i in blk) for blk in q) for p in partial for q in sub]
        out.extend((block,) + p for p in partial)
    return tuple(out)


@lru_cache(maxsize=None)
def _kreweras_block_sizes(n: int) -> tuple:
    """For each π ∈ NC(n): (block sizes of π, block sizes of its Kreweras complement K(π))."""
    result = []
    for pi in _noncrossing_partitions(n):
        # K(π) on points 0'..n−1' interleaved 0 < 0' < 1 < 1' < ...: the coarsest partition of the
        # primed points such that π ∪ K(π) is non-crossing. i' and j' (i < j) can share a block iff
        # no block of π separates them, i.e. no block has an element in (i, j] and one outside it.
        parent = list(range(n))

        def find(i, parent=parent):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for block in pi:
            # within a block b_1 < ... < b_k, the primed points b_t − 1' ... are joined: K(π)
            # contains blocks {b_1', ...} built from cyclic successors: b_t' ~ (b_{t+1} − 1)'
            k = len(block)
            for t in range(k):
                a = block[t]
                b = block[(t + 1) % k] - 1
                b %= n
                parent[find(a)] = find(b)
        sizes_k = {}
        for i in range(n):
            r = find(i)
            sizes_k[r] = sizes_k.get(r, 0) + 1
        result.append((tuple(len(b) for b in pi), tuple(sorted(sizes_k.values()))))
    return tuple(result)


def product_moments(cumulants_a: Sequence, moments_b: Sequence, order: int) -> list:
    """[m_1..m_order] of ab with a, b free: m_n = Σ_{π∈NC(n)} κ_π[a] m_{K(π)}[b] (exact arithmetic)."""
    out = []
    for n in range(1, order + 1):
        acc = cumulants_a[0] * 0
        for sizes_pi, sizes_k in _kreweras_block_sizes(n):
            term = cumulants_a[0] * 0 + 1
            for s in sizes_pi:
                term = term * cumulants_a[s - 1]
            for s in sizes_k:
                term = term * moments_b[s - 1]
            acc = acc + term
        out.append(acc)
    return out


# ----------------------------------------------------------------- transforms of a law
def r_transform(law, w):
    """R(w) = G^{⟨−1⟩}(w) − 1/w for small complex w, by Newton on G(z) = w from z ≈ 1/w + κ_1.

    Valid inside the disc where G is univalent near infinity (|w| below roughly 1/(spread of μ)).
    """
    w = np.asarray(w, dtype=complex)
    m1 = float(law.moment(1))
    var = float(law.moment(2)) - m1 * m1
    z = 1.0 / w + m1 + var * w
    for _ in range(100):
        G = -np.asarray(law.stieltjes(z), dtype=complex)
        dG = -np.asarray(law.stieltjes_derivative(z), dtype=complex)
        step = (G - w) / dG
        z = z - step
        if np.all(np.abs(step) <= 1e-15 * np.abs(z)):
            break
    out = z - 1.0 / w
    return out[()] if out.ndim == 0 else out


def s_transform(law, z):
    """S(z) = χ(z)(1 + z)/z, χ the inverse of ψ(u) = Σ m_k u^k = u^{-1}G(u^{-1}) − 1, near z = 0.

    Needs m_1 ≠ 0. Solved by Newton on ψ(u) = z from u ≈ z/m_1.
    """
    z = np.asarray(z, dtype=complex)
    m1 = float(law.moment(1))
    if m1 == 0:
        raise ValueError("the S-transform needs a law with nonzero mean (m_1 = 0 here)")
    m2 = float(law.moment(2))
    u = z / m1 - (m2 / m1**3) * z * z
    for _ in range(100):
        w = 1.0 / u
        G = -np.asarray(law.stieltjes(w), dtype=complex)
        dG = -np.asarray(law.stieltjes_derivative(w), dtype=complex)
        psi = w * G - 1.0
        dpsi = -w * w * (G + w * dG)  # d/du [w G(w)] with w = 1/u
        step = (psi - z) / dpsi
        u = u - step
        if np.all(np.abs(step) <= 1e-15 * np.abs(u)):
            break
    out = u * (1.0 + z) / z
    return out[()] if out.ndim == 0 else out
