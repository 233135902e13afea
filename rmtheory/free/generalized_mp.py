"""The generalized Marchenko-Pastur law (Silverstein & Bai 1995; Marchenko & Pastur 1967).

The limiting spectrum of B = (1/n) Σ^{1/2} X Xᵀ Σ^{1/2}, X of size p×n with iid unit-variance
entries, ratio = p/n, and the eigenvalues of the p×p covariance Σ distributed as ``population``
(any law on [0, ∞): ``Atoms`` for a finite population, a continuous law, a measured spectrum). It is
the Hessian of least squares with correlated features, and of a generalized linear model with
Σ replaced by the link-weighted covariance (Liao & Mahoney 2021).

Since X Xᵀ/n is asymptotically free from Σ, B's law is population ⊠ MP(ratio); it is solved by the
same certified subordination engine as every ⊠. Silverstein & Choi (1995, J. Multivariate Anal.
54, Thms 4.1–4.2) give an independent characterization — the complement of the support is the set
of values x(m) = −1/m + ratio·∫ t/(1 + t m) dH(t) over real m with x'(m) > 0 — which the tests
use as the reference for the edges.

Example::

    >>> import rmtheory as rmt
    >>> law = rmt.GeneralizedMarchenkoPastur(0.1, rmt.Atoms([1.0, 10.0]))
    >>> len(law.support)            # two well separated population values: two bulks
    2
    >>> float(law.moment(1))        # E tr B / p = mean of the population
    5.5
"""

from __future__ import annotations

import numpy as np

from rmtheory.free.convolution import FreeMultiplicativeConvolution
from rmtheory.laws.base import SpectralLaw
from rmtheory.laws.marchenko_pastur import MarchenkoPastur
from rmtheory.params import RATIO, Parameter, ParameterError, check

__all__ = ["GeneralizedMarchenkoPastur"]


class _NonnegativeLaw:
    def describe(self) -> str:
        return "a law supported on [0, inf) (e.g. atoms([1, 2], [0.5, 0.5]))"

    def convert(self, value):
        if isinstance(value, SpectralLaw) and value._hull()[0] >= 0:
            return value
        return None


class GeneralizedMarchenkoPastur(FreeMultiplicativeConvolution):
    """Law of (1/n) Σ^{1/2} X Xᵀ Σ^{1/2}, X p×n, ``ratio = p/n``, spectrum of Σ = ``population``."""

    name = "gmp"
    summary = "generalized Marchenko-Pastur: (1/n) Σ^½ X Xᵀ Σ^½ with a population law for Σ"
    parameters = (
        Parameter("ratio", RATIO, None, "p/n, rows over columns of X"),
        Parameter("population", _NonnegativeLaw(), None, "law of the eigenvalues of Σ (on [0, inf))"),
    )

    def __init__(self, ratio: float, population, backend: str = "auto"):
        self.ratio = check("ratio", ratio, RATIO)
        if _NonnegativeLaw().convert(population) is None:
            raise ParameterError("population", population, _NonnegativeLaw().describe())
        self.population = population
        super().__init__(population, MarchenkoPastur(self.ratio), backend)

    @property
    def params(self):
        return {"ratio": self.ratio, "population": self.population}

    def expression(self) -> str:
        ratio = repr(float(self.ratio)) if self.ratio != int(self.ratio) else str(int(self.ratio))
        return f"gmp({ratio}, {self.population.expression()})"

    def _sample(self, n, rng):
        """Eigenvalues of (1/N) D^{1/2} X Xᵀ D^{1/2} with D = population.sample(n), X n×N, N = n/ratio."""
        columns = max(1, int(round(n / self.ratio)))
        sigma = np.sqrt(np.maximum(self.population.sample(n, rng), 0.0))
        x = rng.standard_normal((n, columns)) * sigma[:, None]
        if columns >= n:
            return np.linalg.eigvalsh(x @ x.T / columns)
        small = np.linalg.eigvalsh(x.T @ x / columns)  # same nonzero spectrum, n − columns zeros
        return np.concatenate([np.zeros(n - columns), small])
