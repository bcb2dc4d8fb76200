"""Optional packages of the extensions: imported when used, with one clear error when
they are missing (the extension modules themselves always import)."""
from __future__ import annotations

import importlib

from ..errors import NeurogenError


class MissingExtraError(NeurogenError, ImportError):
    """An extension was used without the optional package it needs."""


class NotAvailableError(NeurogenError, ImportError):
    """A name of ANNarchy's extensions that neurogen does not provide."""


def require(module: str, purpose: str, install: str):
    """``import module`` or raise :class:`MissingExtraError` saying what to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(f"{purpose} needs the package '{module.split('.')[0]}', "
                                f"which is not installed: pip install {install}") from None
