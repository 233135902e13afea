"""Pennington-Bahri Hessian H0 + H1 (Wishart + Wigner): Monte-Carlo KS and index, ε_c closed form
(P&B eq. (13)) and its limits, the 3/2 law near ε_c."""

from __future__ import annotations

import math

import numpy as np
import pytest

import rmtheory as rmt
import rmtheory.predict as P
from rmtheory.params import ParameterError
from rmtheory.stats import ks_test


def h0_plus_h1(n, phi, eps, rng):
    m = int(round(n / phi))
    A = rng.standard_normal((n, m))
    B = rng.standard_normal((n, n))
    H1 = (B + B.T) * math.sqrt(eps / n)              # GOE, off-diagonal variance 2ε/n
    return np.linalg.eigvalsh(A @ A.T / m + H1)


@pytest.mark.parametrize("eps, phi", [(0.1, 0.25), (0.3, 0.5), (0.02, 0.25)])
def test_monte_carlo_ks_and_index(eps, phi):
    n, reps = 400, 2
    p = P.pennington_bahri(eps, phi, n=n)
    rng = np.random.default_rng(2017)
    lam = np.concatenate([h0_plus_h1(n, phi, eps, rng) for _ in range(reps)])
    res = ks_test(lam, p.law)
    assert not res.rejects(0.01), (res.statistic, res.pvalue)
    # index: binomial error bar (conservative: eigenvalue counts fluctuate far less) plus ±1 eigenvalue
    alpha = p.quantities["index"]
    measured = float(np.mean(lam < 0))
    bar = 3 * math.sqrt(max(alpha * (1 - alpha), 1e-12) / lam.size) + 1.0 / n
    assert abs(measured - alpha) <= bar, (measured, alpha, bar)


@pytest.mark.parametrize("phi", [0.05, 0.25, 0.5, 0.9])
def test_critical_epsilon_closed_form_and_lower_edge(phi):
    closed = (1 - 20 * phi - 8 * phi**2 + (1 + 8 * phi) ** 1.5) / 16       # P&B eq. (13)
    eps_c = P.critical_epsilon(phi)
    assert eps_c == pytest.approx(closed, rel=1e-10)
    # the lower edge of MP(φ) ⊞ SC(2ε) crosses 0 at ε_c (independent: the engine's support)
    assert P.pennington_bahri_law(eps_c, phi).support[0][0] == pytest.approx(0.0, abs=1e-7)
    assert P.pennington_bahri_index(0.9 * eps_c, phi) == 0.0 < P.pennington_bahri_index(1.1 * eps_c, phi)


def test_limits_phi_to_zero_and_one():
    assert P.critical_epsilon(1e-7) == pytest.approx(1 / 8, rel=1e-5)    # MP(φ) → δ₁: 1 − 2√(2ε) = 0
    assert P.critical_epsilon(1.0) == 0.0 and P.critical_epsilon(2.0) == 0.0
    p = P.pennington_bahri(0.0, 0.25)                                      # ε = 0: H0 alone, MP
    assert p.law.expression() == rmt.MarchenkoPastur(0.25).expression() and p.quantities["index"] == 0.0


def test_three_halves_law_near_critical_epsilon():
    phi = 0.25
    eps_c = P.critical_epsilon(phi)
    a0 = P.pennington_bahri(0.1, phi).scaling["index"]["prefactor"]
    for d in (1e-3, 3e-4):
        ratio = P.pennington_bahri_index(eps_c + d, phi) / (a0 * d**1.5)
        assert ratio == pytest.approx(1.0, abs=0.05)


@pytest.mark.parametrize("eps, phi, name", [(-0.1, 0.5, "epsilon"), (0.1, 0.0, "phi"), (0.1, -1.0, "phi")])
def test_bad_input_names_the_parameter(eps, phi, name):
    with pytest.raises(ParameterError) as err:
        P.pennington_bahri(eps, phi)
    assert err.value.name == name
