"""How ``Network`` and its subclasses are constructed, as in ANNarchy 5 (the metaclass
of :class:`~neurogen.core.network.Network`)."""
from __future__ import annotations

from ..errors import UnknownKeywordError
from ..validation import reject_unknown
from .network_options import CONSTRUCTOR

#: the keywords a Network subclass's constructor takes off for Network itself (ANNarchy 5)
TAKEN_OFF = ("dt", "seed")


class Constructed(type):
    """How ``Network`` subclasses are constructed, as in ANNarchy 5: ``MyNet(N=10, dt=0.1,
    seed=1)`` gives ``dt`` and ``seed`` to ``Network.__init__``, which runs first, then
    calls ``MyNet.__init__(N=10)``: the subclass need not call ``super().__init__()``, and
    if it does, that call leaves ``dt`` and ``seed`` alone. ``Network(...)`` itself, and a
    subclass without its own ``__init__``, take every option of ``Network``. The arguments
    are kept for :meth:`Network.parallel_run`."""

    def __call__(cls, *args, **kwargs):
        Network = [c for c in cls.__mro__ if isinstance(c, Constructed)][-1]  # the root
        if cls.__init__ is Network.__init__:
            self = super().__call__(*args, **kwargs)
        else:
            taken = {key: kwargs.pop(key) for key in TAKEN_OFF if key in kwargs}
            check_constructor_keywords(cls, kwargs)
            self = cls.__new__(cls)
            Network.__init__(self, **taken)
            cls.__init__(self, *args, **kwargs)
        self.constructor_arguments = (args, kwargs)   # for parallel_run: the copies
        return self


def check_constructor_keywords(cls, kwargs: dict):
    """A keyword the subclass's ``__init__`` does not take: a did-you-mean, and for the
    options of ``Network`` other than dt and seed, where they go instead."""
    import inspect
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return
    known = [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    unknown = {k: v for k, v in kwargs.items() if k not in known}
    option = next((k for k in unknown if k in CONSTRUCTOR), None)
    if option is not None:
        raise UnknownKeywordError(
            f"{cls.__name__}(): unknown keyword argument '{option}' ({cls.__name__}.__init__ "
            f"does not take it, and a Network subclass takes only dt= and seed= for "
            f"Network: set it with net.config({option}=...))")
    reject_unknown(f"{cls.__name__}()", unknown, [*known, *TAKEN_OFF])
