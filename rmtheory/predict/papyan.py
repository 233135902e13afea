"""Deprecated alias: Papyan's class-structure outliers are :mod:`rmtheory.predict.class_structure`.

Kept for one release so that ``from rmtheory.predict.papyan import class_outliers`` keeps working
(with a DeprecationWarning at import); new code imports :mod:`rmtheory.predict.class_structure`.
"""

from rmtheory.predict._deprecation import renamed_module
from rmtheory.predict.class_structure import *  # noqa: F403
from rmtheory.predict.class_structure import LOSSES, MATRICES, SOURCE, __all__, class_outliers  # noqa: F401

renamed_module(__name__, "rmtheory.predict.class_structure")
