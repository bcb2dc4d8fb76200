"""Every error neurogen raises on purpose derives from :class:`NeurogenError`.

Model errors carry the object they concern, the offending equation and a caret, so a
user never has to read a sympy, jinja2 or compiler traceback to find the mistake.
"""
from __future__ import annotations


class NeurogenError(Exception):
    """Base class of all neurogen errors."""


#: ANNarchy's name of its base error, so ``except ANNarchyException`` keeps working
ANNarchyException = NeurogenError


class ModelError(NeurogenError):
    """A neuron, synapse or function definition that cannot be understood.

    Attributes name the object (``obj``), the field (``parameters``, ``equations``…),
    the 1-based line inside that field, the equation text and the column of the problem.
    """

    def __init__(self, message: str, *, obj: str | None = None, field: str | None = None,
                 line: int | None = None, equation: str | None = None,
                 column: int | None = None, token: str | None = None):
        self.reason = message
        self.obj, self.field, self.line = obj, field, line
        self.equation, self.column, self.token = equation, column, token
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.obj:
            where.append(self.obj)
        if self.field:
            where.append(self.field + (f" line {self.line}" if self.line else ""))
        head = f"{' / '.join(where)}: {self.reason}" if where else self.reason
        if self.equation is None:
            return head
        text = f"{head}\n    {self.equation}"
        column = self.column
        if column is None and self.token:
            found = self.equation.find(self.token)
            column = found if found >= 0 else None
        if column is not None:
            width = max(1, len(self.token)) if self.token else 1
            text += "\n    " + " " * column + "^" * width
        return text


class ParseError(ModelError):
    """Syntax error in an equation string."""


class UnknownNameError(ModelError):
    """An equation uses a name that is neither declared nor built in."""


class UnknownFunctionError(ModelError):
    """An equation calls a function that is neither built in nor declared in ``functions``."""


class FlagError(ModelError):
    """An unknown flag, or a flag with a bad value (``: min=``, ``: init=``, methods…)."""


class ODEError(ModelError):
    """An ODE that cannot be solved for its derivative, or a method that cannot integrate it."""


class NetworkError(NeurogenError):
    """Misuse of populations, projections, monitors or the network (shapes, state, targets)."""


class ShapeError(NetworkError, ValueError):
    """An array assigned to an attribute does not match the geometry."""


class UnknownKeywordError(NetworkError, TypeError):
    """A keyword argument the function does not know (shown with a did-you-mean)."""


class UnknownAttributeError(NetworkError, AttributeError):
    """Setting an attribute that the object does not have (shown with a did-you-mean)."""


class InvalidValueError(NetworkError, ValueError):
    """A value of the wrong type or out of range (NaN duration, negative period…)."""


class CompilerFlagError(InvalidValueError):
    """A flag in ``compile(compiler_flags=...)`` that neurogen does not pass to the compiler
    (``flag`` names it)."""

    def __init__(self, message: str, *, flag: str | None = None):
        self.flag = flag
        super().__init__(message)


class ConnectivityError(NetworkError):
    """A connector cannot connect the given populations."""


class BuildError(NeurogenError):
    """The C++ compiler failed. Shows its first error and where the generated sources are kept."""

    def __init__(self, message: str, *, first_error: str = "", sources: str = ""):
        self.first_error, self.sources = first_error, sources
        text = message
        if first_error:
            text += f"\n  first compiler error: {first_error}"
        if sources:
            text += f"\n  generated sources kept in: {sources}"
        super().__init__(text)


class SimulationError(NeurogenError):
    """The simulation produced a non-finite value (NaN or infinity): names the
    population, the variable, the neuron and the step where it appeared."""

    def __init__(self, message: str, *, population: str = "", variable: str = "",
                 neuron=None, step: int | None = None):
        self.population, self.variable, self.neuron, self.step = \
            population, variable, neuron, step
        super().__init__(message)


class BackendUnavailable(NeurogenError):
    """The requested backend (compiler, OpenMP, CUDA) is not available on this machine."""
