"""Network-level predictions: what random-matrix theory says about a network's spectra.

Front doors :func:`hessian`, :func:`ggn`, :func:`jacobian`, :func:`gram` take an architecture and a
data description and dispatch to the theory that applies (:mod:`rmtheory.predict.doors`); the
theories are usable directly too. Each returns a :class:`Prediction`.
"""
import sys as _sys
import types as _types

from rmtheory.params import NoTheoryError
from rmtheory.predict.activations import ACTIVATIONS, Activation, ActivationMoments, activation, activation_moments
from rmtheory.predict.before_training import Advice, advise, critical_sigma_w
from rmtheory.predict.class_structure import class_outliers
from rmtheory.predict.critical_point_hessian import (
    critical_epsilon,
    pennington_bahri,
    pennington_bahri_index,
    pennington_bahri_law,
)
from rmtheory.predict.doors import ggn, gram, hessian, jacobian
from rmtheory.predict.glm import least_squares_hessian, logistic_hessian, softmax_hessian
from rmtheory.predict.hessian_at_init import two_layer_hessian_at_init
from rmtheory.predict.input_output_jacobian import (
    DeepJacobian,
    MeanField,
    deep_jacobian,
    jacobian_edge_growth,
    mean_field,
)
from rmtheory.predict.ntk import TwoLayerNTKGram, two_layer_ntk_gram, two_layer_ntk_law
from rmtheory.predict.random_features import RandomFeaturesGram, random_features_gram, random_features_law
from rmtheory.predict.record import OutlierPrediction, Prediction
from rmtheory.predict.scaling import edge_prefactor, scaling, tracy_widom_edge

__all__ = [
    # front doors
    "hessian", "ggn", "jacobian", "gram",
    # the record every prediction returns
    "Prediction", "OutlierPrediction", "NoTheoryError",
    # theories, usable directly
    "least_squares_hessian", "logistic_hessian", "softmax_hessian",
    "random_features_gram", "random_features_law", "two_layer_ntk_gram", "two_layer_ntk_law",
    "deep_jacobian", "DeepJacobian", "mean_field", "MeanField", "jacobian_edge_growth",
    "two_layer_hessian_at_init",
    # theory before training: critical initialization, GGN λ_max at init, the stable GD step
    "advise", "Advice", "critical_sigma_w",
    "pennington_bahri", "pennington_bahri_law", "pennington_bahri_index", "critical_epsilon",
    "class_outliers",
    # activations and edge scaling
    "activation", "activation_moments", "Activation", "ActivationMoments", "ACTIVATIONS",
    "scaling", "edge_prefactor", "tracy_widom_edge",
    # deprecated aliases, kept for one release
    "RandomFeaturesGram", "TwoLayerNTKGram",
]


class _Package(_types.ModuleType):
    """This package's module type. Importing the deprecated module ``rmtheory.predict.pennington_bahri``
    (now :mod:`rmtheory.predict.critical_point_hessian`) makes Python bind the package attribute of
    that name to the module, which would hide the function :func:`pennington_bahri` from every later
    ``rmtheory.predict.pennington_bahri(...)``; the function keeps the name (drop this with the alias)."""

    def __setattr__(self, name, value):
        if name == "pennington_bahri" and isinstance(value, _types.ModuleType):
            return
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package
