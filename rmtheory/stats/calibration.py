"""Thresholds calibrated at the run's size: the null distribution of a check's statistic from the
prediction's own random-matrix model (a parametric bootstrap), and the power of the check against
nearby wrong predictions.

Why. The eigenvalues of one matrix are not iid draws: they repel, and their empirical cdf deviates
from its limit by O(log n / n) in the bulk (eigenvalue rigidity; Erdős, Yau & Yin 2012, Adv. Math.
229, Thm 2.2), not O(n^{-1/2}). The Kolmogorov p-value, which assumes iid draws, is therefore
extremely conservative for a spectrum: at n = 200 eigenvalues of a Wishart matrix the iid 1 % KS
threshold is 0.115, while the 99 % quantile of the KS distance of real Wishart spectra to their
law is 0.019, so a prediction off by 0.1 in cdf everywhere would still "pass" the iid test.
The largest eigenvalue fluctuates on the Tracy-Widom scale n^{-2/3} around a finite-n centre,
not around the n → ∞ edge.

Method. For a law L, a size n and a statistic T, draw ``draws`` matrices of the law's own model at
that size (``law.sample(n)``, or a ``sampler`` that reproduces the run's exact shapes, e.g. the
same N, d and P), compute T on each against L, and take the empirical quantiles of these values
as the thresholds (upper (1 − level) quantile for a distance such as KS; the two-sided
[level/2, 1 − level/2] band for a location such as λ_max). The Monte-Carlo error of a threshold is
stated as a distribution-free 95 % interval from the binomial law of order statistics. The
default number of draws, ⌈20/level⌉ (2000 at level 0.01), puts about 20 null values beyond the
threshold. Results are cached by (law, n, statistic, level, draws, seed).

Power. A check has teeth only if it rejects a nearby wrong prediction at the size it runs:
:func:`control_outcomes` judges measured eigenvalues against each control law with the control's
own calibrated threshold (what a record states), and :func:`power` estimates, before any run, the
probability that data from the true model reject a given wrong law.

Example::

    >>> import rmtheory as rmt
    >>> from rmtheory.stats.calibration import calibrate
    >>> law = rmt.MarchenkoPastur(0.5)
    >>> cal = calibrate(law, 200, "ks", level=0.01, draws=500, rng=0)
    >>> cal.threshold < 0.03 < 0.115        # calibrated vs the iid Kolmogorov 1 % threshold
    True
    >>> cal.rejects(cal.statistic_of(law.sample(200, rng=1)))   # a fresh matrix of the model
    False
    >>> cal_wrong = calibrate(rmt.MarchenkoPastur(0.55), 200, "ks", level=0.01, draws=500, rng=0)
    >>> cal_wrong.rejects(cal_wrong.statistic_of(law.sample(200, rng=1)))   # ratio off by 10 %
    True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from scipy import stats as _st

from rmtheory.params import Integer, ParameterError, Real, check

__all__ = ["Calibration", "ControlOutcome", "calibrate", "calibrate_joint", "control_outcomes", "power", "STATISTICS",
           "default_draws", "clear_cache"]


def _ks(eigenvalues, law) -> float:
    from rmtheory.stats.goodness_of_fit import ks_test

    return ks_test(eigenvalues, law).statistic


def _top(eigenvalues, law) -> float:
    return float(np.max(eigenvalues))


#: name → (statistic(eigenvalues, law) → float, two_sided). KS is a distance (large rejects);
#: "top", the largest eigenvalue, is a location judged by a two-sided band.
STATISTICS: dict[str, tuple[Callable, bool]] = {"ks": (_ks, False), "top": (_top, True)}

_CACHE: dict = {}


def clear_cache() -> None:
    """Forget every cached null distribution."""
    _CACHE.clear()


def default_draws(level: float) -> int:
    """⌈20/level⌉, at least 200: about 20 null values beyond the threshold."""
    return max(200, math.ceil(20.0 / level))


@dataclass(frozen=True)
class Calibration:
    """A statistic's null distribution at one size and the thresholds taken from it.

    ``threshold`` is the upper (1 − level) quantile for a one-sided statistic; ``band`` the
    [level/2, 1 − level/2] quantiles for a two-sided one (``threshold`` is then its upper end).
    ``threshold_interval`` is a distribution-free 95 % interval of the threshold's Monte-Carlo error.
    """

    statistic: str
    law: str
    n: int
    level: float
    draws: int
    two_sided: bool
    threshold: float
    band: tuple[float, float] | None
    threshold_interval: tuple[float, float]
    null: np.ndarray = field(repr=False, compare=False)
    method: str = ""
    _function: Callable = field(default=None, repr=False, compare=False)
    _law_object: object = field(default=None, repr=False, compare=False)

    def statistic_of(self, eigenvalues) -> float:
        """The statistic of measured eigenvalues against the calibrated law."""
        return float(self._function(np.sort(np.asarray(eigenvalues, dtype=float)), self._law_object))

    def p_value(self, value: float) -> float:
        """Monte-Carlo p-value (1 + #{null at least as extreme}) / (draws + 1); two-sided for a band."""
        value = float(value)
        null = self.null
        if self.two_sided:
            tail = min(np.count_nonzero(null >= value), np.count_nonzero(null <= value))
            return min(1.0, 2.0 * (1 + tail) / (self.draws + 1))
        return (1 + np.count_nonzero(null >= value)) / (self.draws + 1)

    def rejects(self, value: float) -> bool:
        """True when ``value`` lies beyond the calibrated threshold (outside the band)."""
        value = float(value)
        if not math.isfinite(value):
            return True
        if self.two_sided:
            return not (self.band[0] <= value <= self.band[1])
        return value > self.threshold

    def summary(self) -> dict:
        """Plain numbers for a record: the method, the draws and the thresholds."""
        out = {"statistic": self.statistic, "law": self.law, "n": self.n, "level": self.level,
               "draws": self.draws, "threshold": self.threshold,
               "threshold_interval": list(self.threshold_interval), "method": self.method}
        if self.band is not None:
            out["band"] = list(self.band)
        return out


@dataclass(frozen=True)
class ControlOutcome:
    """How a check judged a nearby wrong prediction on the measured data."""

    name: str
    law: str
    value: float
    threshold: float
    band: tuple[float, float] | None
    rejected: bool


def _quantile_interval(null: np.ndarray, q: float) -> tuple[float, float]:
    """95 % distribution-free interval of the q-quantile from the order statistics (binomial)."""
    m = null.size
    lo = int(_st.binom.ppf(0.025, m, q))
    hi = int(_st.binom.ppf(0.975, m, q))
    return float(null[max(lo - 1, 0)]), float(null[min(hi, m - 1)])


def _statistic(statistic, two_sided):
    """(name, function, two-sided) of a statistic given by name or as a callable."""
    if isinstance(statistic, str):
        if statistic not in STATISTICS:
            raise ParameterError("statistic", statistic, f"one of {sorted(STATISTICS)} or a callable")
        function, default_sided = STATISTICS[statistic]
        name = statistic
    elif callable(statistic):
        function, default_sided, name = statistic, None, getattr(statistic, "__name__", "custom")
    else:
        raise ParameterError("statistic", statistic, f"one of {sorted(STATISTICS)} or a callable")
    sided = default_sided if two_sided is None else bool(two_sided)
    if sided is None:
        raise ParameterError("two_sided", two_sided, "True or False for a custom statistic")
    return name, function, sided


def calibrate(law, n: int, statistic="ks", *, level: float = 0.01, draws: int | None = None, rng=0,
              sampler: Callable | None = None, sampler_key=None, two_sided: bool | None = None) -> Calibration:
    """The null distribution of ``statistic`` for n eigenvalues of the law's model, and its thresholds.

    ``statistic`` is a name of :data:`STATISTICS` or a callable ``(eigenvalues, law) -> float``
    (then give ``two_sided``). ``sampler(n, rng) -> eigenvalues`` replaces ``law.sample`` when the
    run's matrix has shapes the law's model does not reproduce at size n (e.g. eigenvalues pooled
    from several matrices); pass ``sampler_key`` (any hashable naming those shapes) to cache it.
    ``rng`` is an integer seed, so a calibration is reproducible and cacheable. Method: module
    docstring.
    """
    return calibrate_joint(law, n, (statistic,), level=level, draws=draws, rng=rng, sampler=sampler,
                           sampler_key=sampler_key, two_sided=two_sided)[0]


def calibrate_joint(law, n: int, statistics=("ks", "top"), *, level: float = 0.01, draws: int | None = None,
                    rng=0, sampler: Callable | None = None, sampler_key=None,
                    two_sided: bool | None = None) -> list[Calibration]:
    """:func:`calibrate` for several statistics from the same null matrices (one draw, several
    statistics: the bulk KS distance and λ_max of a run cost one bootstrap). Returns one
    :class:`Calibration` per statistic, in order."""
    n = check("n", n, Integer(2, 10**6))
    level = check("level", level, Real(0.0, 0.5, low_open=True, high_open=True))
    draws = default_draws(level) if draws is None else check("draws", draws, Integer(20, 10**7))
    rng = check("rng", rng, Integer(0, None))
    specs = [_statistic(s, two_sided) for s in statistics]
    if level * draws < 5:
        raise ParameterError("draws", draws, f"at least {math.ceil(5 / level)} at level {level} (5 null values "
                             "beyond the threshold)")
    cacheable = (sampler is None or sampler_key is not None) and all(isinstance(s, str) for s in statistics)
    keys = [(law.expression(), n, name, sided, draws, rng, sampler_key) for name, _, sided in specs]
    nulls = [_CACHE.get(key) for key in keys] if cacheable else [None] * len(specs)
    if any(null is None for null in nulls):
        generator = np.random.default_rng(rng)
        draw = sampler if sampler is not None else (lambda size, g: law.sample(size, rng=g))
        values = np.empty((len(specs), draws))
        for i in range(draws):
            eigenvalues = np.sort(np.asarray(draw(n, generator), dtype=float))
            for j, (_, function, _) in enumerate(specs):
                values[j, i] = function(eigenvalues, law)
        nulls = [np.sort(v) for v in values]
        if not all(np.all(np.isfinite(null)) for null in nulls):
            raise ParameterError("law", law.expression(), "a model whose statistic is finite on every draw")
        if cacheable:
            _CACHE.update(zip(keys, nulls))
    source = "law.sample" if sampler is None else f"sampler {sampler_key!r}"
    out = []
    for (name, function, sided), null in zip(specs, nulls):
        if sided:
            band = (float(np.quantile(null, level / 2)), float(np.quantile(null, 1 - level / 2)))
            threshold, interval = band[1], _quantile_interval(null, 1 - level / 2)
        else:
            band, threshold = None, float(np.quantile(null, 1 - level))
            interval = _quantile_interval(null, 1 - level)
        method = (f"parametric bootstrap: {draws} matrices of size {n} from {source}, "
                  f"{'two-sided band' if sided else 'upper quantile'} at level {level:g}")
        out.append(Calibration(name, law.expression(), n, level, draws, sided, threshold, band, interval, null,
                               method, function, law))
    return out


def control_outcomes(eigenvalues, controls: dict, statistic="ks", *, level: float = 0.01,
                     draws: int | None = None, rng=0) -> list[ControlOutcome]:
    """Judge measured eigenvalues against each nearby wrong prediction with its own calibrated test.

    ``controls`` maps a name (e.g. "ratio +10%") to a law. A control that is *not* rejected is one
    the check cannot tell from the prediction at this size.
    """
    eigenvalues = np.sort(np.asarray(eigenvalues, dtype=float))
    out = []
    for name, law in controls.items():
        cal = calibrate(law, eigenvalues.size, statistic, level=level, draws=draws, rng=rng)
        value = cal.statistic_of(eigenvalues)
        out.append(ControlOutcome(name, law.expression(), value, cal.threshold, cal.band, cal.rejects(value)))
    return out


def power(true_law, wrong_law, n: int, statistic="ks", *, level: float = 0.01, draws: int | None = None,
          trials: int = 200, rng=0) -> float:
    """Probability that a check calibrated for ``wrong_law`` rejects it when the n eigenvalues come
    from ``true_law``'s model: the check's power against that alternative at size n (Monte Carlo
    over ``trials`` independent matrices)."""
    trials = check("trials", trials, Integer(1, 10**6))
    cal = calibrate(wrong_law, n, statistic, level=level, draws=draws, rng=rng)
    generator = np.random.default_rng(np.random.SeedSequence([rng, 1]))
    rejected = sum(cal.rejects(cal.statistic_of(true_law.sample(n, rng=generator))) for _ in range(trials))
    return rejected / trials
