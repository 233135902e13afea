"""The inverse-function laws of rmtheory.predict in the generic law registry (loaded by
tests/conftest.py beside registry.py): every law built on the shared engine (rmtheory.laws.numerical)
gets the generic checks — mass, cdf = ∫pdf, ppf, moments, Stieltjes against quadrature, KS of its
Monte-Carlo samples.

Reference means, independent of the laws' own moment code: the random-features Gram has
E tr M/n1 = E f(√v z)² = η (centred features); the NTK Gram K = ΦΦᵀ/n1 + ζX̃X̃ᵀ/n0 + κI has
E tr K/P = η + ζ + κ; a critical ReLU network has E tr JJᵀ/N = χ^L = 1 (Pennington, Schoenholz &
Ganguli 2017, §2); the logistic Hessian (1/P) Σ τ_i x_i x_iᵀ at ‖w‖ = 2 has mean E τ = E s(2z)(1 − s(2z)),
s the logistic function, z ~ N(0, 1), by scipy's adaptive quadrature.

The depth-8 tanh Jacobian is not here: its t-law is a discretization whose stated tolerance (~1e-3)
is far above the registry's 1e-10 checks; tests/rmtheory/predict covers it against Monte Carlo.
"""

import math

from scipy import integrate, special

import rmtheory as rmt

LawCase = __import__("rmtheory_test_registry").LawCase


def _logistic_mean(norm):
    def f(z):
        s = special.expit(norm * z)
        return s * (1 - s) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi)

    return integrate.quad(f, -40, 40, epsabs=1e-14, epsrel=1e-13, limit=200)[0]


def _rf():
    return rmt.predict.random_features_gram(200, 300, 400, "tanh").law


def _ntk():
    # the law of the constants of a ReLU network (d/P = 1/4, d/width = 1/2), without the network:
    # its samples are then the linear-plus-noise model it solves exactly (a real network's NTK Gram
    # differs from it by the first-layer fluctuation, O(n^-1/2); tests/rmtheory/predict/test_ntk.py)
    q = rmt.predict.two_layer_ntk_gram(100, 200, 400, "relu").quantities
    return rmt.predict.two_layer_ntk_law(q["phi"], q["psi"], q["eta"], q["zeta"], q["kappa"])


LAW_CASES = [
    LawCase("random_features(tanh)", _rf, {1: _rf().eta}, sample_n=1000),
    LawCase("ntk_gram(relu constants)", _ntk, {1: _ntk().eta + _ntk().zeta + _ntk().kappa}, sample_n=1000),
    # samples through real networks: tr JJᵀ/N of one network fluctuates O(N^-1/2) (the random ReLU
    # masks; m₃ varied 62-74 around 67 over seeds at N = 2000), so its moments are checked loosely and
    # the KS test carries the weight
    LawCase("deep_jacobian(3, relu, critical)", lambda: rmt.predict.deep_jacobian(3, "relu", sigma_w=2**0.5).law,
            {1: 1.0}, moment_rtol=0.25),
    LawCase("logistic_hessian(d/P = 1/4, |w| = 2)", lambda: rmt.predict.logistic_hessian(200, 800, 2.0).law,
            {1: _logistic_mean(2.0)}, sample_n=1000),
]
