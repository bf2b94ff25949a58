"""Recognizers, one per module, and the registry that finds them.

Every module in this package that defines a :class:`~anonymiser.recognizers.base.Recognizer`
subclass decorated with :func:`register` is picked up by :func:`default_recognizers`; there is no
central list to edit when a recognizer is added.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TypeVar

from anonymiser.recognizers.base import Document, PatternRecognizer, Recognizer, Sentence

__all__ = ["Document", "PatternRecognizer", "Recognizer", "Sentence", "default_recognizers", "register"]

_REGISTRY: dict[str, type[Recognizer]] = {}
R = TypeVar("R", bound=type[Recognizer])


def register(cls: R) -> R:
    """Class decorator: make a recognizer part of the default set."""
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"two recognizers are called {cls.name!r}")
    _REGISTRY[cls.name] = cls
    return cls


def _load_all() -> None:
    for info in pkgutil.iter_modules(__path__):
        if info.name != "base" and not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")


def registered() -> dict[str, type[Recognizer]]:
    _load_all()
    return dict(_REGISTRY)


def default_recognizers() -> list[Recognizer]:
    """One instance of every registered recognizer, in their run order."""
    classes = sorted(registered().values(), key=lambda c: (c.order, c.name))
    return [cls() for cls in classes]
