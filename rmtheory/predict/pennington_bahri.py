"""Deprecated alias: the Pennington-Bahri Hessian is :mod:`rmtheory.predict.critical_point_hessian`.

Kept for one release so that ``from rmtheory.predict.pennington_bahri import ...`` keeps working
(with a DeprecationWarning at import); new code imports :mod:`rmtheory.predict.critical_point_hessian`.
"""

from rmtheory.predict._deprecation import renamed_module
from rmtheory.predict.critical_point_hessian import *  # noqa: F403
from rmtheory.predict.critical_point_hessian import (  # noqa: F401
    SOURCE,
    __all__,
    critical_epsilon,
    index_prefactor,
    pennington_bahri,
    pennington_bahri_index,
    pennington_bahri_law,
)

renamed_module(__name__, "rmtheory.predict.critical_point_hessian")
