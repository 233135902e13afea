"""Deprecated alias: the inverse-function engine is :mod:`rmtheory.laws.inverse_function`.

Kept for one release so that ``from rmtheory.predict.inverse_law import InverseFunctionLaw`` keeps
working; new code imports it from :mod:`rmtheory.laws.inverse_function`.
"""

from rmtheory.laws.inverse_function import InverseFunctionLaw, SolverError

__all__ = ["InverseFunctionLaw", "SolverError"]
