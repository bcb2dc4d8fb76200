"""ANNarchy's module name for :class:`~neurogen.extensions.logger.Logger`."""
from .logger import Logger, MissingExtraError

__all__ = ["Logger", "MissingExtraError"]
