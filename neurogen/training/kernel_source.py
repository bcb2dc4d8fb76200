"""A :class:`~.graph.Problem` + population steps → the C++ of the batched forward and BPTT
backward passes.

Rendered through the simulation's printer (:class:`~.codegen.printer.AdjointPrinter`),
statement records (:func:`neurogen.codegen.plan.statement_records`) and jinja2
environment (:func:`neurogen.codegen.render.environment`): the templates are
``templates/training/``, which take the shared helpers, the statement macro and the CSR
row sum of ``common_math.j2``/``macros.j2``.

Names in the generated code are made from indices only (population ``k``, variable
``m``, projection ``p``...): no user text reaches it except through the printer. The
buffers are handed over in a pointer table whose order :class:`Layout` fixes. The batch
size, the number of steps, parameters, constants and weights are runtime data (a new
batch size, sequence length or weight never recompiles); population sizes are compiled
in, so the loops and matrix products specialise on them.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import jinja2
import sympy as sp

from ..codegen.plan import statement_records
from ..codegen.printer import AdjointPrinter
from ..codegen.render import environment
from .graph import Problem, TrainingError
from .symbolic import DT, T, PopulationStep, adjoint_symbol, sum_symbol

#: I[INT_SKIP]: 0 no product skips zeros, 1 they do (DifferentiableNetwork.skip_zeros), 2
#: they do with the scalar listing whatever the CPU (tests); I[INT_BLAS]: ?gemm's address
INT_STEPS, INT_BATCH, INT_LAG, INT_SCORED, INT_SKIP, INT_BLAS = 0, 1, 2, 3, 4, 5
REAL_DT = 0
#: dense projections with at least this many weights call the BLAS (when one is handed
#: over, neurogen/toolchain/blas.py); smaller products stay on the built-in loops, whose
#: lack of per-call overhead wins there (measured: bench/train_rnn.py, 64 hidden)
BLAS_MIN_WEIGHTS = 128 * 128
#: dense projections between populations whose sides both have at least SKIP_MIN_SIZE
#: neurons take the zero-skipping product (ng_skip_gemm, templates/training/skip.j2)
#: instead of BLAS or the register-blocked loops: rectified rates and their adjoints are
#: mostly zeros. Listing the nonzeros costs a pass over the operand: with AVX-512 it is
#: paid back from 16 neurons (seed RNN, 64 hidden: float32 1.07x, double 1.25x faster),
#: in scalar code only from SKIP_WIDE (float32: 1.8x at 512, 1.3x at 256, 7 % slower at
#: 128); the kernel asks the CPU at run time
SKIP_MIN_SIZE = 16
SKIP_WIDE = 256
#: the zero-skipping product's chunk of K: a chunk of B's rows, 512 bytes wide, in L1
SKIP_KC = {"float": 32, "double": 32}


@dataclass
class Layout:
    """Order of the pointer table and the real table (C names, what they hold, C types)."""
    pointers: list = field(default_factory=list)   # (C name, key)
    ctypes: list = field(default_factory=list)     # C element type of each pointer
    reals: list = field(default_factory=list)      # (C name, key)
    blas_products: bool = False                    # some dense product may call BLAS
    skip_products: bool = False                    # some product skips zeros (ng_skip_gemm)
    scratch: dict = field(default_factory=dict)    # key -> elements of a kernel's scratch
    itemsize: int = 8                              # bytes of a real

    def ptr(self, cname: str, *key, ctype: str = "real") -> str:
        self.pointers.append((cname, key))
        self.ctypes.append(ctype)
        return cname


def print_expr(expr, table: dict, precision: str) -> str:
    return AdjointPrinter(table, precision).doprint(expr)


def _population_context(k: int, pop, step: PopulationStep, trained: tuple, layout: Layout,
                        precision: str, constants: dict) -> dict:
    var_index = {v: m for m, v in enumerate(step.variables)}
    target_index = {t: j for j, t in enumerate(step.targets)}
    hist = [layout.ptr(f"H{k}_{m}", "hist", pop, v) for m, v in enumerate(step.variables)]
    init = [layout.ptr(f"I{k}_{m}", "init", pop, v) for m, v in enumerate(step.variables)]
    sums = [layout.ptr(f"S{k}_{j}", "sum", pop, t) for j, t in enumerate(step.targets)]
    params = [layout.ptr(f"P{k}_{m}", "param", pop, p)
              for m, p in enumerate(step.parameters)]
    grads = {p: layout.ptr(f"G{k}_{step.parameters.index(p)}", "grad", pop, p)
             for p in trained}
    adj = [layout.ptr(f"A{k}_{m}", "adj", pop, v) for m, v in enumerate(step.variables)]
    adjn = [layout.ptr(f"N{k}_{m}", "adjn", pop, v) for m, v in enumerate(step.variables)]

    def param_ref(p):
        m = step.parameters.index(p)
        return f"P{k}_{m}[0]" if p in step.global_params else f"P{k}_{m}[i]"

    base = {DT: "dt", T: "time", **constants}
    base.update({sp.Symbol(p): param_ref(p) for p in step.parameters})
    base.update({sum_symbol(t): f"s{j}[i]" for t, j in target_index.items()})
    # forward: the integrator's statements on locals v<m>, as the simulation's records
    table = dict(base)
    table.update({sp.Symbol(v): f"v{m}" for v, m in var_index.items()})
    temps = itertools.count()
    forward = [record for block in step.blocks for record in statement_records(
        block, table, lambda e, t: print_expr(e, t, precision), lambda: f"tmp{next(temps)}")]
    # backward: common subexpressions of every adjoint
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
    global_grads = [(step.parameters.index(p), grads[p]) for p in trained
                    if p in step.global_params]
    return dict(index=k, size_slot=k, hist=hist, init=init, sums=sums, params=params,
                adj=adj, adjn=adjn, forward=forward, backward=backward + values + outputs,
                global_grads=global_grads, nvars=len(step.variables))


def _projection_context(p: int, proj, problem: Problem, layout: Layout, pre: dict,
                        post_size: int, sum_: str | None) -> dict:
    """A projection's entry: dense (matrix products, ``WT`` scratch, a mask where synapses
    are absent), CSR (row sums with the shared macro, a transposed index for the
    adjoint of the presynaptic rates, one gradient per synapse) or offset taps (fixed:
    ``W`` holds the tap values, ``KO`` their offsets; ``training/taps.j2``)."""
    j, trainable = proj.id, proj.id in problem.trainable
    entry = dict(index=p, W=layout.ptr(f"W{p}", "weights", j), pre=pre, post_size=post_size,
                 sum=sum_, trainable=trainable, csr=j in problem.values.csr,
                 masked=j in problem.values.masks, taps=None, blas=False, skip=False,
                 skip_wide=False, narrow=False)
    if j in problem.values.taps:
        grid, offsets = problem.values.taps[j]
        entry["taps"] = dict(count=len(offsets), grid=grid,
                             offsets=layout.ptr(f"KO{p}", "tap_offsets", j, ctype="int64_t"))
    elif entry["csr"]:     # what csr_sum (macros.j2) reads: tables, delay, w
        entry.update(w=f"W{p}", delay="none",
                     tables=dict(row_ptr=layout.ptr(f"RP{p}", "row_ptr", j, ctype="int64_t"),
                                 cols=layout.ptr(f"CI{p}", "cols", j, ctype="int32_t")))
        entry["csc"] = dict(delay="none",
                            col_ptr=layout.ptr(f"CP{p}", "col_ptr", j, ctype="int64_t"),
                            synapse=layout.ptr(f"CS{p}", "csc_synapse", j, ctype="int64_t"),
                            tables=dict(cols=layout.ptr(f"CR{p}", "csc_rows", j,
                                                        ctype="int32_t")))
    else:
        entry["WT"] = layout.ptr(f"WT{p}", "weights_t", j)
        entry["skip"] = pre["kind"] == "pop" and min(post_size, pre["size"]) >= SKIP_MIN_SIZE
        entry["skip_wide"] = min(post_size, pre["size"]) >= SKIP_WIDE
        entry["blas"] = post_size * pre["size"] >= BLAS_MIN_WEIGHTS
        # fewer units than a vector holds (a readout): the sums as dot products (ng_dots)
        entry["narrow"] = post_size * layout.itemsize < 64 <= pre["size"] * layout.itemsize
        # W^T (forward) and W (backward, skipping products) in the scratch, rows padded by
        # one vector of 64 bytes where the zero-skipping product reads them (ng_skip_ld)
        pad = 64 // layout.itemsize if entry["skip"] else 0
        entry["ldt"], entry["ldw"] = post_size + pad, pre["size"] + pad
        layout.scratch[("weights_t", j)] = max(pre["size"] * entry["ldt"],
                                               post_size * entry["ldw"])
    if trainable:
        entry["GW"] = layout.ptr(f"GW{p}", "grad_weights", j)
    if entry["masked"]:
        entry["M"] = layout.ptr(f"M{p}", "mask", j)
    return entry


def render(problem: Problem, steps: list, precision: str) -> tuple[str, str, Layout]:
    """C++ kernel and Cython wrapper sources, and the buffer layout."""
    layout = Layout(itemsize=4 if precision == "float" else 8)
    constants = {}
    for n, name in enumerate(sorted(problem.values.constants)):
        constants[sp.Symbol(name)] = f"R[{n + 1}]"
        layout.reals.append((f"R[{n + 1}]", ("constant", name)))
    updated = problem.updated
    index = {pop.id: k for k, pop in enumerate(updated)}     # C names: k-th updated
    sizes = [p.size for p in problem.ir.populations]
    inputs = [dict(ptr=layout.ptr(f"X{q}", "input", pop), size=sizes[pop])
              for q, pop in enumerate(problem.inputs)]
    pops = [_population_context(k, pop.id, step, problem.trained_params(pop.id), layout,
                                precision, constants)
            for k, (pop, step) in enumerate(zip(updated, steps))]
    for k, pop in enumerate(updated):
        pops[k]["size"] = pop.size
    out_k = index[problem.output]
    out_r = steps[out_k].variables.index("r")
    projections = []
    for p, proj in enumerate(problem.ir.projections):
        post = index[proj.post]
        name = problem.target(proj)
        target = steps[post].targets.index(name) if name in steps[post].targets else None
        if proj.pre in problem.inputs:
            q = problem.inputs.index(proj.pre)
            pre = dict(kind="input", ptr=f"X{q}", size=sizes[proj.pre])
        else:
            k = index[proj.pre]
            m = steps[k].variables.index("r")
            pre = dict(kind="pop", ptr=f"H{k}_{m}", adjn=f"N{k}_{m}", size=sizes[proj.pre])
        projections.append(_projection_context(
            p, proj, problem, layout, pre, sizes[proj.post],
            None if target is None else f"S{post}_{target}"))
    layout.blas_products = any(p["blas"] for p in projections)
    layout.skip_products = any(p["skip"] for p in projections)
    dy = layout.ptr("DY", "dy")
    context = dict(real="float" if precision == "float" else "double", inputs=inputs,
                   populations=pops, projections=projections, out_adj=f"A{out_k}_{out_r}",
                   out_size=sizes[problem.output], dy=dy,
                   pointers=list(zip([name for name, _ in layout.pointers], layout.ctypes)),
                   INT_STEPS=INT_STEPS, INT_BATCH=INT_BATCH, INT_LAG=INT_LAG,
                   INT_SCORED=INT_SCORED, INT_SKIP=INT_SKIP, INT_BLAS=INT_BLAS,
                   skip_kc=SKIP_KC[precision])
    cpp, pyx = render_pair("training/kernel.cpp.j2", "training/wrapper.pyx.j2", context,
                           "the training kernels")
    return cpp, pyx, layout


def render_pair(cpp_template: str, pyx_template: str, context: dict, what: str):
    """The C++ source (from ``context``) and its Cython wrapper; a template error is an
    internal ``TrainingError`` naming ``what`` was being generated."""
    env = environment()
    try:
        return (env.get_template(cpp_template).render(**context),
                env.get_template(pyx_template).render(**context))
    except jinja2.TemplateError as exc:
        raise TrainingError(f"internal error while generating {what}: {exc}") from None
