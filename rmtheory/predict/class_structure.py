"""Outliers of the Gauss-Newton matrix (and Hessian) of a classifier from its class structure.

Papyan (2019), "Measurements of three-level hierarchical structure in the outliers in the spectrum
of deepnet Hessians", ICML, §2-§3; Papyan (2020), "Traces of class/cross-class structure pervade deep
learning spectra", JMLR 21(252), §2-§4. For C classes with frequencies π_c, P samples and n
parameters, write the Gauss-Newton matrix as G = (1/P) Σ_i Σ_{c'} g_{ic'} g_{ic'}ᵀ with
g_{ic'} = J_iᵀ A_i^{1/2} e_{c'} (A_i the Hessian of the loss in the logits: diag p_i − p_i p_iᵀ for
cross-entropy, whose square root gives √p_{ic'}(e_{c'} − p_i) up to the p_i-term; I for MSE). With
the class means δ_{c,c'} = mean over samples i of class c of g_{ic'}, the variance decomposition is
exact (the within-class deviations average to zero inside each class):

    G = G_{1+2} + G_3,   G_{1+2} = Σ_{c,c'} π_c δ_{c,c'} δ_{c,c'}ᵀ,   G_3 = within-class part,
    G_{1+2} = G_1 + G_2,  G_1 = Σ_{c'} δ_{c'} δ_{c'}ᵀ,  δ_{c'} = Σ_c π_c δ_{c,c'}   (C "class" means),
                          G_2 = Σ_{c,c'} π_c (δ_{c,c'} − δ_{c'})(δ_{c,c'} − δ_{c'})ᵀ (C(C − 1) cross-class).

With the C² × C² Gram matrix Γ_{(c,c'),(d,d')} = √(π_c π_d) ⟨δ_{c,c'}, δ_{d,d'}⟩ (what
``class_mean_gram`` takes), the nonzero eigenvalues μ_j of G_{1+2} are those of Γ; those of G_1 are
those of A Γ Aᵀ with A_{c',(c,c')} = √π_c (orthonormal rows), and those of G_2 of (I − AᵀA) Γ (I − AᵀA).

Prediction. G_{1+2} = Σ_j μ_j u_j u_jᵀ (u_j orthonormal) is a finite-rank additive perturbation of
G_3. Given the law of G_3 (``bulk``), the outliers are those of the additive spiked model with spikes
θ_j = μ_j (Benaych-Georges & Nadakuditi 2011, via :func:`rmtheory.spiked_outliers`), assuming G_3
orthogonally invariant relative to the u_j: every μ_j above the BBP threshold gives one outlier.
Without ``bulk`` the count is Papyan's top level of the hierarchy — the rank of G_1: C, or C − 1 when
the class means are linearly dependent (cross-entropy with constant p_i, e.g. near initialization,
where Σ_{c'} √p_{c'} g_{ic'} = 0) — at the leading-order locations, the eigenvalues of G_1 (valid
when they are far above the bulk and the cross-class part is small); with ``bulk`` each spike is
labelled class or cross-class by the share of its eigenvector in the class-mean directions; the
C(C − 1) cross-class eigenvalues of G_2 are reported in ``quantities``
but not counted (Papyan 2020, §4: they separate only where they exceed the within-class bulk, which
needs ``bulk``). Without a Gram matrix only the count C is given. For ``matrix="hessian"`` the
outliers are those of G (Papyan 2019, §2: H = G + H_residual, whose outliers are G's): an assumption.

Example (C = 3, Γ with eigenvalues 9, 4, 1, on a Marchenko-Pastur bulk MP(c = 0.5): the additive
BBP outlier of θ on MP(c) is θ + θ/(θ − c) above the threshold θ_c = c + √c ≈ 1.207, so 9 and 4
separate, at 10.0588 and 5.1429, and 1 does not)::

    >>> import numpy as np, rmtheory as rmt
    >>> gram = np.diag([9.0, 0, 0, 0, 4.0, 0, 0, 0, 1.0])
    >>> p = rmt.predict.class_outliers(classes=3, class_mean_gram=gram, bulk=rmt.MarchenkoPastur(0.5))
    >>> [round(o.location, 6) for o in p.outliers], round(p.quantities["bbp_threshold"], 6)
    ([5.142857, 10.058824], 1.207107)
"""

from __future__ import annotations

import numpy as np

from rmtheory.params import Integer, OneOf, ParameterError, check
from rmtheory.predict._deprecation import renamed_keywords
from rmtheory.predict.record import OutlierPrediction, Prediction

__all__ = ["class_outliers"]

MATRICES = ("ggn", "hessian")
LOSSES = ("cross_entropy", "mse")
SOURCE = ("Papyan (2019), Measurements of three-level hierarchical structure in the outliers in the spectrum of "
          "deepnet Hessians, ICML, §2-§3; Papyan (2020), Traces of class/cross-class structure pervade deep learning "
          "spectra, JMLR 21(252), §2-§4 (G = G_1 + G_2 + G_3); outlier locations by the additive BBP equation "
          "G_bulk(ρ) = 1/θ (Benaych-Georges & Nadakuditi 2011, §2)")


def _rank_tol(eigs, scale):
    return int(np.sum(eigs > 1e-8 * max(scale, 1e-300)))


@renamed_keywords(parameters="n", samples="P")
def class_outliers(classes: int, *, matrix: str = "ggn", loss: str = "cross_entropy", class_mean_gram=None,
                   class_weights=None, bulk=None, n: int | None = None, P: int | None = None) -> Prediction:
    """Number and locations of the class-structure outliers of the GGN / Hessian (module docstring).

    ``class_mean_gram``: the C² × C² Gram matrix Γ of the class means δ_{c,c'} (index c·C + c'),
    weighted by √(π_c π_d); ``class_weights``: π (default: balanced classes); ``bulk``: the law of the
    within-class part G_3 (a :class:`~rmtheory.laws.base.SpectralLaw`), which makes the count a BBP
    statement; ``n`` (the number of parameters, the matrix's dimension) and ``P`` (the number of
    samples): recorded (the keywords parameters=, samples= are deprecated).
    """
    C = check("classes", classes, Integer(2, None))
    matrix = check("matrix", matrix, OneOf(MATRICES))
    loss = check("loss", loss, OneOf(LOSSES))
    if n is not None:
        n = check("n", n, Integer(1, None))
    if P is not None:
        P = check("P", P, Integer(1, None))
    if class_weights is None:
        pi = np.full(C, 1.0 / C)
    else:
        pi = np.asarray(class_weights, float).ravel()
        if pi.size != C or not np.all(np.isfinite(pi)) or np.any(pi < 0) or pi.sum() <= 0:
            raise ParameterError("class_weights", class_weights, f"{C} nonnegative finite numbers, not all 0")
        pi = pi / pi.sum()
    if bulk is not None and not hasattr(bulk, "stieltjes"):
        raise ParameterError("bulk", bulk, "a SpectralLaw (the law of the within-class part G_3)")
    assumptions = [
        "G = G_{1+2} + G_3 exactly (class-mean / within-class decomposition of the per-sample gradients)",
        "the outlier directions u_j of G_{1+2} are in generic (orthogonally invariant) position relative to G_3",
    ]
    if matrix == "hessian":
        assumptions.append("the Hessian's outliers are those of its Gauss-Newton part (Papyan 2019, §2)")
    params = {"classes": C, "matrix": matrix, "loss": loss, "n": n, "P": P,
              "class_weights": pi.tolist(), "bulk": None if bulk is None else bulk.expression()}
    name = {"ggn": "the Gauss-Newton matrix G", "hessian": "the Hessian H"}[matrix]
    if class_mean_gram is None:
        outs = (OutlierPrediction(None, C, f"{C} class means (G_1), Papyan 2019", tolerance="count only"),)
        assumptions.append(f"no class-mean Gram matrix given: the count C = {C} of Papyan's top level "
                           "(C − 1 where the class means are linearly dependent, e.g. cross-entropy at init)")
        return Prediction(matrix=f"{name} of a {C}-class classifier ({loss} loss)", law=bulk, outliers=outs,
                          quantities={"class_rank": C}, assumptions=tuple(assumptions), source=SOURCE,
                          parameters=params, dimension=n)

    gram = np.asarray(class_mean_gram, float)
    if gram.shape != (C * C, C * C) or not np.all(np.isfinite(gram)):
        raise ParameterError("class_mean_gram", f"array of shape {gram.shape}",
                             f"a finite {C * C}×{C * C} (C² × C²) symmetric matrix")
    if not np.allclose(gram, gram.T, rtol=1e-8, atol=1e-12 * max(np.abs(gram).max(), 1e-300)):
        raise ParameterError("class_mean_gram", "a nonsymmetric matrix", "a symmetric Gram matrix")
    gram = 0.5 * (gram + gram.T)
    A = np.zeros((C, C * C))
    for c in range(C):
        for c2 in range(C):
            A[c2, c * C + c2] = np.sqrt(pi[c])
    Q = np.eye(C * C) - A.T @ A
    vals, vecs = np.linalg.eigh(gram)
    order = np.argsort(vals)[::-1]
    mu, vecs = vals[order], vecs[:, order]
    # share of each eigenvector of G_{1+2} in the class-mean directions (A has orthonormal rows):
    # ≥ 1/2 labels a spike "class", else "cross-class" — by direction, not by its rank in size
    class_share = np.sum((A @ vecs) ** 2, axis=0)
    mu1 = np.sort(np.linalg.eigvalsh(A @ gram @ A.T))[::-1]
    mu2 = np.sort(np.linalg.eigvalsh(Q @ gram @ Q))[::-1]
    scale = float(mu[0]) if mu.size else 0.0
    rank_total = _rank_tol(mu, scale)
    rank1 = _rank_tol(mu1, scale)
    quantities = {"class_mean_eigenvalues": mu[:rank_total].tolist(),
                  "class_eigenvalues": mu1[:rank1].tolist(),
                  "cross_class_eigenvalues": mu2[:_rank_tol(mu2, scale)].tolist(),
                  "class_rank": rank1}
    outs = []
    if bulk is None:
        for j in range(rank1):
            outs.append(OutlierPrediction(float(mu1[j]), 1, f"class means (G_1), eigenvalue {j + 1} of {rank1}",
                                          tolerance="leading order: exact as the bulk scale / μ_j → 0 and "
                                                    "the cross-class part → 0"))
        assumptions.append("no bulk law given: locations are the eigenvalues of G_1 (leading order, spikes far "
                           "above the bulk and the cross-class part small); the count is the rank of G_1 "
                           "(cross-class not counted)")
    else:
        from rmtheory.free.outliers import spiked_outliers

        spikes = [float(m) for m in mu[:rank_total]]
        records = spiked_outliers(bulk, spikes, kind="additive") if spikes else []
        for j, rec in enumerate(records):
            if rec.separated:
                src = "class means (G_1)" if class_share[j] >= 0.5 else "cross-class means (G_2)"
                outs.append(OutlierPrediction(float(rec.location), 1,
                                              f"{src}, spike θ = {rec.theta:.6g}, class share {class_share[j]:.2f}",
                                              overlap=float(rec.overlap), threshold=float(rec.threshold),
                                              tolerance="O(n^{-1/2}) fluctuation at finite n"))
        quantities["bbp_threshold"] = float(records[0].threshold) if records else None
    outs.sort(key=lambda o: o.location)
    return Prediction(matrix=f"{name} of a {C}-class classifier ({loss} loss), n = {n} parameters",
                      law=bulk, outliers=tuple(outs), quantities=quantities, assumptions=tuple(assumptions),
                      source=SOURCE, tolerance=1e-10, parameters=params, dimension=n)
