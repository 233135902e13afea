"""Scaling of a prediction with N, L, d, P, and the Tracy-Widom law of λ_max at finite size.

Tracy-Widom at a soft edge (edge universality: Erdős, Yau & Yin 2012, "Rigidity of eigenvalues of
generalized Wigner matrices", Adv. Math. 229, §2; Lee & Schnelli 2018, PTRF 171 for deformed
ensembles; for products / free convolutions it is the conjecture validated by experiment 8). If the
limit density near the upper edge λ₊ is ρ(x) ≈ (A/π)√(λ₊ − x), the largest eigenvalue of an n×n
matrix of the ensemble is

    λ_max ≈ λ₊ + (A n)^{−2/3} X,   X ~ TW_β (ensemble scaling of :class:`~rmtheory.TracyWidom`),

obtained by mapping the edge onto the semicircle's (ρ_sc(y) ≈ (1/π)√(2 − y) at y = 2, where
λ_max = 2 + n^{−2/3} X). For MP(c) this is Johnstone's leading-order scale (1 + √c)^{4/3} √c p^{−2/3}
(tested). A is read off the law's density at λ₊ − δ, δ = 10^{−4}, 10^{−5} × the width of the top
interval and extrapolated linearly in δ (ρ/√δ = A/π + O(δ)); a density whose ρ/√δ is not constant to
10 % there is not a square-root edge and raises :class:`~rmtheory.params.NoTheoryError`. An
outlier above the edge is not Tracy-Widom (it fluctuates O(n^{−1/2})).

Example (Marchenko-Pastur with ratio ¼ at n = 400: edge 2.25; Johnstone's leading-order scale)::

    >>> import rmtheory as rmt
    >>> tw = rmt.predict.tracy_widom_edge(rmt.MarchenkoPastur(0.25), 400)
    >>> round(tw.shift, 10), round(tw.scale / (1.5 ** (4 / 3) * 0.5 * 400 ** (-2 / 3)), 6)
    (2.25, 1.0)
"""

from __future__ import annotations

import math

import numpy as np

from rmtheory.params import Integer, NoTheoryError, OneOf, check

__all__ = ["tracy_widom_edge", "edge_prefactor", "scaling"]


def edge_prefactor(law) -> float:
    """A in ρ(x) ≈ (A/π)√(λ₊ − x) at the top edge λ₊ of ``law`` (module docstring)."""
    if not law.support:
        raise NoTheoryError("law", law.expression(), "a continuous part with a soft upper edge")
    a, b = law.support[-1]
    w = b - a
    ds = np.array([1e-4, 1e-5]) * w
    vals = np.pi * np.asarray(law.pdf(b - ds), float) / np.sqrt(ds)
    if not np.all(np.isfinite(vals)) or vals.min() <= 0 or abs(vals[0] / vals[1] - 1.0) > 0.1:
        raise NoTheoryError("law", law.expression(), "a square-root (soft) upper edge for Tracy-Widom",
                            f"ρ(λ₊ − δ)/√δ = {vals.tolist()} at δ = {ds.tolist()}")
    # linear extrapolation in δ to δ = 0
    return float(vals[1] - (vals[0] - vals[1]) * ds[1] / (ds[0] - ds[1]))


def tracy_widom_edge(law, n: int, *, beta: int = 1):
    """The law of λ_max of an n×n matrix whose limit spectrum is ``law``: λ₊ + (A n)^{−2/3}·TW_β,
    as an :class:`~rmtheory.laws.affine.AffineImage` of :class:`~rmtheory.TracyWidom`.

    A law of one number, not a spectrum: its ``sample(k)`` returns k independent draws of λ_max
    (as :class:`~rmtheory.TracyWidom`'s does), not the eigenvalues of one matrix.
    """
    from rmtheory.laws.affine import AffineImage
    from rmtheory.laws.tracy_widom import TracyWidom

    n = check("n", n, Integer(1, None))
    beta = check("beta", beta, OneOf((1, 2, 4)))
    A = edge_prefactor(law)
    top = law.support[-1][1]
    return AffineImage(TracyWidom(beta, scaling="ensemble"), scale=(A * n) ** (-2.0 / 3.0), shift=top)


def scaling(door, variable: str, values, **fixed) -> dict:
    """λ_max, the bulk edges and the trace of ``door(**fixed, variable=v)`` for each v, with the local
    exponents d log(·)/d log v between consecutive values.

    ``door`` is a front door (:func:`rmtheory.predict.hessian`, ``ggn``, ``jacobian``, ``gram``) or
    any prediction function taking keywords; the trace is E tr(M)/dim = the law's first moment (times
    the dimension where the prediction has one: ``trace_total``).

    Example (random-features Gram, d and N fixed: the trace per dimension E f² does not depend on P,
    the upper edge falls as the samples average out)::

        >>> import rmtheory.predict as rp
        >>> s = rp.scaling(rp.gram, "P", [400, 800], width=300, d=200, activation="tanh")
        >>> s["exponents"]["trace"], [round(e, 3) for e in s["exponents"]["upper_edge"]]
        ([0.0], [-0.223])
    """
    vals = list(values)
    if len(vals) < 2:
        raise NoTheoryError("values", vals, "at least two values of the variable")
    rows = {"lambda_max": [], "upper_edge": [], "lower_edge": [], "trace": [], "trace_total": []}
    for v in vals:
        p = door(**{**fixed, variable: v})
        edges = p.edges
        rows["lambda_max"].append(p.lambda_max)
        rows["upper_edge"].append(edges[-1][1] if edges else math.nan)
        rows["lower_edge"].append(edges[0][0] if edges else math.nan)
        tr = float(p.law.moment(1)) if p.law is not None else math.nan
        rows["trace"].append(tr)
        rows["trace_total"].append(tr * p.dimension if p.dimension else math.nan)
    x = np.log(np.asarray(vals, float))
    exps = {}
    for k, ys in rows.items():
        y = np.asarray(ys, float)
        with np.errstate(all="ignore"):
            exps[k] = (np.diff(np.log(np.abs(y))) / np.diff(x)).tolist()
    return {"variable": variable, "values": vals, **rows, "exponents": exps}
