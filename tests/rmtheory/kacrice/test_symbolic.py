"""The sympy forms: exact special cases, and numerical agreement with the numeric path at random points."""

import mpmath
import numpy as np
import pytest
import sympy

from rmtheory.kacrice import SphericalSpinGlass, symbolic
from rmtheory.kacrice import closed_form as cf

u, p, k = symbolic.u, symbolic.p, symbolic.k


@pytest.mark.parametrize("degree", [3, 4, 5])
@pytest.mark.parametrize("index", [None, 0, 1, 3])
@pytest.mark.parametrize("cumulative", [True, False])
def test_symbolic_matches_numeric_at_random_points(degree, index, cumulative):
    expr = symbolic.complexity(degree, index, cumulative)
    f = sympy.lambdify(u, expr, modules="mpmath")
    rng = np.random.default_rng(1000 * degree + (index or 0) + 7 * cumulative)
    with mpmath.workdps(40):
        for x in rng.uniform(-3.5, 3.5, 12):
            got, ref = f(mpmath.mpf(x)), cf.complexity(x, degree, index, cumulative, dps=40)
            if ref == -mpmath.inf:
                assert got == -mpmath.inf
            else:
                assert abs(got - ref) < mpmath.mpf(10) ** -35, x


def test_symbolic_in_p_and_k_matches_numeric():
    expr = symbolic.complexity(None, k)
    rng = np.random.default_rng(5)
    for _ in range(10):
        deg, idx, x = int(rng.integers(3, 9)), int(rng.integers(0, 6)), float(rng.uniform(-3, 0))
        val = float(expr.subs({p: deg, k: idx, u: x}).evalf(30))
        assert val == pytest.approx(float(cf.theta_k(x, deg, idx)), abs=1e-13)


def test_exact_special_cases():
    e = symbolic.e_inf()
    i1 = symbolic.i1()
    assert sympy.simplify(i1.subs(u, -e)) == 0                            # I_1(−E_∞) = 0
    di1 = sympy.diff(i1, u)
    assert sympy.simplify(di1 + 2 * sympy.sqrt(u**2 - e**2) / e**2) == 0   # I_1' = −2√(u²−E²)/E²
    assert (2 * sympy.sqrt(u**2 - e**2) / e**2).subs(u, -e) == 0          # so Θ is C¹ at −E_∞
    th = symbolic.complexity(None, k)
    (below, _), (above, _) = th.args
    assert sympy.simplify(below.subs(u, -e) - above) == 0                 # continuity of Θ_k
    assert sympy.simplify(above - (sympy.log(p - 1) / 2 - (p - 2) / p)) == 0
    assert symbolic.complexity(3, 0).subs(u, 0) == sympy.log(2) / 2 - sympy.Rational(1, 3)
    assert symbolic.complexity(3, None).subs(u, 7) == sympy.log(2) / 2


def test_model_symbolic_complexity_rescales_for_weights():
    expr = SphericalSpinGlass(mixture={3: 4}).symbolic_complexity(0)
    assert float(expr.subs(u, -3.6)) == pytest.approx(float(cf.theta_k(-1.8, 3, 0)), abs=1e-14)
