"""Spectral laws: the closed-form classical laws and the :class:`SpectralLaw` base they share."""

from rmtheory.laws.affine import AffineImage
from rmtheory.laws.base import SpectralLaw
from rmtheory.laws.marchenko_pastur import MarchenkoPastur
from rmtheory.laws.semicircle import Semicircle
from rmtheory.laws.tracy_widom import TracyWidom

__all__ = ["SpectralLaw", "AffineImage", "Semicircle", "MarchenkoPastur", "TracyWidom"]
