"""The pure p-spin complexities as sympy expressions: for display, differentiation and exact cases.

Same formulas as :mod:`.closed_form` (Auffinger, Ben Arous & Černý 2013, CPAM 66, Section 2,
Theorems 2.5 and 2.8), written once in sympy with symbols ``u`` (energy per spin), ``p`` (degree)
and ``k`` (index). Pass a number for ``p`` to get exact expressions of one model.

Two derivations of E_∞ are given, each from a different fact, so that the tests can check
``E_∞ = 2√((p−1)/p)`` exactly rather than restate it:

* :func:`e_inf_from_hessian`: the left edge −p u − 2√(p(p−1)) of the Hessian semicircle at a
  critical point of energy u vanishes at u = −E_∞;
* :func:`e_inf_from_covariance`: the Kac-Rice shift c u, c = ν'(1)/(ν(1)√ν''(1)), reaches the GOE
  edge −2.

Example::

    >>> from rmtheory.kacrice import symbolic
    >>> symbolic.e_inf(3)
    2*sqrt(6)/3
    >>> symbolic.complexity(3, None).subs(symbolic.u, -1)        # −E_∞ < −1 ≤ 0: ½ln2 − u²/8
    -1/8 + log(2)/2
"""

from __future__ import annotations

import sympy

__all__ = ["u", "p", "k", "e_inf", "i1", "complexity", "e_inf_from_hessian", "e_inf_from_covariance"]

u = sympy.Symbol("u", real=True)
p = sympy.Symbol("p", positive=True)
k = sympy.Symbol("k", integer=True, nonnegative=True)


def _p(value):
    return p if value is None else sympy.Integer(value)


def e_inf(degree=None):
    """E_∞ = 2√((p−1)/p) (symbolic in p when ``degree`` is None)."""
    q = _p(degree)
    return sympy.simplify(2 * sympy.sqrt((q - 1) / q))


def i1(degree=None):
    """ABC's I_1(u) = −(u/E_∞²)√(u² − E_∞²) − ln(−u + √(u² − E_∞²)) + ln E_∞ (for u ≤ −E_∞)."""
    e = e_inf(degree)
    r = sympy.sqrt(u**2 - e**2)
    return -(u / e**2) * r - sympy.log(-u + r) + sympy.log(e)


def complexity(degree=None, index=None, cumulative: bool = True):
    """Θ_p(u) (``index=None``) or Θ_{k,p}(u) as a ``Piecewise`` in ``u``.

    ``index`` may be an int, the symbol :data:`k`, or ``None``; ``cumulative=False`` gives the local
    complexity (see :mod:`.closed_form`).
    """
    q = _p(degree)
    e = e_inf(degree)
    base = sympy.log(q - 1) / 2
    quad = (q - 2) / (4 * (q - 1))
    if index is None:
        if cumulative:
            return sympy.Piecewise((base - quad * u**2 - i1(degree), u <= -e),
                                   (base - quad * u**2, u <= 0), (base, True))
        return sympy.Piecewise((base - quad * u**2 - i1(degree), u <= -e),
                               (base - quad * u**2, u <= e),
                               (base - quad * u**2 - i1(degree).subs(u, -u), True))
    idx = index if isinstance(index, sympy.Basic) else sympy.Integer(index)
    first = base - quad * u**2 - (idx + 1) * i1(degree)
    if cumulative:
        return sympy.Piecewise((first, u <= -e), (base - (q - 2) / q, True))
    return sympy.Piecewise((first, u <= -e), (-sympy.oo, True))


def e_inf_from_hessian(degree=None):
    """Solve −p u − 2√(p(p−1)) = 0 (Hessian bulk edge at zero) for u; return −u."""
    q = _p(degree)
    (sol,) = sympy.solve(sympy.Eq(-q * u - 2 * sympy.sqrt(q * (q - 1)), 0), u)
    return sympy.simplify(-sol)


def e_inf_from_covariance(degree=None):
    """Solve c u = −2 with ν = q^p, c = ν'(1)/(ν(1)√ν''(1)), for u; return −u."""
    q = _p(degree)
    s = sympy.Symbol("s", positive=True)
    nu = s**q
    c = (sympy.diff(nu, s) / (nu * sympy.sqrt(sympy.diff(nu, s, 2)))).subs(s, 1)
    (sol,) = sympy.solve(sympy.Eq(c * u, -2), u)
    return sympy.simplify(-sol)
