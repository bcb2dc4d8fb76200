"""Graph + population steps → the C++ of the batched forward and BPTT backward passes.

Rendered through the simulation's printer (:class:`~.codegen.printer.AdjointPrinter`)
and jinja2 environment (:func:`neurogen.codegen.render.environment`): the templates are
``templates/training/``, which take the shared helpers and the statement macro of
``common_math.j2``/``macros.j2``.

Names in the generated code are made from indices only (population ``k``, variable
``m``, projection ``p``...): no user text reaches it except through the printer. The
buffers are handed over in a pointer table whose order :class:`Layout` fixes. The batch
size, the number of steps, parameters, constants and weights are runtime data (a new
batch size, sequence length or weight never recompiles); population sizes are compiled
in, so the loops and matrix products specialise on them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import jinja2
import sympy as sp

from ..codegen.printer import AdjointPrinter
from ..codegen.render import environment
from .graph import Graph, TrainingError
from .symbolic import DT, T, PopulationStep, adjoint_symbol, sum_symbol

INT_STEPS, INT_BATCH, INT_LAG, INT_SCORED = 0, 1, 2, 3
REAL_DT = 0


@dataclass
class Layout:
    """Order of the pointer table and the real table (C names and what they hold)."""
    pointers: list = field(default_factory=list)   # (C name, key)
    reals: list = field(default_factory=list)      # (C name, key)

    def ptr(self, cname: str, *key) -> str:
        self.pointers.append((cname, key))
        return cname


def print_expr(expr, table: dict, precision: str) -> str:
    return AdjointPrinter(table, precision).doprint(expr)


def _population_context(k: int, spec, step: PopulationStep, graph: Graph, layout: Layout,
                        precision: str, constants: dict) -> dict:
    var_index = {v: m for m, v in enumerate(step.variables)}
    target_index = {t: j for j, t in enumerate(step.targets)}
    hist = [layout.ptr(f"H{k}_{m}", "hist", spec.name, v) for m, v in enumerate(step.variables)]
    init = [layout.ptr(f"I{k}_{m}", "init", spec.name, v) for m, v in enumerate(step.variables)]
    sums = [layout.ptr(f"S{k}_{j}", "sum", spec.name, t) for j, t in enumerate(step.targets)]
    params = [layout.ptr(f"P{k}_{m}", "param", spec.name, p)
              for m, p in enumerate(step.parameters)]
    grads = {p: layout.ptr(f"G{k}_{step.parameters.index(p)}", "grad", spec.name, p)
             for p in spec.trainable}
    adj = [layout.ptr(f"A{k}_{m}", "adj", spec.name, v) for m, v in enumerate(step.variables)]
    adjn = [layout.ptr(f"N{k}_{m}", "adjn", spec.name, v) for m, v in enumerate(step.variables)]

    def param_ref(p):
        m = step.parameters.index(p)
        return f"P{k}_{m}[0]" if p in step.global_params else f"P{k}_{m}[i]"

    base = {DT: "dt", T: "time", **constants}
    base.update({sp.Symbol(p): param_ref(p) for p in step.parameters})
    base.update({sum_symbol(t): f"s{j}[i]" for t, j in target_index.items()})
    # forward: statements in order on locals v<m>
    table = dict(base)
    table.update({sp.Symbol(v): f"v{m}" for v, m in var_index.items()})
    forward, temps = [], 0      # statement records, as the simulation plan's (macros.j2)
    for kind, name, expr, bounds in step.statements:
        code = print_expr(expr, table, precision)
        if kind == "temp":
            local = f"tmp{temps}"
            temps += 1
            forward.append({"kind": "temp", "name": local, "expr": code})
            table[sp.Symbol(name)] = local
            continue
        forward.append({"kind": "store", "target": f"v{var_index[name]}", "expr": code,
                        "bounds": [{"op": op, "value": print_expr(bound, table, precision)}
                                   for bound, op in zip(bounds, ("<", ">"))
                                   if bound is not None]})
    # backward: common subexpressions of every adjoint
    table = dict(base)
    table.update({sp.Symbol(v): f"v{m}" for v, m in var_index.items()})
    table.update({adjoint_symbol(v): f"a{m}" for v, m in var_index.items()})
    keys = list(step.adjoints)
    replacements, reduced = sp.cse([step.adjoints[key] for key in keys],
                                   symbols=sp.numbered_symbols("_cse"), optimizations="basic")
    backward = []
    for n, (symbol, expr) in enumerate(replacements):
        backward.append(f"const real c{n} = {print_expr(expr, table, precision)};")
        table[symbol] = f"c{n}"
    values, outputs = [], []      # every value first: the sums' adjoints overwrite the sums
    for n, (key, expr) in enumerate(zip(keys, reduced)):
        values.append(f"const real o{n} = {print_expr(expr, table, precision)};")
        kind, name = key
        if kind == "var":
            outputs.append(f"n{var_index[name]}[i] = o{n};")
        elif kind == "sum":
            outputs.append(f"s{target_index[name]}[i] = o{n};")
        elif name in step.global_params:
            outputs.append(f"gacc{step.parameters.index(name)} += o{n};")
        else:
            outputs.append(f"{grads[name]}[i] += o{n};")
    global_grads = [(step.parameters.index(p), grads[p]) for p in spec.trainable
                    if p in step.global_params]
    return dict(index=k, size_slot=k, hist=hist, init=init, sums=sums, params=params,
                adj=adj, adjn=adjn, forward=forward, backward=backward + values + outputs,
                global_grads=global_grads, nvars=len(step.variables))


def render(graph: Graph, steps: list, precision: str) -> tuple[str, str, Layout]:
    """C++ kernel and Cython wrapper sources, and the buffer layout."""
    layout = Layout()
    constants = {}
    for n, name in enumerate(sorted(graph.constants)):
        constants[sp.Symbol(name)] = f"R[{n + 1}]"
        layout.reals.append((f"R[{n + 1}]", ("constant", name)))
    pop_index = {spec.name: k for k, spec in enumerate(graph.populations)}
    inputs = [dict(ptr=layout.ptr(f"X{q}", "input", name), size=graph.input_sizes[q])
              for q, name in enumerate(graph.inputs)]
    pops = [_population_context(k, spec, step, graph, layout, precision, constants)
            for k, (spec, step) in enumerate(zip(graph.populations, steps))]
    for k, spec in enumerate(graph.populations):
        pops[k]["size"] = spec.size
    out_k = pop_index[graph.output]
    out_r = steps[out_k].variables.index("r")
    projections = []
    for p, proj in enumerate(graph.projections):
        post = pop_index[proj.post]
        target = steps[post].targets.index(proj.target) if proj.target in steps[post].targets \
            else None
        if proj.pre in graph.inputs:
            q = graph.inputs.index(proj.pre)
            pre = dict(kind="input", ptr=f"X{q}", size=graph.input_sizes[q])
        else:
            k = pop_index[proj.pre]
            m = steps[k].variables.index("r")
            pre = dict(kind="pop", ptr=f"H{k}_{m}", adjn=f"N{k}_{m}",
                       size=graph.populations[k].size)
        entry = dict(index=p, W=layout.ptr(f"W{p}", "weights", proj.name),
                     WT=layout.ptr(f"WT{p}", "weights_t", proj.name), pre=pre,
                     post_size=graph.populations[post].size,
                     sum=None if target is None else f"S{post}_{target}",
                     trainable=proj.trainable, masked=proj.mask is not None)
        if proj.trainable:
            entry["GW"] = layout.ptr(f"GW{p}", "grad_weights", proj.name)
        if proj.mask is not None:
            entry["M"] = layout.ptr(f"M{p}", "mask", proj.name)
        projections.append(entry)
    dy = layout.ptr("DY", "dy")
    context = dict(real="float" if precision == "float" else "double", inputs=inputs,
                   populations=pops, projections=projections, out_adj=f"A{out_k}_{out_r}",
                   out_size=graph.populations[out_k].size, dy=dy,
                   pointers=[name for name, _ in layout.pointers],
                   INT_STEPS=INT_STEPS, INT_BATCH=INT_BATCH, INT_LAG=INT_LAG,
                   INT_SCORED=INT_SCORED)
    env = environment()
    try:
        cpp = env.get_template("training/kernel.cpp.j2").render(**context)
        pyx = env.get_template("training/wrapper.pyx.j2").render()
    except jinja2.TemplateError as exc:
        raise TrainingError(f"internal error while generating the training kernels: "
                            f"{exc}") from None
    return cpp, pyx, layout
