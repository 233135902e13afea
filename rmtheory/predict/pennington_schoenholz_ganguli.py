"""Deprecated alias: the deep input-output Jacobian is :mod:`rmtheory.predict.input_output_jacobian`.

Kept for one release so that ``from rmtheory.predict.pennington_schoenholz_ganguli import ...`` keeps
working (with a DeprecationWarning at import); new code imports
:mod:`rmtheory.predict.input_output_jacobian`.
"""

from rmtheory.predict._deprecation import renamed_module
from rmtheory.predict.input_output_jacobian import *  # noqa: F403
from rmtheory.predict.input_output_jacobian import (  # noqa: F401
    SOURCE,
    WEIGHTS,
    DeepJacobian,
    MeanField,
    __all__,
    deep_jacobian,
    jacobian_edge_growth,
    mean_field,
)

renamed_module(__name__, "rmtheory.predict.input_output_jacobian")
