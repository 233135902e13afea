"""Parameter domains, declared as data and checked where input enters, and the error contract
(public: ``validation`` and ``papers`` use the same domains and errors).

Every failure of the library is one of three errors, each naming what failed and what to change:
:class:`ParameterError` (a value outside its domain), :class:`NoTheoryError` (no implemented
theory applies; a ``ParameterError``) and :class:`SolverError` (a numerical method did not reach
its stated accuracy). The command line reports each as one line with exit status 2.

Every public constructor and function checks its parameters through :func:`check`, so a bad value
is refused with one message that names the parameter, its value and the allowed range, e.g.::

    >>> from rmtheory.params import check, Real
    >>> check("ratio", -1.0, Real(0, None, low_open=True))
    Traceback (most recent call last):
    ...
    rmtheory.params.ParameterError: ratio = -1.0 is outside the allowed range (0, inf)
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

__all__ = ["ParameterError", "NoTheoryError", "SolverError", "Real", "Integer", "OneOf", "check", "Parameter",
           "MAGNITUDE", "SCALE", "LOCATION", "RATIO"]


class ParameterError(ValueError):
    """A parameter value outside its declared domain.

    Attributes ``name``, ``value`` and ``allowed`` hold the pieces of the message, so a caller (the
    CLI, a suite runner) can re-word it without parsing.
    """

    def __init__(self, name: str, value, allowed: str, detail: str = ""):
        self.name, self.value, self.allowed = name, value, allowed
        extra = f" ({detail})" if detail else ""
        super().__init__(f"{name} = {value!r} is outside the allowed range {allowed}{extra}")


class NoTheoryError(ParameterError):
    """No implemented theory applies to the architecture and data described.

    The message says what is missing or unsupported, and what would make a theory apply; it never
    falls back to a guess. It is a :class:`ParameterError`, so the command line reports it as one
    line with exit status 2.

    Example::

        >>> raise NoTheoryError("depth", 40, "a depth at which the law resolves")
        Traceback (most recent call last):
        ...
        rmtheory.params.NoTheoryError: no theory for depth = 40: needs a depth at which the law resolves
    """

    def __init__(self, what: str, value, needed: str, detail: str = ""):
        self.name, self.value, self.allowed = what, value, needed
        extra = f"; {detail}" if detail else ""
        ValueError.__init__(self, f"no theory for {what} = {value!r}: needs {needed}{extra}")


class SolverError(RuntimeError):
    """A solver did not converge, could not certify its branch, or could not reach the accuracy a
    result must state (a cdf whose mass or tolerance does not resolve). The message says which
    law or quantity, what did not resolve and, where known, which parameter to change."""


@dataclass(frozen=True)
class Real:
    """A real interval; ``None`` for an unbounded side. NaN is never inside."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    def describe(self) -> str:
        lo = "-inf" if self.low is None else _fmt(self.low)
        hi = "inf" if self.high is None else _fmt(self.high)
        left = "(" if (self.low_open or self.low is None) else "["
        right = ")" if (self.high_open or self.high is None) else "]"
        return f"{left}{lo}, {hi}{right}"

    def convert(self, value):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return None
        value = float(value)
        if math.isnan(value):
            return None
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            return None
        if self.high is not None and (value > self.high or (self.high_open and value == self.high)):
            return None
        if (self.low is None or self.high is None) and math.isinf(value):
            return None
        return value


@dataclass(frozen=True)
class Integer:
    """Integers in ``[low, high]`` (either side may be ``None``). Integral floats (3.0) are accepted."""

    low: int | None = None
    high: int | None = None

    def describe(self) -> str:
        lo = "-inf" if self.low is None else str(self.low)
        hi = "inf" if self.high is None else str(self.high)
        return f"[{lo}, {hi}] (integers)"

    def convert(self, value):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return None
        if isinstance(value, numbers.Integral):
            value = int(value)
        else:
            if not math.isfinite(value) or value != int(value):
                return None
            value = int(value)
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            return None
        return value


@dataclass(frozen=True)
class OneOf:
    """A finite set of allowed values."""

    values: tuple

    def describe(self) -> str:
        return "{" + ", ".join(_fmt(v) for v in self.values) + "}"

    def convert(self, value):
        for allowed in self.values:
            try:
                if value == allowed and type(value) is not bool:
                    return allowed
            except TypeError:
                continue
        return None


#: the largest magnitude a location or scale may have. Far below the float range on purpose: edges,
#: Stieltjes transforms and low moments of a law square or cube its scale (1e100² = 1e200), so every
#: output of an accepted law stays finite; a law at 1e308 would overflow without saying so.
MAGNITUDE = 1e100
#: a positive scale (variance, σ_w, a covariance eigenvalue): [1e-100, 1e100]
SCALE = Real(1.0 / MAGNITUDE, MAGNITUDE)
#: a location (a centre, an atom, a shift): [-1e100, 1e100]
LOCATION = Real(-MAGNITUDE, MAGNITUDE)
#: an aspect ratio p/n: [1e-12, 1e12], where the Marchenko-Pastur bulk's relative width 4√ratio
#: (≥ 4e-6) is still resolved in double precision (at 1e-300 it collapses onto one float)
RATIO = Real(1e-12, 1e12)


def _fmt(v) -> str:
    if isinstance(v, float) and v == int(v) and abs(v) < 1e6:
        return str(int(v))
    if isinstance(v, float):
        return f"{v:g}"
    return repr(v) if isinstance(v, str) else str(v)


def check(name: str, value, domain, detail: str = ""):
    """Return ``value`` converted to the domain's type, or raise :class:`ParameterError`."""
    converted = domain.convert(value)
    if converted is None:
        raise ParameterError(name, value, domain.describe(), detail)
    return converted


@dataclass(frozen=True)
class Parameter:
    """A named, documented parameter of a law: what the grammar, the CLI and ``rmtheory laws`` show."""

    name: str
    domain: object
    default: object = None
    doc: str = ""

    @property
    def required(self) -> bool:
        return self.default is None
