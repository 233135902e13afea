"""The symbolic polynomial method: P(g, z) of algebraic laws and their edges from its discriminant.

See :mod:`rmtheory.algebraic.polynomials` (the polynomial of a law, ⊞ and ⊠ by resultants, Rao &
Edelman 2008) and :mod:`rmtheory.algebraic.discriminant` (support edges as real roots of the
discriminant, refined with mpmath).

Example::

    >>> import rmtheory as rmt
    >>> from rmtheory import algebraic
    >>> [float(e) for e in algebraic.edges(rmt.MarchenkoPastur(0.25), dps=30)]
    [0.25, 2.25]
"""

from rmtheory.algebraic.polynomials import NotAlgebraicError, g, polynomial, rational, register, residual, z
from rmtheory.algebraic.discriminant import discriminant, edges, support

__all__ = ["polynomial", "edges", "support", "discriminant", "rational", "register", "residual",
           "NotAlgebraicError", "g", "z"]
