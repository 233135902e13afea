"""Tracy-Widom: accuracy against high-precision references, published moments and Monte-Carlo.

Every reference here is independent of the code under test:

* FREDHOLM_REF: Bornemann's Nyström discretization of the Fredholm determinants, in mpmath at 45
  digits with 90 and 110 Gauss-Legendre nodes (the two agree to all printed digits);
* PAINLEVE_REF: the Hastings-McLeod solution integrated with mpmath.odefun (its own Taylor method,
  not ours) at 60 digits from s0 = 16;
* published moments (Bornemann 2010, Table 4), which the table truncates (not rounds) to the
  digits shown, so the tolerance is one unit of the last published digit;
* Monte-Carlo: KS tests of the β-Hermite / GSE largest eigenvalue.

Variables. The references are functions of the Painlevé variable s: F1(s), F2(s) and
G4(s) = F4^{TW}(s/√2). ``TracyWidom(4)`` (TW-1996 scaling) has cdf G4(√2 x); the ensemble scaling
has cdf G4(2^{2/3} x).
"""

import math

import numba
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import rmtheory as rmt
from rmtheory import edge, ensembles
from rmtheory.laws.tracy_widom import fredholm, interpolant, painleve
from rmtheory.params import ParameterError
from rmtheory.stats import ks_test

# ----------------------------------------------------------------------------- references
# FREDHOLM_REF was computed by this script (python fredholm_mp.py S 110 45, for each S below):
#
# # Reference values of the Tracy-Widom distributions by Bornemann's Nyström method in mpmath.
# # F2(s) = det(I - B^2), F1(s) = det(I - B), G4(s) = (det(I - B) + det(I + B))/2 = F4_TW(s/sqrt2),
# # B(x, y) = Ai(s + x + y) on L2(0, T), Gauss-Legendre with m nodes, everything at `dps` digits.
# import sys, mpmath as mp
#
# def gauss_legendre(m):
#     xs, ws = [], []
#     for i in range(1, m + 1):
#         x = mp.cos(mp.pi * (i - mp.mpf(1) / 4) / (m + mp.mpf(1) / 2))
#         for _ in range(100):
#             p0, p1 = mp.mpf(1), x
#             for k in range(2, m + 1):
#                 p0, p1 = p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k
#             dp = m * (x * p1 - p0) / (x * x - 1)
#             dx = p1 / dp
#             x -= dx
#             if abs(dx) < mp.mpf(10) ** (-mp.mp.dps + 3):
#                 break
#         xs.append(x); ws.append(2 / ((1 - x * x) * dp * dp))
#     return xs, ws
#
# def tw(s, m, dps):
#     mp.mp.dps = dps
#     s = mp.mpf(s)
#     zeta = lambda x: 2 * max(x, 0) ** mp.mpf(1.5) / 3
#     T = (mp.mpf(3) / 2 * (zeta(s) + 45)) ** (mp.mpf(2) / 3) - s      # Ai(s+T) ~ e^-45 Ai(s)
#     t, w = gauss_legendre(m)
#     x = [T * (ti + 1) / 2 for ti in t]; w = [T * wi / 2 for wi in w]
#     cache = {}
#     B = mp.matrix(m, m)
#     for i in range(m):
#         for j in range(i, m):
#             B[i, j] = B[j, i] = mp.sqrt(w[i] * w[j]) * mp.airyai(s + x[i] + x[j])
#     I = mp.eye(m)
#     dm, dp_ = mp.det(I - B), mp.det(I + B)
#     return dm, dm * dp_, (dm + dp_) / 2
#
# if __name__ == "__main__":
#     s, m, dps = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
#     f1, f2, g4 = tw(s, m, dps)
#     print(s, m, dps, mp.nstr(f1, 25), mp.nstr(f2, 25), mp.nstr(g4, 25), mp.nstr(1 - f1, 25), mp.nstr(1 - f2, 25), mp.nstr(1 - g4, 25), flush=True)
#
FREDHOLM_REF = {  # s: (F1, F2, G4) for s <= 0, (1 - F1, 1 - F2, 1 - G4) for s > 0
    -8.0: (1.8068279211854166513e-12, 1.9859004257636574793e-19, 5.4956342237950971219e-8),
    -6.0: (2.7073193253047730514e-6, 1.0622546741244510688e-8, 1.9631737231397767397e-3),
    -4.0: (7.5676785987964005219e-3, 3.5445535955092002963e-3, 2.3797412296663420727e-1),
    -3.0: (6.9600118867369888436e-2, 8.0319552939334548081e-2, 6.1180735659356215989e-1),
    -2.0: (2.7432019790921785767e-1, 4.1322414250512255469e-1, 8.9033858463409372503e-1),
    -1.0: (5.8378989551973228346e-1, 8.0721424199928529248e-1, 9.8325175968331026317e-1),
    0.0: (8.3190806620295192746e-1, 9.6937282835526266835e-1, 9.9857419735816854022e-1),
    1.0: (4.8578763088449265204e-2, 2.4945618506107506208e-3, 7.0770770181782832376e-5),
    2.0: (1.0402428915173007927e-2, 1.1244630169082707497e-4, 2.1401499353702978425e-6),
    3.0: (1.7065196501194048345e-3, 2.9940433923516922240e-6, 4.0986983146156194019e-8),
    4.0: (2.2034448743299864817e-4, 4.9579121533310470187e-8, 5.1382741463809295006e-10),
    5.0: (2.2871518044320437757e-5, 5.3177932633324263963e-10, 4.3365935252606927859e-12),
    6.0: (1.9408140726462170989e-6, 3.8172326590094589914e-12, 2.5236746193763825130e-14),
    8.0: (8.0454248798697385653e-9, 6.5335632069316115015e-17, 3.0338528828542244224e-19),
    10.0: (1.7082158695271068436e-11, 2.9384271336047179854e-22, 1.0212838350408594532e-24),
}

# PAINLEVE_REF was computed by this script (mpmath only):
#
# # Reference values from the Hastings-McLeod solution of Painleve II with mpmath.odefun (Taylor
# # method): y = [q, q', I, L, U] with I = int_s^inf q, L = log F2 = -int_s^inf (x-s) q^2, U = L',
# # integrated leftwards from s0 = 16 where q = Ai to ~1e-37 relative; t = s0 - s.
# import mpmath as mp
# mp.mp.dps = 60
# s0 = mp.mpf(16)
# ai, aip = mp.airyai(s0), mp.airyai(s0, derivative=1)
# with mp.workdps(120):
#     I0 = mp.mpf(1) / 3 - mp.airyai(s0, derivative=-1)
#     U0 = aip**2 - s0 * ai**2
#     L0 = -(2 * s0**2 * ai**2 - 2 * s0 * aip**2 - ai * aip) / 3
# def rhs(t, y):
#     s = s0 - t
#     q, dq, I, L, U = y
#     return [-dq, -(s * q + 2 * q**3), q, -U, q**2]
# sol = mp.odefun(rhs, 0, [ai, aip, +I0, +L0, +U0])
# for s in [4, 2, 0, -2, -4, -6, -8, -9, -10, -11, -12]:
#     q, dq, I, L, U = sol(s0 - s)
#     F2 = mp.exp(L); F1 = mp.exp((L - I) / 2); G4 = mp.exp(L / 2) * mp.cosh(I / 2)
#     f2 = F2 * U; f1 = F1 * (U + q) / 2; g4 = mp.exp(L / 2) * (U / 2 * mp.cosh(I / 2) - q / 2 * mp.sinh(I / 2))
#     print(s, *[mp.nstr(v, 22) for v in (q, I, L, U, F1, F2, G4, f1, f2, g4)], flush=True)
#
PAINLEVE_REF = {  # s: (q, I, log F2, U, f1, f2, g4), f = dF/ds
    4.0: (9.5156389893065876187e-4, 4.4068795456962118628e-4, -4.9579122762355156818e-8, 2.1437933076411221389e-7, 4.7578427958227474945e-4, 2.1437932013537331971e-7, 2.3539800119772758755e-9),
    2.0: (3.4928149264595719589e-2, 2.0801372072218300040e-2, -1.1245262425017909970e-4, 3.7924175602652918107e-4, 1.7470054197675004035e-2, 3.7919911169361726293e-4, 7.9890530025957069441e-6),
    0.0: (3.6706155154807842775e-1, 3.3696069793055139360e-1, -3.1105985306312353666e-2, 6.9091380708923402389e-2, 1.8141957122133474287e-1, 6.6975307132779311680e-2, 3.9080706717157467522e-3),
    -2.0: (9.8339134972780534358e-1, 1.7031533834386429449e+0, -8.8376511530913842123e-1, 1.0681413704096603923e+0, 2.8138843090267282625e-1, 4.4138180186177840193e-1, 1.7261016157056871470e-1),
    -4.0: (1.4111769293623939770e+0, 4.1253947811314034345e+0, -5.6423430520304652078e+0, 4.0319324328612902770e+0, 2.0595851115704250078e-2, 1.4291400601748643777e-2, 3.1717566295129035112e-1),
    -6.0: (1.7310249588317786964e+0, 7.2788161392365616822e+0, -1.8360287043737964695e+1, 9.0209481306832660873e+0, 1.4554512265200473634e-5, 9.5825443168525288510e-8, 7.1580360260051225856e-3),
    -8.0: (1.9995071978114653417e+0, 1.1015852335113265948e+1, -4.3063044340605607546e+1, 1.6015660081176160654e+1, 1.6275153622250375626e-11, 3.1805506174093750550e-18, 3.8514005374153355732e-7),
    -9.0: (2.1209542684663290347e+0, 1.3076682704297307499e+1, -6.1161128306949246629e+1, 2.0263910644281731696e+1, 8.4798593083882649840e-16, 5.5562621889037398014e-26, 1.6415136235198832230e-10),
    -10.0: (2.2357871694464086983e+0, 1.5255559696154275627e+1, -8.3757649355127013160e+1, 2.5012514214648304604e+1, 4.3039208435080166400e-21, 1.0535918835489870229e-35, 7.5926202723020449479e-15),
    -11.0: (2.3449868655659723915e+0, 1.7546381727621643506e+1, -1.1135290822808867134e+2, 3.0261373318716140937e+1, 1.6678122196389983427e-27, 1.3210980329133596977e-47, 2.9783162409390380783e-20),
    -12.0: (2.4493120787784431673e+0, 1.9943910316958507475e+1, -1.4444712613231406375e+2, 3.6010423490265480282e+1, 3.8629251766101586093e-35, 6.6655873298769580420e-62, 7.7311934505958387083e-27),
}

#: x = s / SCALE[beta, scaling]: the law's variable from the Painlevé variable
SCALE = {(1, "tw"): 1.0, (2, "tw"): 1.0, (4, "tw"): math.sqrt(2.0), (4, "ensemble"): 2.0 ** (2.0 / 3.0)}
COLUMN = {1: 0, 2: 1, 4: 2}
LAWS = [(1, "tw"), (2, "tw"), (4, "tw"), (4, "ensemble")]


def _law(beta, scaling, method="auto"):
    return rmt.TracyWidom(beta, scaling=scaling, method=method)


# ----------------------------------------------------------------------------- accuracy
@pytest.mark.parametrize("beta, scaling", LAWS)
def test_cdf_and_sf_match_the_fredholm_reference(beta, scaling):
    law, c = _law(beta, scaling), SCALE[beta, scaling]
    for s, row in FREDHOLM_REF.items():
        ref = row[COLUMN[beta]]
        x = s / c
        if s <= 0:  # cdf: absolute 1e-15 and relative (left tail)
            got = float(law.cdf(x))
            assert abs(got - ref) < 1e-15, s
            assert abs(got / ref - 1) < 2e-14 * max(1.0, abs(math.log(ref))), s
            assert abs(float(law.logcdf(x)) - math.log(ref)) < 2e-14 * max(1.0, abs(math.log(ref))), s
        else:  # sf: relative (right tail); β = 4 cancels to second order there
            got = float(law.sf(x))
            assert abs(got / ref - 1) < (1e-12 if beta == 4 else 1e-13), s
            assert abs(float(law.logsf(x)) - math.log(ref)) < (1e-12 if beta == 4 else 1e-13), s
            assert abs(float(law.cdf(x)) - (1 - ref)) < 1e-15, s


@pytest.mark.parametrize("beta, scaling", LAWS)
def test_pdf_and_deep_left_tail_match_the_painleve_reference(beta, scaling):
    law, c = _law(beta, scaling), SCALE[beta, scaling]
    for s, (_q, _big_i, log_f2, _big_u, f1, f2, g4) in PAINLEVE_REF.items():
        x = s / c
        pdf_ref = {1: f1, 2: f2, 4: g4}[beta] * c   # dF/dx = c dF/ds
        # log pdf carries ~1e-14 relative error: at s = −12 (pdf ~ 1e-62) that is 3e-12 relative in pdf
        tol = 2e-14 * max(1.0, abs(math.log(pdf_ref)))
        assert abs(float(law.pdf(x)) / pdf_ref - 1) < tol, s
        assert abs(float(law.logpdf(x)) - math.log(pdf_ref)) < tol, s
        if beta == 2:  # log F2 to a few 1e-15 relative even at s = −12, where F2 = 1.9e-63
            assert abs(float(law.logcdf(x)) / log_f2 - 1) < 4e-15, s


def test_left_series_matches_the_painleve_reference_and_its_published_coefficients():
    # q ~ √(−s/2)(1 + 1/(8s³) − 73/(128s⁶) + 10657/(1024s⁹) − 13912277/(32768s¹²)) (TW 1994, (1.18))
    b, _ = painleve._series_coefficients()
    assert [str(v) for v in b[:5]] == ["1", "-1/8", "-73/128", "-10657/1024", "-13912277/32768"]
    q, big_i, log_f2, big_u, *_ = PAINLEVE_REF[-12.0]
    sq, su, si, sl = (float(v[0]) for v in painleve.left_series(np.array([-12.0]), terms=10))
    assert abs(sq / q - 1) < 1e-15 and abs(su / big_u - 1) < 1e-15
    assert abs(si / big_i - 1) < 1e-15 and abs(sl / log_f2 - 1) < 1e-15  # constants χ and ½ log 2


def test_fast_path_is_continuous_where_the_series_takes_over():
    s = np.array([interpolant.S_LEFT * (1 + 1e-15), interpolant.S_LEFT * (1 - 1e-15)])
    for beta in (1, 2, 4):
        log_d, log_r = interpolant.evaluate(beta, s)
        assert abs(log_d[0] - log_d[1]) < 1e-14 and abs(log_r[0] - log_r[1]) < 1e-14


@pytest.mark.parametrize("s", [-13.0, -16.0])
def test_far_left_tail_series_against_the_painleve_route(s):
    # the exact route integrates Painlevé II down to s at ~20 digits (working precision ~80 digits)
    for beta in (1, 2, 4):
        fast = _law(beta, "tw")
        exact = _law(beta, "tw", method="painleve")
        x = s / SCALE[beta, "tw"]
        assert abs(float(fast.logcdf(x)) / float(exact.logcdf(x)) - 1) < 1e-15
        assert abs(float(fast.logpdf(x)) - float(exact.logpdf(x))) < 1e-12


@pytest.mark.parametrize("s", [10.5, 14.0, 20.0, 28.0, 40.0])
def test_far_right_tail_against_the_painleve_route(s):
    # beyond the start point of the ODE the exact route uses the Airy closed forms at ~80 digits;
    # the fast path tabulates a Gauss-Laguerre quadrature of the same integrals (s ≤ 30) or
    # evaluates it (s > 30)
    for beta in (1, 2, 4):
        fast = _law(beta, "tw")
        exact = _law(beta, "tw", method="painleve")
        x = s / SCALE[beta, "tw"]
        tol = 1e-12 if beta == 4 else 1e-13
        assert abs(float(fast.logsf(x)) / float(exact.logsf(x)) - 1) < tol
        assert abs(float(fast.logpdf(x)) / float(exact.logpdf(x)) - 1) < tol


def test_fast_path_matches_an_independent_painleve_solution_at_random_points():
    # the tables were built from painleve.solve(−12, 20); this solution starts elsewhere and
    # carries 30 digits
    sol = painleve.solve(-12.0, 30)
    rng = np.random.default_rng(0)
    for s in rng.uniform(-12.0, 10.0, 40):
        q, _, big_i, big_l, big_u = sol.values(float(s))
        for beta in (1, 2, 4):
            ld, lr = (float(v) for v in painleve.log_pair(beta, q, big_i, big_l, big_u, sol.dps))
            got_d, got_r = interpolant.evaluate(beta, np.array([s]))
            assert abs(got_d[0] - ld) < 2e-14 and abs(got_r[0] - lr) < 2e-14, (beta, s)


@pytest.mark.parametrize("s", [-7.0, -3.5, -1.0, 0.5, 2.0, 4.5, 7.0])
def test_fredholm_route_agrees_with_the_painleve_route(s):
    for beta in (1, 2, 4):
        fr = _law(beta, "tw", method="fredholm")
        pa = _law(beta, "tw", method="painleve")
        x = s / SCALE[beta, "tw"]
        assert abs(float(fr.cdf(x)) - float(pa.cdf(x))) < 1e-15
        if s > 0:  # the Fredholm route keeps relative accuracy on the right
            assert abs(float(fr.sf(x)) / float(pa.sf(x)) - 1) < (1e-12 if beta == 4 else 1e-13)
            assert abs(float(fr.pdf(x)) / float(pa.pdf(x)) - 1) < (1e-12 if beta == 4 else 1e-13)
        else:
            assert abs(float(fr.pdf(x)) - float(pa.pdf(x))) < 1e-14


def test_fredholm_quadrature_has_converged():
    for s in (-8.0, -2.0, 3.0):
        a, b = fredholm.evaluate(s, fredholm.nodes_for(s)), fredholm.evaluate(s, fredholm.nodes_for(s) + 32)
        for beta in (1, 2, 4):
            assert abs(math.exp(-math.exp(a[beta][0])) - math.exp(-math.exp(b[beta][0]))) < 1e-15


def test_painleve_precision_ladder():
    # 15, 30 and 45 requested digits (working precision and start point follow) agree
    vals = [painleve.solve(-10.0, d).values(-10.0) for d in (15, 30, 45)]
    for k in (0, 2, 3, 4):  # q, I, L, U
        ref = vals[2][k]
        assert abs(float(vals[1][k] / ref - 1)) < 1e-29
        assert abs(float(vals[0][k] / ref - 1)) < 1e-14


@given(beta=st.sampled_from([1, 2, 4]), x=st.floats(-14.0, 20.0))
def test_pdf_is_the_derivative_of_cdf_from_separate_tables(beta, x):
    # log cdf and log pdf come from different interpolants (log D and log r): check d/dx log cdf =
    # pdf/cdf (left) and d/dx log sf = −pdf/sf (right) by a 5-point difference, error ~h⁴ ≈ 1e-12
    law = rmt.TracyWidom(beta)
    h = 1e-3
    pts = x + h * np.array([-2.0, -1.0, 1.0, 2.0])
    weights = np.array([1.0, -8.0, 8.0, -1.0]) / (12 * h)
    if x < float(law.ppf(0.5)):
        slope, expected = weights @ np.asarray(law.logcdf(pts)), math.exp(law.logpdf(x) - law.logcdf(x))
    else:
        slope, expected = -(weights @ np.asarray(law.logsf(pts))), math.exp(law.logpdf(x) - law.logsf(x))
    assert slope == pytest.approx(expected, rel=1e-8)
    assert float(law.cdf(x)) + float(law.sf(x)) == pytest.approx(1.0, abs=2e-16)


# ----------------------------------------------------------------------------- moments
# Bornemann 2010, Table 4 (truncated to the digits shown): mean, variance, skewness, excess kurtosis
PUBLISHED = {
    1: (-1.2065335745820, 1.607781034581, 0.29346452408, 0.1652429384),
    2: (-1.771086807411, 0.8131947928329, 0.224084203610, 0.0934480876),
    4: (-2.306884893241, 0.5177237207726, 0.16550949435, 0.0491951565),
}


@pytest.mark.parametrize("beta", [1, 2, 4])
def test_moments_match_the_published_table(beta):
    law = rmt.TracyWidom(beta)
    got = (law.mean(), law.var(), law.skewness(), law.kurtosis())
    for value, published in zip(got, PUBLISHED[beta]):
        text = repr(published)
        last_digit = 10.0 ** -(len(text.split(".")[1]))
        assert abs(value - published) < last_digit, (value, published)


def test_ensemble_scaling_is_the_tw_scaling_times_two_to_the_minus_one_sixth():
    tw, ens = rmt.TracyWidom(4), rmt.TracyWidom(4, scaling="ensemble")
    x = np.linspace(-5, 3, 17)
    assert np.allclose(ens.cdf(x), tw.cdf(2 ** (1 / 6) * x), rtol=1e-13, atol=0)
    assert ens.mean() == pytest.approx(2 ** (-1 / 6) * tw.mean(), rel=1e-13)
    assert rmt.TracyWidom(2, scaling="ensemble") == rmt.TracyWidom(2, scaling="ensemble")
    assert np.allclose(rmt.TracyWidom(1, scaling="ensemble").cdf(x), rmt.TracyWidom(1).cdf(x), rtol=0, atol=0)


# ----------------------------------------------------------------------------- the public layer
def test_ppf_inverts_cdf_to_1e_12_and_reaches_the_tails():
    for beta in (1, 2, 4):
        law = rmt.TracyWidom(beta)
        x = np.linspace(-8, 6, 141)
        x = x[np.asarray(law.sf(x)) > 1e-12]  # beyond, cdf(x) rounds to 1 (isf covers that tail)
        err = np.abs(law.ppf(law.cdf(x)) - x)
        # right of the median q = cdf(x) itself is rounded by ~1e-16, worth 1e-16/pdf(x) in x
        assert np.all(err < 1e-12 + 2.3e-16 * (x > law.ppf(0.5)) / np.asarray(law.pdf(x)))
        assert np.max(err[x < law.ppf(0.5)]) < 1e-13
        x = np.linspace(-8, 6, 141)
        right = x > 0  # through sf and isf the right tail inverts as accurately as the left
        assert np.max(np.abs(law.isf(law.sf(x[right])) - x[right])) < 1e-13
        assert abs(float(law.sf(float(law.isf(1e-200)))) / 1e-200 - 1) < 1e-12
        assert law.isf(0.0) == np.inf and law.isf(1.0) == -np.inf and np.isnan(law.isf(2.0))
        # far tails, through logcdf / logsf: q = 1e-300 and 1 − q = 1e-15
        lo, hi = float(law.ppf(1e-300)), float(law.ppf(1 - 1e-15))
        assert abs(float(law.logcdf(lo)) - math.log(1e-300)) < 1e-12 * 700
        assert abs(float(law.sf(hi)) / (1 - (1 - 1e-15)) - 1) < 1e-9
        assert law.ppf(0.0) == -np.inf and law.ppf(1.0) == np.inf
        assert np.isnan(law.ppf(-0.1)) and np.isnan(law.ppf(np.nan))


def test_scalars_in_scalars_out_and_special_values():
    law = rmt.TracyWidom(2)
    assert np.ndim(law.cdf(0.0)) == 0 and np.ndim(law.pdf(0)) == 0 and isinstance(float(law.sf(1.0)), float)
    x = np.array([[-np.inf, np.nan], [np.inf, 0.0]])
    assert law.cdf(x).shape == (2, 2)
    assert np.array_equal(law.cdf(x)[0, 0], 0.0) and np.isnan(law.cdf(x)[0, 1]) and law.cdf(x)[1, 0] == 1.0
    assert law.sf(-np.inf) == 1.0 and law.logsf(np.inf) == -np.inf and law.logcdf(-np.inf) == -np.inf
    assert law.pdf(np.inf) == 0.0 and law.pdf(-1e300) == 0.0 and law.logcdf(1e300) == 0.0
    assert law.logcdf(-1e5) == pytest.approx(-1e15 / 12, rel=1e-12)   # −|s|³/12 (sf/cdf underflow)
    assert law.logsf(1e4) == pytest.approx(-(4 / 3) * 1e6, rel=1e-4)  # −(4/3) s^{3/2}
    # a scalar call and the array path agree
    pts = [-13.0, -4.0, 0.3, 9.0, 31.0]
    assert np.allclose([law.logpdf(p) for p in pts], law.logpdf(np.array(pts)), rtol=1e-14, atol=0)


def test_bad_beta_is_refused_with_its_range():
    with pytest.raises(ParameterError, match=r"^beta = 3 is outside the allowed range \{1, 2, 4\}$"):
        rmt.TracyWidom(3)
    with pytest.raises(ParameterError, match=r"beta = 2.5 is outside"):
        rmt.TracyWidom(2.5)
    with pytest.raises(ParameterError, match=r"scaling = 'x' is outside the allowed range"):
        rmt.TracyWidom(4, scaling="x")
    with pytest.raises(ParameterError, match=r"method = 'fast'"):
        rmt.TracyWidom(1, method="fast")
    assert rmt.parse_law("tw(1)") == rmt.TracyWidom(1)
    assert rmt.parse_law("tracy_widom(4)").expression() == "tw(4)"


# ----------------------------------------------------------------------------- compiled path
WHATS = ("logcdf", "cdf", "sf", "logsf", "logpdf", "pdf")


def _points_with_tails(seed):
    """Random s in every regime of the fast path, every sub-panel edge, and the far tails to |s| = 1e8."""
    rng = np.random.default_rng(seed)
    return np.concatenate([
        rng.uniform(interpolant.S_LEFT, interpolant.S_FAR, 2000),       # the tables
        rng.uniform(-40.0, interpolant.S_LEFT, 300),                     # the left series
        rng.uniform(interpolant.S_FAR, 80.0, 100),                       # the Airy-tail quadrature
        -np.logspace(1.7, 8.0, 40), np.logspace(1.9, 8.0, 40),
        np.arange(interpolant.S_LEFT, interpolant.S_FAR + 0.01, 0.125),  # sub-panel edges, S_LEFT, S_FAR
    ])


def test_compiled_log_pair_matches_the_numpy_reference():
    s = _points_with_tails(1)
    for beta in (1, 2, 4):
        fast, ref = interpolant.evaluate(beta, s), interpolant.evaluate_reference(beta, s)
        for got, want in zip(fast, ref):
            assert np.all(np.abs(got - want) <= 1e-13 * np.maximum(1.0, np.abs(want))), beta


@pytest.mark.parametrize("beta, scaling", LAWS)
def test_compiled_public_functions_match_the_numpy_reference(beta, scaling):
    # the kernel against the NumPy public layer over the NumPy reference interpolant; cdf, sf and pdf
    # relative to their size (times |log| of it, the rounding of exp(−D)) so the tails count
    law = _law(beta, scaling)
    x = np.concatenate([_points_with_tails(2) / SCALE[beta, scaling], [np.inf, -np.inf, np.nan]])
    for what in WHATS:
        got, want = np.asarray(law._evaluate(x, what)), np.asarray(law._evaluate_numpy(x, what))
        assert np.array_equal(np.isnan(got), np.isnan(want)) and np.array_equal(np.isinf(got), np.isinf(want))
        fin = np.isfinite(want)
        assert np.array_equal(got[~fin], want[~fin], equal_nan=True), what
        got, want = got[fin], want[fin]
        if what.startswith("log"):
            tol = 1e-13 * np.maximum(1.0, np.abs(want))
        else:
            size = np.abs(np.log(np.where(want > 0, want, 1.0)))
            tol = 1e-13 * want * np.maximum(1.0, size) + 1e-300
        assert np.all(np.abs(got - want) <= tol), what


@pytest.mark.skipif(numba.config.USING_SVML, reason="SVML may round exp/log of vectorized loops differently")
@pytest.mark.parametrize("beta, scaling", LAWS)
def test_scalar_and_short_calls_give_exactly_the_long_call_values(beta, scaling):
    law = _law(beta, scaling)
    x = np.concatenate([_points_with_tails(3) / SCALE[beta, scaling], [np.inf, -np.inf, np.nan]])
    x = np.random.default_rng(3).permutation(x)
    for what in WHATS:
        fn = getattr(law, what)
        whole = np.asarray(fn(x))
        for i in range(0, x.size, 23):  # scalars of every kind
            for v in (float(x[i]), np.float64(x[i]), np.array(x[i])):
                got = fn(v)
                assert np.ndim(got) == 0 and np.array_equal(got, whole[i], equal_nan=True), (what, x[i])
        sizes = [1, 2, 3, 63, 64, 65, 200]  # across the kernel's blocks of 64
        pieces, start, k = [], 0, 0
        while start < x.size:
            pieces.append(np.asarray(fn(x[start:start + sizes[k % len(sizes)]])))
            start += sizes[k % len(sizes)]
            k += 1
        assert np.array_equal(np.concatenate(pieces), whole, equal_nan=True), what
        assert np.array_equal(fn(x[::3]), whole[::3], equal_nan=True)  # strided input
        n = x.size // 4 * 4
        assert np.array_equal(np.asarray(fn(x[:n].reshape(4, -1))).ravel(), whole[:n], equal_nan=True)


def test_compiled_path_refuses_what_it_cannot_evaluate():
    with pytest.raises(ValueError, match=r"beta = 3"):
        interpolant.evaluate_law(3, 0.0, "cdf")
    with pytest.raises(ValueError, match=r"what = 'ppf'"):
        interpolant.evaluate_law(2, 0.0, "ppf")
    with pytest.raises(ValueError, match=r"scale = -1.0"):
        interpolant.evaluate_law(2, 0.0, "cdf", scale=-1.0)
    with pytest.raises(ValueError, match=r"beta = 5"):
        interpolant.evaluate(5, np.zeros(3))


# ----------------------------------------------------------------------------- cache
def test_disk_cache_is_written_atomically_reused_and_survives_corruption(tmp_path, monkeypatch):
    monkeypatch.setenv("RMTHEORY_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(interpolant, "_tables", None)
    first = interpolant.tables()
    files = list(tmp_path.iterdir())
    assert [f.name for f in files] == [interpolant.cache_path().name]  # no temporary left behind
    monkeypatch.setattr(interpolant, "_tables", None)
    again = interpolant.tables()  # read back from disk
    assert all(np.array_equal(first[k], again[k]) for k in first)
    files[0].write_bytes(b"not an npz file")  # corrupt: rebuilt, not trusted
    monkeypatch.setattr(interpolant, "_tables", None)
    rebuilt = interpolant.tables()
    assert all(np.array_equal(first[k], rebuilt[k]) for k in first)


# ----------------------------------------------------------------------------- Monte-Carlo
def test_truncated_tridiagonal_gives_the_full_largest_eigenvalue():
    # Edelman-Persson: the top-left 10·m^{1/3} rows carry λ_max (here m = 3000, k = 145)
    rng = np.random.default_rng(0)
    m, beta = 3000, 2
    scale = math.sqrt(2.0 / (beta * m))
    for _ in range(5):
        diag = rng.standard_normal(m) * scale
        off = np.sqrt(rng.chisquare(beta * np.arange(m - 1, 0, -1.0))) * scale / math.sqrt(2.0)
        full = ensembles._largest_tridiagonal(diag[None], off[None])[0]
        k = int(math.ceil(10 * m ** (1 / 3)))
        top = ensembles._largest_tridiagonal(diag[None, :k], off[None, : k - 1])[0]
        assert abs(full - top) < 1e-13  # rounding of the eigensolver (λ ≈ 2); 2e-11 in TW units


def test_beta4_ensemble_scaling_is_what_beta_hermite_and_gse_follow():
    # n^{2/3}(λ_max − 2) of the β = 4 Hermite model follows TracyWidom(4, "ensemble") (2^{−1/6}·TW-1996);
    # the often-quoted √2·TW-1996 ("F4(x/√2)") and TW-1996 itself are rejected by the same sample
    rng = np.random.default_rng(4)
    n = 400
    center, scale = edge.wigner_edge(n, 4)
    z = (edge.beta_hermite_largest(n, 4, size=3000, rng=rng) - center) / scale
    ens = rmt.TracyWidom(4, scaling="ensemble")
    assert not ks_test(z, ens).rejects(0.01)
    assert ks_test(z / math.sqrt(2.0), rmt.TracyWidom(4)).rejects(0.01)  # the √2 hypothesis
    assert ks_test(z, rmt.TracyWidom(4)).rejects(0.01)
    # the dense GSE of rmtheory.ensembles is the same model (n = 30, 500 matrices)
    center, scale = edge.wigner_edge(30, 4)
    dense = [ensembles.eigenvalues(ensembles.gse(30, rng=rng), quaternion=True)[-1] for _ in range(500)]
    assert not ks_test((np.array(dense) - center) / scale, ens).rejects(0.01)


def test_sample_draws_are_the_rescaled_largest_eigenvalue():
    law = rmt.TracyWidom(1)
    draws = law.sample(1000, rng=np.random.default_rng(11))
    assert draws.shape == (1000,) and np.all(np.diff(draws) >= 0)
    assert not ks_test(draws, law).rejects(0.01)
    assert ks_test(draws, rmt.TracyWidom(2)).rejects(0.01)
