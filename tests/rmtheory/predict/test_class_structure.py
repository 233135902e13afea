"""Class-structure outliers (Papyan 2019/2020) against Monte-Carlo Gauss-Newton-like matrices built
from spiked class means in numpy: G = (1/P) Σ_i Σ_c' g_ic' g_ic'ᵀ, g_ic' = δ_{y_i,c'} + noise."""

from __future__ import annotations

import numpy as np
import pytest

import rmtheory as rmt
import rmtheory.predict as P
from rmtheory.params import ParameterError
from rmtheory.stats import ks_test

C, N, PC, S2 = 4, 400, 150, 0.25          # classes, parameters n, samples per class, noise variance


def simulate(rng, class_norms, cross_norm):
    """G, the weighted Gram of the sample class means (index c·C + c'), and the bulk law of G_3."""
    P_total = C * PC
    delta = np.empty((C, C, N))
    for c in range(C):
        for c2 in range(C):
            u = rng.standard_normal(N)
            delta[c, c2] = (class_norms[c] if c == c2 else cross_norm) * u / np.linalg.norm(u)
    g = delta[:, None, :, :] + np.sqrt(S2) * rng.standard_normal((C, PC, C, N))   # (class, sample, c', n)
    flat = g.reshape(-1, N)
    G = flat.T @ flat / P_total
    means = g.mean(axis=1).reshape(C * C, N) * np.sqrt(1.0 / C)                    # √π_c δ̂_{c,c'}
    gram = means @ means.T
    dof = C * (P_total - C)            # within-class residuals: Wishart with C(P − C) degrees of freedom
    bulk = rmt.MarchenkoPastur(N / dof, variance=dof * S2 / P_total)
    return np.linalg.eigvalsh(G), gram, bulk


def test_spiked_class_means_monte_carlo():
    rng = np.random.default_rng(2019)
    lam, gram, bulk = simulate(rng, class_norms=[4.0, 3.5, 3.0, 2.5], cross_norm=0.6)
    p = P.class_outliers(classes=C, matrix="ggn", loss="mse", class_mean_gram=gram, bulk=bulk,
                         n=N, P=C * PC)
    predicted = np.array([o.location for o in p.outliers])
    assert sum(o.count for o in p.outliers) == C                 # the 4 class spikes; cross-class below BBP
    edge = bulk.support[0][1]
    measured = np.sort(lam[lam > edge + 0.1])
    assert measured.size == C
    # outlier fluctuations are O(n^{-1/2}) relative (BGN 2011): 5 % of the location is ≥ 3σ at n = 400
    np.testing.assert_allclose(measured, predicted, rtol=0.05)
    # the rest follows the within-class bulk
    assert not ks_test(lam[:-C], bulk).rejects(0.01)
    # without the bulk: the count is the rank of G_1 and the locations the spikes themselves
    q = P.class_outliers(classes=C, class_mean_gram=gram)
    assert q.quantities["class_rank"] == C and sum(o.count for o in q.outliers) == C


def test_dependent_class_means_give_c_minus_one():
    # class means δ_{c'} = Σ_c π_c δ_{c,c'} summing to zero (softmax at constant p): rank C − 1
    rng = np.random.default_rng(7)
    v = rng.standard_normal((C, C, 50))
    v -= v.mean(axis=(0, 1), keepdims=True)                     # Σ_{c,c'} δ_{c,c'} = 0
    means = v.reshape(C * C, 50) * np.sqrt(1.0 / C)
    p = P.class_outliers(classes=C, class_mean_gram=means @ means.T)
    assert p.quantities["class_rank"] == C - 1
    assert len(p.outliers) == C - 1


def test_without_gram_count_is_c():
    p = P.class_outliers(classes=10, matrix="hessian")
    assert sum(o.count for o in p.outliers) == 10 and p.outliers[0].location is None
    assert np.isnan(p.lambda_max) and p.to_dict()["outliers"][0]["count"] == 10


@pytest.mark.parametrize("kwargs, name", [
    (dict(classes=1), "classes"),
    (dict(classes=3, matrix="fisher"), "matrix"),
    (dict(classes=3, loss="hinge"), "loss"),
    (dict(classes=3, class_mean_gram=np.eye(4)), "class_mean_gram"),
    (dict(classes=2, class_mean_gram=np.eye(4), class_weights=[1.0, -1.0]), "class_weights"),
    (dict(classes=2, bulk="mp"), "bulk"),
])
def test_bad_input_names_the_parameter(kwargs, name):
    with pytest.raises(ParameterError) as err:
        P.class_outliers(**kwargs)
    assert err.value.name == name


def test_labels_follow_directions_when_cross_class_spikes_are_larger():
    # C = 2, balanced: δ_{c,c'} = u ± v with the class part u (|u|² = 1) and cross-class ±v (|v|² = 9).
    # By hand: δ_{c'} = u for both c', so G_1 = 2 u uᵀ (eigenvalue 2); G_2 = Σ_{c,c'} ½ (±v)(±v)ᵀ = 2 v vᵀ
    # (eigenvalue 18): the larger spike is the cross-class one
    u, v = np.array([1.0, 0, 0]), np.array([0, 3.0, 0])
    means = {(0, 0): u + v, (0, 1): u - v, (1, 0): u - v, (1, 1): u + v}
    M = np.array([means[(c, c2)] for c in range(2) for c2 in range(2)]) * np.sqrt(0.5)
    gram = M @ M.T
    p = rmt.predict.class_outliers(classes=2, class_mean_gram=gram)
    assert [o.location for o in p.outliers] == pytest.approx([2.0])
    assert p.quantities["cross_class_eigenvalues"] == pytest.approx([18.0])
    bulk = rmt.MarchenkoPastur(0.1, variance=0.05)
    p = rmt.predict.class_outliers(classes=2, class_mean_gram=gram, bulk=bulk)
    by_source = {o.source.split(",")[0]: o.location for o in p.outliers}
    # the locations are spiked_outliers' (tested on its own); what is tested here is which spike is which
    ref = {s.theta: s.location for s in rmt.spiked_outliers(bulk, [18.0, 2.0])}
    assert by_source["cross-class means (G_2)"] == pytest.approx(ref[18.0], rel=1e-10)
    assert by_source["class means (G_1)"] == pytest.approx(ref[2.0], rel=1e-10)
