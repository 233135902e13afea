"""Old names kept for one release: renamed keywords, functions and modules warn and forward.

Every rename in :mod:`rmtheory.predict` goes through these three helpers, so the warnings read
alike (each names the new spelling) and the forwarding is written once:

* :func:`renamed_keywords` — a decorator; an old keyword is passed on under its new name.
* :func:`renamed_function` — a function under its old name that warns and calls the new one.
* :func:`renamed_module` — called by a module kept under its old name, at import.

Example::

    >>> import warnings
    >>> @renamed_keywords(n0="d")
    ... def f(d):
    ...     return d
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     f(n0=3), str(caught[0].message)
    (3, 'f(n0=...) is deprecated; use f(d=...) (the old keyword is kept for one release)')
"""

from __future__ import annotations

import functools
import warnings

__all__ = ["renamed_keywords", "renamed_function", "renamed_module"]


def _move_keywords(name: str, kwargs: dict, old_to_new: dict, *, warn: bool, stacklevel: int) -> dict:
    for old, new in old_to_new.items():
        if old not in kwargs:
            continue
        if new in kwargs:
            # both spellings at once is ambiguous: refuse rather than let one silently win
            raise TypeError(f"{name}() got {old}= (deprecated) and {new}= (its new name); pass only {new}=")
        if warn:
            warnings.warn(f"{name}({old}=...) is deprecated; use {name}({new}=...) (the old keyword is kept "
                          "for one release)", DeprecationWarning, stacklevel=stacklevel + 1)
        kwargs[new] = kwargs.pop(old)
    return kwargs


def renamed_keywords(**old_to_new: str):
    """Decorator: keywords ``old=`` of the decorated function still work, with a
    :class:`DeprecationWarning` naming ``new=``, and are passed on as ``new=``. Positional calls are
    untouched (a rename keeps the parameter's position)."""

    def decorate(func):
        @functools.wraps(func)
        def forward(*args, **kwargs):
            return func(*args, **_move_keywords(func.__name__, kwargs, old_to_new, warn=True, stacklevel=2))

        return forward

    return decorate


def renamed_function(func, old_name: str, **old_to_new: str):
    """``func`` under its old name ``old_name``: each call warns once (:class:`DeprecationWarning`
    naming ``func``) and forwards, the old keywords ``old_to_new`` mapped to the new ones."""
    new_name = f"{func.__module__.rsplit('.', 1)[0]}.{func.__name__}"

    def forward(*args, **kwargs):
        warnings.warn(f"{old_name} is deprecated; use {new_name} (the old name is kept for one release)",
                      DeprecationWarning, stacklevel=2)
        return func(*args, **_move_keywords(old_name, kwargs, old_to_new, warn=False, stacklevel=2))

    forward.__name__ = forward.__qualname__ = old_name
    forward.__module__ = func.__module__
    renames = "".join(f", {old}= is {new}=" for old, new in old_to_new.items())
    forward.__doc__ = f"Deprecated alias of :func:`{new_name}` (kept for one release{renames})."
    return forward


def renamed_module(old: str, new: str) -> None:
    """Warn that module ``old`` is now ``new``; called at the import of the alias module ``old``."""
    # stacklevel 3: past this helper and the alias module, to the import statement (importlib's own
    # frames are skipped by warnings)
    warnings.warn(f"module {old} is deprecated; import {new} (the old module is kept for one release)",
                  DeprecationWarning, stacklevel=3)
