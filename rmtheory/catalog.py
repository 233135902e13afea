"""The laws a user can name in an expression (``rmtheory density "mp(0.5)"``) and in ``rmtheory laws``.

One entry per grammar name; aliases point to the same class. A class declares its own parameters
(``SpectralLaw.parameters``), so adding a law to the language is one line here.
"""

from __future__ import annotations

from rmtheory.free.atoms import Atoms
from rmtheory.free.generalized_mp import GeneralizedMarchenkoPastur
from rmtheory.laws.marchenko_pastur import MarchenkoPastur
from rmtheory.laws.semicircle import Semicircle
from rmtheory.laws.tracy_widom import TracyWidom

#: grammar name → law class
LAWS: dict[str, type] = {
    "semicircle": Semicircle,
    "mp": MarchenkoPastur,
    "tw": TracyWidom,
    "atoms": Atoms,
    "gmp": GeneralizedMarchenkoPastur,
}

#: alternative spellings accepted by the parser
ALIASES: dict[str, str] = {
    "wigner": "semicircle",
    "marchenko_pastur": "mp",
    "marchenkopastur": "mp",
    "tracy_widom": "tw",
    "generalized_mp": "gmp",
}


def lookup(name: str):
    """The law class for a grammar name (case-insensitive), or ``None``."""
    key = name.lower()
    key = ALIASES.get(key, key)
    return LAWS.get(key)


def names() -> list[str]:
    return sorted(LAWS)
