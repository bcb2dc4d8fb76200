"""A description of a network for a paper or a lab notebook (ANNarchy's ``report()``).

``report(net, "model.tex")`` writes LaTeX, ``report(net, "model.md")`` Markdown: the
populations, the neuron and synapse models with their equations (typeset from the
parsed IR, so they read as the simulator understood them), the projections and their
connectivity, the parameter values currently set, constants and monitors. Everything is
read from the network; nothing is compiled or changed.
"""
from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import sympy as sp

from .errors import NetworkError
from .io import atomic_write_text

_FORMATS = {".tex": "latex", ".md": "markdown"}
_DISTRIBUTIONS = {"Uniform": r"\mathcal{U}", "Normal": r"\mathcal{N}",
                  "LogNormal": r"\ln\mathcal{N}", "Exponential": r"\mathrm{Exp}",
                  "DiscreteUniform": r"\mathcal{U}_{\mathbb{Z}}"}


# -- equations as LaTeX ---------------------------------------------------------------------
def _symbol_names(ir) -> dict:
    """LaTeX for the IR's internal symbols (sums, draws, reductions, pre./post.)."""
    names = {}
    for rv in ir.randoms:
        args = ", ".join(sp.latex(a) for a in rv.args)
        names[rv.symbol] = f"{_DISTRIBUTIONS.get(rv.distribution, rv.distribution)}({args})"
    for red in ir.reductions:
        names[red.symbol] = rf"\operatorname{{{red.op}}}({sp.latex(red.expr)})"
    for eq in ir.equations:
        for s in eq.rhs.free_symbols:
            names.setdefault(s, _name(s.name))
    if getattr(ir, "psp", None) is not None:
        for s in ir.psp.free_symbols:
            names.setdefault(s, _name(s.name))
    return names


def _name(name: str) -> str:
    if name.startswith("_sum_"):
        return rf"\sum_{{\text{{{name[5:]}}}}}"
    for side in ("pre", "post"):
        if name.startswith(side + "."):
            return rf"{sp.latex(sp.Symbol(name[len(side) + 1:]))}^{{\text{{{side}}}}}"
    return sp.latex(sp.Symbol(name)).replace("_", r"\_") if name.startswith("_") \
        else sp.latex(sp.Symbol(name))


def equation_latex(eq, names: dict) -> str:
    rhs = sp.latex(eq.rhs, symbol_names=names)
    target = names.get(sp.Symbol(eq.target), sp.latex(sp.Symbol(eq.target)))
    lhs = rf"\frac{{d{target}}}{{dt}}" if eq.kind == "ode" else target
    text = f"{lhs} = {rhs}"
    low, high = eq.bounds
    if low is not None or high is not None:
        parts = [f"\\min = {sp.latex(low)}" if low is not None else None,
                 f"\\max = {sp.latex(high)}" if high is not None else None]
        text += r" \quad (" + ", ".join(p for p in parts if p) + ")"
    return text


# -- what to describe -----------------------------------------------------------------------
def _value(values) -> str:
    values = np.asarray(values, dtype=float).reshape(-1)
    if values.size == 0:
        return "-"
    if np.all(values == values[0]):
        return f"{values[0]:g}"
    return f"{values.min():g} .. {values.max():g} (mean {values.mean():g})"


def _pop_value(pop, name):
    return _value(pop.buffer(name))


def _proj_value(proj, name):
    state = proj.synapse_state
    if state.buffers is not None and name in state.buffers:
        return _value(state.buffers[name])
    value = state.given.get(name)
    if value is not None and not hasattr(value, "get_values"):
        return _value(value)
    if value is not None:
        return repr(value)
    return _value(proj.synapse_ir.attribute(name).init)


def _connectivity(proj) -> str:
    if proj.connectivity is None:
        return "not connected"
    n = proj.nb_synapses
    kind = type(proj).__name__
    fan_in = n / max(1, proj.size)
    text = f"{n} synapses, {fan_in:.3g} per post neuron"
    if kind != "Projection":
        text = f"{kind}, " + text
    if proj.uniform_delay:
        if float(proj.delays) > 0:
            text += f", delay {float(proj.delays):g} ms"
    else:
        text += f", delays {_value(proj.delays)} ms"
    return text


def _weights(proj) -> str:
    if proj.connectivity is None:
        return "-"
    if getattr(proj, "filter_layout", None) is not None:     # the storage.filter protocol
        shared = proj.weights
        return f"shared filter {tuple(shared.shape)}: {_value(shared)}"
    return _value(proj.flat_weights())


def _models(objects, attr):
    seen, models = set(), []
    for obj in objects:
        model = getattr(obj, attr)
        if model is not None and id(model) not in seen:
            seen.add(id(model))
            models.append((model, obj))
    return models


# -- writers --------------------------------------------------------------------------------
class _Writer:
    def __init__(self, fmt: str):
        self.fmt, self.lines = fmt, []

    def esc(self, text) -> str:
        text = str(text)
        if self.fmt == "markdown":
            return text.replace("|", r"\|")
        text = text.replace("\\", "\0")              # backslashes last: they add braces
        for char in "_%&#${}":
            text = text.replace(char, "\\" + char)
        return text.replace("\0", r"\textbackslash{}")

    def heading(self, text, level=1):
        if self.fmt == "markdown":
            self.lines += ["", "#" * (level + 1) + " " + self.esc(text), ""]
        else:
            cmd = {1: "section", 2: "subsection", 3: "subsubsection"}[level]
            self.lines += ["", rf"\{cmd}*{{{self.esc(text)}}}", ""]

    def paragraph(self, text):
        self.lines += [self.esc(text), ""]

    def table(self, header, rows):
        if not rows:
            self.paragraph("None.")
            return
        if self.fmt == "markdown":
            self.lines.append("| " + " | ".join(self.esc(h) for h in header) + " |")
            self.lines.append("|" + "---|" * len(header))
            self.lines += ["| " + " | ".join(self.esc(c) for c in row) + " |" for row in rows]
            self.lines.append("")
            return
        self.lines.append(r"\begin{tabular}{" + "l" * len(header) + "}")
        self.lines.append(r"\hline")
        self.lines.append(" & ".join(rf"\textbf{{{self.esc(h)}}}" for h in header) + r" \\")
        self.lines.append(r"\hline")
        self.lines += [" & ".join(self.esc(c) for c in row) + r" \\" for row in rows]
        self.lines += [r"\hline", r"\end{tabular}", ""]

    def math(self, formulas):
        for f in formulas:
            self.lines += ([f"$$ {f} $$", ""] if self.fmt == "markdown"
                           else [r"\begin{equation*}", f, r"\end{equation*}"])


def _describe(net, w: _Writer, title, author, date):
    w.heading("Summary")
    w.table(["Item", "Value"], [
        ["Populations", str(len(net.populations))],
        ["Projections", str(len(net.projections))],
        ["Step size dt", f"{net.dt:g} ms"],
        ["Numerical method", net.options.method],
        ["Precision", net.options.precision],
    ])
    w.heading("Populations")
    w.table(["Name", "Geometry", "Size", "Neuron type"],
            [[p.name, "x".join(map(str, p.geometry)), str(p.size),
              getattr(p.neuron_type, "name", type(p).__name__)] for p in net.populations])
    w.heading("Neuron models")
    for neuron, pop in _models(net.populations, "neuron_type"):
        _model(w, getattr(neuron, "name", "neuron"), getattr(neuron, "description", ""),
               pop.ir, lambda name, pop=pop: _pop_value(pop, name))
    w.heading("Projections")
    w.table(["Name", "Pre", "Post", "Target", "Synapse", "Connectivity", "Weights"],
            [[p.name, p.pre.name, p.post.name, p.target,
              p.synapse.name if p.synapse is not None else "w * pre.r (sum)",
              _connectivity(p), _weights(p)] for p in net.projections])
    synapses = _models(net.projections, "synapse")
    if synapses:
        w.heading("Synapse models")
        for synapse, proj in synapses:
            if proj.synapse_error is not None:
                _unparsed(w, synapse, proj.synapse_error)
                continue
            ir = proj.synapse_ir
            _model(w, synapse.name, getattr(synapse, "description", ""), ir,
                   lambda name, proj=proj: _proj_value(proj, name), skip=("w",))
            names = _symbol_names(ir)
            if ir.spiking and ir.psp is None:
                _events(w, ir, names)
                continue
            psp = ir.psp if ir.psp is not None else sp.Symbol("w") * sp.Symbol("pre.r")
            w.paragraph(f"Postsynaptic potential, combined with '{ir.operation}':")
            w.math([r"\text{psp} = " + sp.latex(psp, symbol_names=names)])
    if net.constants:
        w.heading("Constants")
        w.table(["Name", "Value"], [[n, f"{c.value:g}"] for n, c in net.constants.items()])
    if net.monitors:
        w.heading("Monitors")
        w.table(["Recorded object", "Variables", "Period"],
                [[getattr(m.obj, "name", repr(m.obj)), ", ".join(m.variables),
                  f"{m.period:g} ms"] for m in net.monitors])


def _model(w, name, description, ir, value_of, skip=()):
    w.heading(name, level=2)
    if description:
        w.paragraph(description)
    locality = {"local": "per synapse", "global": "per projection",
                "postsynaptic": "per post neuron"} if skip else \
        {"local": "per neuron", "global": "per population"}
    rows = [[a.name, a.kind, value_of(a.name), locality.get(a.locality, a.locality), a.ctype]
            for a in ir.attributes if a.name not in skip and not a.name.startswith("_")]
    w.table(["Name", "Kind", "Value", "Locality", "Type"], rows)
    if ir.equations:
        names = _symbol_names(ir)
        w.math([equation_latex(eq, names) for eq in ir.equations])
    if ir.spike is not None:           # a spiking neuron
        names = _symbol_names(ir)
        w.paragraph(f"Spike when {ir.spike.text}; refractory period: the attribute "
                    f"'{ir.spike.refractory}' (ms).")
        if ir.spike.reset:
            w.paragraph("At each spike:")
            w.math([equation_latex(eq, names) for eq in ir.spike.reset])
        if ir.spike.axon_condition is not None:
            w.paragraph(f"Axonal spike when {ir.spike.axon_text} (and no spike), outside "
                        "the refractory period.")
            if ir.spike.axon_reset:
                w.paragraph("At each axonal spike:")
                w.math([equation_latex(eq, names) for eq in ir.spike.axon_reset])


def _unparsed(w, synapse, error):
    """A synapse whose equations do not compile (compile() raises ``error``): its text,
    as written, since there is no parsed form to typeset."""
    w.heading(synapse.name, level=2)
    if synapse.description:
        w.paragraph(synapse.description)
    w.paragraph("Not compilable as written: " + str(error).splitlines()[0])
    fields = [("parameters", synapse.parameters), ("equations", synapse.equations),
              ("psp", synapse.psp), *synapse.spiking.items()]
    w.table(["Field", "Text"], [[name, " ; ".join(line.strip() for line in
                                                  str(text).splitlines() if line.strip())]
                                for name, text in fields if text])


def _events(w, ir, names):
    """A spiking synapse: its event-driven variables and its spike statements."""
    if ir.event_driven:
        w.paragraph("Event-driven (solved at each event): "
                    + ", ".join(name for name, _, _ in ir.event_driven))
    for field, statements in (("presynaptic spike", ir.pre_spike),
                              ("postsynaptic spike", ir.post_spike)):
        if statements:
            w.paragraph(f"At each {field}:")
            w.math([equation_latex(eq, names) for eq in statements])


def report(network=None, filename: str = "./report.tex", standalone: bool = True,
           gather_subprojections: bool = False, title: str | None = None,
           author: str | None = None, date: str | None = None, net_id: int | None = None):
    """Write the description of ``network`` (default: the network ``net_id``, else the
    default one) to ``filename``: LaTeX for ``.tex`` (a whole document when
    ``standalone``), Markdown for ``.md``. Returns the text. (``gather_subprojections``
    is satisfied as is: neurogen never splits a projection into sub-projections.)"""
    from .core.network import Network, default_network, network_by_id
    net = network if network is not None else \
        (default_network() if net_id is None else network_by_id(net_id))
    if not isinstance(net, Network):
        raise NetworkError(f"report: network must be a Network, got {type(net).__name__}")
    path = Path(filename)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise NetworkError(f"report: the file name must end in .tex (LaTeX) or .md "
                           f"(Markdown), got {str(filename)!r}")
    title = title or "Network description"
    date = date or datetime.date.today().isoformat()
    w = _Writer(fmt)
    _describe(net, w, title, author, date)
    body = "\n".join(w.lines).strip() + "\n"
    if fmt == "markdown":
        head = f"# {title}\n\n" + (f"{author}, " if author else "") + f"{date}\n\n"
        text = head + body
    elif standalone:
        text = "\n".join([r"\documentclass{article}", r"\usepackage{amsmath,amssymb}",
                          rf"\title{{{w.esc(title)}}}", rf"\author{{{w.esc(author or '')}}}",
                          rf"\date{{{w.esc(date)}}}", r"\begin{document}", r"\maketitle",
                          body, r"\end{document}", ""])
    else:
        text = body
    atomic_write_text(path, text)
    return text
