"""The Hessian at a critical point as Wishart + Wigner (Pennington & Bahri 2017).

Pennington & Bahri (2017), "Geometry of neural network loss surfaces via random matrix theory",
ICML, §3-§4. For the mean-squared loss L = (1/2m) Σ e², the Hessian splits as H = H0 + H1 with
H0 = Jᵀ J-type Gauss-Newton part (positive semi-definite) and H1 = the residual-weighted second
derivatives; P&B model H0 as a real Wishart matrix and H1 as a real Wigner matrix, free of each
other, with the scale of H1 set by the loss (energy) ε:

    H0 ~ Marchenko-Pastur(ratio φ, variance 1),     H1 ~ semicircle(variance 2ε),
    H  ~ MP(φ) ⊞ SC(2ε),

φ the ratio of parameters to (outputs × samples). In the library's normalizations: H0 = (1/m) A Aᵀ
with A of size n×m, iid N(0, 1) entries and φ = n/m, and H1 a GOE matrix with off-diagonal
entries of variance 2ε/n. (The normalization is the one that reproduces P&B's closed forms below:
ε_c → 1/8 as φ → 0, where MP(φ) → δ₁ and the semicircle's lower edge 1 − 2√(2ε) reaches 0, and
ε_c = 0 at φ = 1.)

* Index α(ε, φ) = fraction of negative eigenvalues = F(0) (:func:`pennington_bahri_index`).
* Critical energy ε_c(φ), below which the index vanishes (:func:`critical_epsilon`):
  ε_c = (1/16)(1 − 20φ − 8φ² + (1 + 8φ)^{3/2}) for φ < 1 and 0 for φ ≥ 1 (P&B eq. (13)).
  Derivation (checked in the tests against the numerically located lower edge): with
  R(w) = 1/(1 − φw) + 2ε w, the inverse Cauchy transform is z(w) = R(w) + 1/w and edges are its
  critical points; z(w) = 0 and z'(w) = 0 together give 2φ(1 − φ)w² + (4φ − 1)w − 2 = 0, i.e.
  w_c = (1 − 4φ − √(1 + 8φ))/(4φ(1 − φ)) at the lower edge, and 2ε_c = −1/w_c² − 1/(w_c(1 − φw_c)).
* The 3/2 law: near ε_c, α ≈ α₀ (ε − ε_c)^{3/2} (P&B eq. (14) write α₀(φ)|(ε − ε_c)/ε_c|^{3/2}).
  Here α₀ is derived in closed form: the density at a square-root lower edge λ₋ is
  ρ(x) ≈ (1/π)√(2(x − λ₋)/|z''(w_c)|), and the edge moves as dλ₋/dε = ∂z/∂ε = 2w_c (envelope
  theorem), so α = ∫_{λ₋}^0 ρ ≈ (2/(3π))√(2/|z''(w_c)|) (2|w_c|(ε − ε_c))^{3/2}.

Example::

    >>> import rmtheory as rmt
    >>> round(rmt.predict.critical_epsilon(0.25), 12)     # (1/16)(1 − 5 − 1/2 + 3^{3/2})
    0.043509526419
    >>> rmt.predict.pennington_bahri_index(0.01, 0.25)      # below ε_c: a minimum
    0.0
    >>> round(rmt.predict.pennington_bahri_index(0.1, 0.25), 6)   # a saddle: 5.4 % negative directions
    0.05398
"""

from __future__ import annotations

import math

from rmtheory.free.convolution import free_add
from rmtheory.laws.marchenko_pastur import MarchenkoPastur
from rmtheory.laws.semicircle import Semicircle
from rmtheory.params import Real, check
from rmtheory.predict.record import Prediction

__all__ = ["pennington_bahri", "pennington_bahri_law", "pennington_bahri_index", "critical_epsilon",
           "index_prefactor"]

SOURCE = ("Pennington & Bahri (2017), Geometry of neural network loss surfaces via random matrix theory, "
          "ICML, §3 (H = H0 + H1, Wishart + Wigner, eq. (8)-(10)), §4 (index, eq. (13) for ε_c, "
          "eq. (14) for the 3/2 law); ε_c and α₀ re-derived here from R(w) = 1/(1 − φw) + 2εw")

_EPS = Real(0, None)
_PHI = Real(0, None, low_open=True)


def _check(epsilon, phi):
    return check("epsilon", epsilon, _EPS), check("phi", phi, _PHI)


def pennington_bahri_law(epsilon: float, phi: float):
    """The law of H0 + H1: MP(φ) ⊞ semicircle(2ε), or MP(φ) itself at ε = 0."""
    epsilon, phi = _check(epsilon, phi)
    if epsilon == 0.0:
        return MarchenkoPastur(phi)
    return free_add(MarchenkoPastur(phi), Semicircle(2.0 * epsilon))


def critical_epsilon(phi: float) -> float:
    """ε_c(φ) = (1/16)(1 − 20φ − 8φ² + (1 + 8φ)^{3/2}) for φ < 1, 0 for φ ≥ 1 (module docstring)."""
    phi = check("phi", phi, _PHI)
    if phi >= 1.0:
        return 0.0
    # the closed form cancels badly for small φ (1 + 1 − 20φ + 12φ + ...); the w_c form does not
    w = _critical_w(phi)
    return 0.5 * (-1.0 / w**2 - 1.0 / (w * (1.0 - phi * w)))


def _critical_w(phi):
    """w_c = G(λ₋) at ε = ε_c: the negative root of 2φ(1 − φ)w² + (4φ − 1)w − 2 = 0, written as
    −4/(1 − 4φ + √(1 + 8φ)) (the product of the roots is −1/(φ(1 − φ))) to avoid cancellation."""
    return -4.0 / ((1.0 - 4.0 * phi) + math.sqrt(1.0 + 8.0 * phi))


def index_prefactor(phi: float) -> float:
    """α₀ in α(ε, φ) ≈ α₀ (ε − ε_c)^{3/2} just above ε_c (module docstring); φ < 1."""
    phi = check("phi", phi, Real(0, 1, low_open=True, high_open=True))
    w = _critical_w(phi)
    z2 = 2.0 * phi**2 / (1.0 - phi * w) ** 3 + 2.0 / w**3   # z''(w_c) < 0 at the lower edge
    return (2.0 / (3.0 * math.pi)) * math.sqrt(2.0 / abs(z2)) * (2.0 * abs(w)) ** 1.5


def pennington_bahri_index(epsilon: float, phi: float) -> float:
    """α(ε, φ): the fraction of negative eigenvalues of H0 + H1 (module docstring)."""
    epsilon, phi = _check(epsilon, phi)
    if epsilon == 0.0 or (phi < 1.0 and epsilon <= critical_epsilon(phi)):
        return 0.0
    law = pennington_bahri_law(epsilon, phi)
    lower = law.support[0][0]
    if lower >= 0.0:
        return 0.0
    return float(law.cdf(0.0))


def pennington_bahri(epsilon: float, phi: float, *, n: int | None = None) -> Prediction:
    """Prediction for the Hessian spectrum at a critical point of loss ε, parameter ratio φ.

    ``n`` (optional) is the number of parameters, for the finite-size Tracy-Widom scale of the
    lower edge and the index error of ±1 eigenvalue.
    """
    epsilon, phi = _check(epsilon, phi)
    law = pennington_bahri_law(epsilon, phi)
    eps_c = critical_epsilon(phi)
    index = pennington_bahri_index(epsilon, phi)
    scaling = {}
    quantities = {"index": index, "epsilon_c": eps_c, "epsilon": epsilon, "phi": phi}
    if phi < 1.0:
        a0 = index_prefactor(phi)
        quantities["index_prefactor"] = a0
        scaling["index"] = {"exponent": 1.5, "variable": "epsilon - epsilon_c", "prefactor": a0,
                            "description": "α ≈ α₀ (ε − ε_c)^{3/2} as ε ↓ ε_c (P&B eq. (14))"}
    scaling["lambda_max_fluctuation"] = {"exponent": -2.0 / 3.0, "variable": "n",
                                         "description": "λ_max − λ₊ ~ n^{−2/3} TW₁ (soft edge)"}
    assumptions = (
        "H0 (Gauss-Newton part) is a real Wishart matrix MP(φ) and H1 (residual part) a real Wigner "
        "matrix, asymptotically free of H0 — P&B's simplifying assumptions, not a theorem about networks",
        "the variance of H1 is 2ε, ε the loss value (energy) of the critical point",
        "φ = number of parameters / (number of outputs × number of samples)",
        "limit n → ∞ at fixed φ, ε",
    )
    return Prediction(matrix="Hessian H = H0 + H1 at a critical point of loss ε (Pennington-Bahri model)",
                      law=law, outliers=(), scaling=scaling, quantities=quantities, assumptions=assumptions,
                      source=SOURCE, tolerance=1e-10,
                      parameters={"epsilon": epsilon, "phi": phi, "n": n}, dimension=n)
