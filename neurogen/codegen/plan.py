"""Lowering: a network's IR → a kernel plan (C++ statements per stage, runtime slots).

The plan fixes the order of work in one step, as ANNarchy does for rate-coded networks:

1. weighted sums of every projection (delayed presynaptic rates where asked);
2. neuron updates, population by population: population-wide equations, then the
   per-neuron loop(s) (random draws inline, integrator blocks, bounds); an in-place
   reduction (``total()``) splits the loop right before the first block using it;
3. delay buffers receive the new rates;
4. ANNarchy's global operations (``mean``…) are computed, to be read next step;
5. monitors record; the step counter advances.

Nothing size- or value-dependent enters the generated code: sizes, delays, parameters,
constants and weights are *slots* (runtime data) the simulator fills in, so changing
them never recompiles. Only structure (equations, storage kinds, which projections are
delayed) does.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from ..errors import NetworkError
from ..integrators import Store, Temp, blocks
from ..ir import GLOBAL, LOCAL, POSTSYNAPTIC
from .printer import print_expr, printing_for

CTYPES = {"int": "int32_t", "bool": "bool"}
# tables of an FFT projection (neurogen.model.convolution.FFTConvolution)
FFT_BUFFERS = {"spectrum": "double", "work": "double", "twiddles": "double",
               "bitrev": "int32_t"}

# fixed slots of the tables shared with the runtime
INT_STEP, INT_THREADS, INT_NMON, INT_SEED, INT_STOP_MODE = 0, 1, 2, 3, 4
STOP_OFF, STOP_OR, STOP_AND = 0, 1, 2
REAL_DT = 0
PTR_MON_ADDR, PTR_MON_INT = 0, 1
MONITOR_FIELDS = ("nbytes", "period", "offset", "count", "capacity", "active")


@dataclass
class Slots:
    """Which runtime value each pointer/int/real slot holds (keys are tuples)."""
    ptrs: list = field(default_factory=lambda: [("monitor_addresses",), ("monitor_ints",)])
    ints: list = field(default_factory=lambda: [("step",), ("threads",), ("monitors",),
                                                ("seed",), ("stop_mode",)])
    reals: list = field(default_factory=lambda: [("dt",)])

    def ptr(self, *key) -> int:
        self.ptrs.append(key)
        return len(self.ptrs) - 1

    def int(self, *key) -> int:
        self.ints.append(key)
        return len(self.ints) - 1

    def real(self, *key) -> int:
        self.reals.append(key)
        return len(self.reals) - 1


@dataclass
class Plan:
    precision: str
    slots: Slots
    pointers: list          # (C name, C type, slot)
    sizes: list             # (C name, slot)
    reals: list             # (C name, slot)
    projections: list       # dicts for the template
    populations: list       # dicts for the template
    rings: list             # dicts: delayed rates of a population
    backend: str = "openmp"
    nbytes_slots: list = field(default_factory=list)   # CUDA: int slot of each buffer's size

    @property
    def real(self) -> str:
        return "float" if self.precision == "float" else "double"


def _random_code(rv, stream: int, index: str, table: dict, precision: str) -> str:
    a = [print_expr(x, table, precision) for x in rv.args]
    u = f"ng_uniform(seed, {stream}ULL, step, {index})"
    if rv.distribution == "Uniform":
        return f"({a[0]}) + (({a[1]}) - ({a[0]})) * {u}"
    if rv.distribution == "DiscreteUniform":
        return f"floor(({a[0]}) + (({a[1]}) - ({a[0]}) + 1) * {u})"
    if rv.distribution == "Exponential":
        return f"-log1p(-{u}) / ({a[0]})"
    z = f"ng_normal(seed, {stream}ULL, step, {index})"
    if rv.distribution == "Normal":
        return f"({a[0]}) + ({a[1]}) * {z}"
    return f"exp(({a[0]}) + ({a[1]}) * {z})"   # LogNormal


def statements(block, table: dict, precision: str) -> list[str]:
    """C++ lines of one integrator block: temporaries, stores, then bounds."""
    lines = []
    table = dict(table)
    for st in block:
        if isinstance(st, Temp):
            table[st.symbol] = st.symbol.name
            lines.append(f"const real {st.symbol.name} = "
                         f"{print_expr(st.expr, table, precision)};")
            continue
        lhs = table[sp.Symbol(st.target)]
        lines.append(f"{lhs} = {print_expr(st.expr, table, precision)};")
        for bound, op in zip(st.bounds, ("<", ">")):
            if bound is not None:
                value = print_expr(bound, table, precision)
                lines.append(f"if ({lhs} {op} {value}) {lhs} = {value};")
    return lines


def random_lines(randoms, used: set, stream_base: int, index: str, table: dict,
                 precision: str) -> list[str]:
    """Declarations of the random draws among ``used``, keyed on ``index`` and the step."""
    return [f"const double {rv.symbol.name} = "
            f"{_random_code(rv, stream_base | n, index, table, precision)};"
            for n, rv in enumerate(randoms) if rv.symbol in used]


def used_symbols(block) -> set:
    """Symbols a block reads, bounds included."""
    used = set()
    for st in block:
        used |= st.expr.free_symbols
        if isinstance(st, Store):
            used |= {s for b in st.bounds if b is not None for s in b.free_symbols}
    return used


class _PopulationLowering:
    """Builds the template entry of one population."""

    def __init__(self, pop, plan_slots: Slots, precision: str, constants: dict):
        self.pop, self.ir, self.k = pop, pop.ir, pop.id
        self.precision, self.slots = precision, plan_slots
        self.prefix = f"p{self.k}_"
        self.pointers, self.constants = [], constants
        self.size_name = f"p{self.k}_size"
        self.size_slot = plan_slots.int("pop_size", self.k)
        self.buffers = {}
        for a in self.ir.attributes:
            self._pointer(a.name, CTYPES.get(a.ctype, "real"), ("pop_attr", self.k, a.name))
        for target in self.ir.targets:
            self._pointer("_sum_" + target, "real", ("pop_sum", self.k, target))
        for red in self.ir.reductions:
            self._pointer(red.symbol.name, "double", ("pop_reduction", self.k, red.symbol.name))

    def _pointer(self, name, ctype, key):
        cname = self.prefix + name
        self.pointers.append((cname, ctype, self.slots.ptr(*key)))
        self.buffers[name] = cname

    def table(self, index: str) -> dict:
        """Symbol → C expression, for code running at neuron ``index``."""
        t = {sp.Symbol("t"): "t", sp.Symbol("dt"): "dt"}
        for a in self.ir.attributes:
            cname = self.buffers[a.name]
            t[sp.Symbol(a.name)] = f"{cname}[0]" if a.locality == GLOBAL else f"{cname}[{index}]"
        for target in self.ir.targets:
            t[sp.Symbol("_sum_" + target)] = f"{self.buffers['_sum_' + target]}[{index}]"
        for red in self.ir.reductions:
            t[red.symbol] = f"{self.buffers[red.symbol.name]}[0]"
        for rv in self.ir.randoms:
            t[rv.symbol] = rv.symbol.name
        for name in self.ir.constants:
            t[sp.Symbol(name)] = self.constants[name]
        return t

    def statements(self, block, table: dict) -> list[str]:
        return statements(block, table, self.precision)

    def randoms(self, used: set, index: str, table: dict) -> list[str]:
        """Declarations of the random draws among ``used`` symbols, at neuron ``index``."""
        return random_lines(self.ir.randoms, used, self.k << 16, index, table, self.precision)

    def reduction(self, red) -> dict:
        return {"op": red.op, "target": f"{self.buffers[red.symbol.name]}[0]",
                "expr": print_expr(red.expr, self.table("i"), self.precision),
                "comment": f"{red.op}({red.expr})"}

    def lower(self) -> dict:
        equations = self.ir.equations
        gtable, ltable = self.table("0"), self.table("i")
        pending = [r for r in self.ir.reductions if r.in_place]
        pre_global, global_lines, global_used = [], [], set()
        for block in blocks([e for e in equations if e.locality == GLOBAL]):
            used = used_symbols(block)
            for red in [r for r in pending if r.symbol in used]:
                pre_global.append(self.reduction(red))
                pending.remove(red)
            global_used |= used
            global_lines += self.statements(block, gtable)
        global_lines = self.randoms(global_used, "0", gtable) + global_lines
        stages, current = [], None
        for block in blocks([e for e in equations if e.locality == LOCAL]):
            used = used_symbols(block)
            needed = [r for r in pending if r.symbol in used]
            if needed or current is None:
                for red in needed:
                    stages.append({"kind": "reduce", **self.reduction(red)})
                    pending.remove(red)
                current = {"kind": "loop", "lines": [], "comments": [], "used": set()}
                stages.append(current)
            current["comments"] += [st.equation.text for st in block if isinstance(st, Store)]
            current["lines"] += self.statements(block, ltable)
            current["used"] |= used
        for stage in stages:
            if stage["kind"] == "loop":
                stage["lines"] = self.randoms(stage.pop("used"), "i", ltable) + stage["lines"]
        timed = None
        if hasattr(self.pop, "rates"):    # a TimedArray replays its stored rates
            self.pointers.append((f"p{self.k}_rates", "real",
                                  self.slots.ptr("timed_rates", self.k)))
            timed = {"rates": f"p{self.k}_rates", "r": self.buffers["r"],
                     "entries": self.slots.int("timed_entries", self.k),
                     "schedule": self.slots.int("timed_schedule", self.k),
                     "period": self.slots.int("timed_period", self.k)}
        stop = None
        if self.pop._stop is not None:
            condition, mode = self.pop._stop
            stop = {"mode": mode, "expr": print_expr(condition, ltable, self.precision),
                    "flag": self.slots.int("stop_flag", self.k),
                    "selected": self.slots.int("stop_selected", self.k),
                    "text": self.pop.stop_condition}
        return {"id": self.k, "name": self.pop.name, "size": self.size_name, "stop": stop,
                "timed": timed,
                "sums": [self.buffers["_sum_" + t] for t in self.ir.targets],
                "pre_global": pre_global, "global_lines": global_lines, "stages": stages,
                "end_reductions": [self.reduction(r) for r in self.ir.reductions
                                   if not r.in_place]}


class _SynapseLowering:
    """Builds the psp and learning code of one projection with a synapse model.

    Inside the generated loops ``i`` is the postsynaptic neuron, ``k`` the synapse (CSR
    position) and ``j = cols[k]`` the presynaptic neuron."""

    def __init__(self, proj, slots: Slots, precision: str, constants: dict, pre, post):
        self.proj, self.ir, self.j = proj, proj.synapse_ir, proj.id
        self.precision, self.constants, self.pre, self.post = precision, constants, pre, post
        self.pointers, self.buffers = [], {}
        for a in self.ir.attributes:
            if a.name == "w":
                if a.locality != LOCAL:
                    raise NetworkError(f"projection '{proj.name}': the weight w must have one "
                                       "value per synapse (no 'projection'/'postsynaptic' flag)")
                continue
            cname = f"s{self.j}_{a.name}"
            self.pointers.append((cname, CTYPES.get(a.ctype, "real"),
                                  slots.ptr("syn_attr", self.j, a.name)))
            self.buffers[a.name] = cname

    def table(self, pre_r: str) -> dict:
        index = {LOCAL: "k", POSTSYNAPTIC: "i", GLOBAL: "0"}
        t = {sp.Symbol("t"): "t", sp.Symbol("dt"): "dt", sp.Symbol("w"): f"w{self.j}[k]"}
        for a in self.ir.attributes:
            if a.name != "w":
                t[sp.Symbol(a.name)] = f"{self.buffers[a.name]}[{index[a.locality]}]"
        for side, low, idx in (("pre", self.pre, "j"), ("post", self.post, "i")):
            for a in low.ir.attributes:
                t[sp.Symbol(f"{side}.{a.name}")] = \
                    f"{low.buffers[a.name]}[{'0' if a.locality == GLOBAL else idx}]"
        t[sp.Symbol("pre.r")] = pre_r
        for rv in self.ir.randoms:
            t[rv.symbol] = rv.symbol.name
        for name in self.ir.constants:
            t[sp.Symbol(name)] = self.constants[name]
        return t

    def psp(self, pre_r: str) -> str | None:
        ir = self.ir
        if ir.psp is None and ir.operation == "sum":
            return None   # the default w * pre.r, summed: the fast kernels
        expr = ir.psp if ir.psp is not None else sp.Symbol("w") * sp.Symbol("pre.r")
        return print_expr(expr, self.table(pre_r), self.precision)

    def learning(self) -> dict | None:
        if not self.ir.equations:
            return None
        table = self.table(f"{self.pre.buffers['r']}[j]")
        stream = (0x8000 | self.j) << 16
        parts = {}
        for locality, index in ((GLOBAL, "0"), (POSTSYNAPTIC, "i"), (LOCAL, "k")):
            lines, used = [], set()
            for block in blocks([e for e in self.ir.equations if e.locality == locality]):
                used |= used_symbols(block)
                lines += statements(block, table, self.precision)
            randoms = [rv for rv in self.ir.randoms if rv.locality == locality]
            parts[locality] = random_lines(randoms, used, stream, index, table,
                                           self.precision) + lines
        return {"global_lines": parts[GLOBAL], "post_lines": parts[POSTSYNAPTIC],
                "local_lines": parts[LOCAL],
                "comments": [e.text for e in self.ir.equations]}


def build_plan(net) -> Plan:
    backend = net._config["paradigm"]
    with printing_for(backend):
        plan = _build_plan(net)
    plan.backend = backend
    if backend == "cuda":    # the device mirrors need every buffer's byte size
        plan.nbytes_slots = [-1, -1] + [plan.slots.int("ptr_nbytes", k)
                                        for k in range(2, len(plan.slots.ptrs))]
    return plan


def _build_plan(net) -> Plan:
    precision = net._config["precision"]
    slots = Slots()
    reals = [(f"c_{name}", slots.real("constant", name)) for name in sorted(net.constants)]
    constants = {name: f"c_{name}" for name in net.constants}
    pops = [_PopulationLowering(p, slots, precision, constants) for p in net.populations]
    lowered = [low.lower() for low in pops]
    pointers = [ptr for low in pops for ptr in low.pointers]
    sizes = [(low.size_name, low.size_slot) for low in pops]

    rings = {}
    projections = []
    for proj in net.projections:
        storage = proj.choose_storage()
        pre, post = pops[proj.pre.id], pops[proj.post.id]
        if "r" not in pre.buffers:
            raise NetworkError(f"projection '{proj.name}': the pre-synaptic population "
                               f"'{proj.pre.name}' has no variable 'r' to transmit")
        if proj.target not in proj.post.ir.targets:
            used = ", ".join(f"sum({t})" for t in proj.post.ir.targets) or "no sum()"
            raise NetworkError(f"projection '{proj.name}': target '{proj.target}' is not used "
                               f"by the neuron of '{proj.post.name}' (its equations use "
                               f"{used})")
        steps = proj.delay_steps()
        delayed = "synapse" if not proj.uniform_delay else ("uniform" if steps > 1 else "none")
        j = proj.id
        entry = {"id": j, "name": proj.name, "storage": storage, "delay": delayed,
                 "pre": pre.buffers["r"], "pre_size": pre.size_name,
                 "post_size": post.size_name, "sum": post.buffers["_sum_" + proj.target],
                 "comment": f"{proj.name}: {proj.pre.name} -> {proj.post.name} "
                            f"({proj.target}, {storage})"}
        entry["w"] = f"w{j}"
        pointers.append((f"w{j}", "real", slots.ptr("proj_w", j)))
        if storage == "fft":
            entry["fft"] = {part: f"fft_{part}{j}" for part in FFT_BUFFERS}
            for part, ctype in FFT_BUFFERS.items():
                pointers.append((f"fft_{part}{j}", ctype, slots.ptr("proj_fft", j, part)))
            for axis, part in enumerate(("n0", "n1", "m0", "m1")):
                entry["fft"][part] = f"fft_{part}_{j}"
                sizes.append((f"fft_{part}_{j}", slots.int("proj_fft", j, axis)))
        if storage == "csr":
            entry["row_ptr"], entry["cols"] = f"row_ptr{j}", f"cols{j}"
            pointers.append((f"row_ptr{j}", "int64_t", slots.ptr("proj_row_ptr", j)))
            pointers.append((f"cols{j}", "int32_t", slots.ptr("proj_cols", j)))
        if delayed == "synapse":
            entry["delays"] = f"delays{j}"
            pointers.append((f"delays{j}", "int32_t", slots.ptr("proj_delays", j)))
        if delayed == "uniform":
            entry["delay_steps"] = f"delay{j}"
            sizes.append((f"delay{j}", slots.int("proj_delay", j)))
        if delayed != "none" and proj.pre.id not in rings:
            k = proj.pre.id
            rings[k] = {"pop": k, "buffer": f"ring{k}", "depth": f"ring{k}_depth",
                        "head_slot": slots.int("ring_head", k), "source": pre.buffers["r"],
                        "size": pre.size_name}
            pointers.append((f"ring{k}", "real", slots.ptr("ring", k)))
            sizes.append((f"ring{k}_depth", slots.int("ring_depth", k)))
        if delayed != "none":
            entry["ring"] = rings[proj.pre.id]
        entry["psp"], entry["operation"], entry["learning"] = None, "sum", None
        if proj.synapse_ir is not None:
            syn = _SynapseLowering(proj, slots, precision, constants, pre, post)
            pointers.extend(syn.pointers)
            if delayed == "synapse":
                ring = rings[proj.pre.id]
                pre_r = (f"{ring['buffer']}[((head - std::max<int64_t>({entry['delays']}[k], 1)"
                         f" + 1 + {ring['depth']}) % {ring['depth']}) * {pre.size_name} + j]")
            else:
                pre_r = "pre[j]"
            entry["psp"], entry["operation"] = syn.psp(pre_r), proj.synapse_ir.operation
            entry["learning"] = syn.learning()
        projections.append(entry)

    return Plan(precision=precision, slots=slots, pointers=pointers, sizes=sizes, reals=reals,
                projections=projections, populations=lowered,
                rings=list(rings.values()))
