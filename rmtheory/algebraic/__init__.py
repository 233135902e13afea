"""The symbolic polynomial method: P(g, z) of algebraic laws and their edges from its discriminant.

See :mod:`rmtheory.algebraic.polynomials` (the polynomial of a law, ⊞ and ⊠ by resultants, Rao &
Edelman 2008) and :mod:`rmtheory.algebraic.discriminant` (support edges as real roots of the
discriminant, refined with mpmath). The names below load on first use, so ``import rmtheory``
does not pay for importing sympy.

Example::

    >>> import rmtheory as rmt
    >>> from rmtheory import algebraic
    >>> [float(e) for e in algebraic.edges(rmt.MarchenkoPastur(0.25), dps=30)]
    [0.25, 2.25]
"""

import importlib

from rmtheory.laws import base as _base

_EXPORTS = {
    "polynomial": "polynomials", "rational": "polynomials", "register": "polynomials",
    "residual": "polynomials", "NotAlgebraicError": "polynomials", "g": "polynomials", "z": "polynomials",
    "discriminant": "discriminant", "edges": "discriminant", "support": "discriminant",
}

__all__ = sorted(_EXPORTS)


def _polynomial_of(law):
    return importlib.import_module(f"{__name__}.polynomials").polynomial(law)


# SpectralLaw.polynomial() delegates here; the laws sit below this package and do not import it
_base.register_polynomial_method(_polynomial_of)


def __getattr__(name):  # PEP 562: import the sympy-backed modules on first use
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
