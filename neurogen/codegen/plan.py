"""Lowering: a :class:`~neurogen.ir.network.NetworkIR` → a kernel plan for one backend.

The plan fixes the order of work in one step, as ANNarchy does for rate-coded networks:

1. weighted sums of every projection (delayed presynaptic rates where asked), each by
   its storage kernel's template block;
2. neuron updates, population by population: population-wide equations, then the
   per-neuron loop(s) (random draws inline, integrator blocks, bounds); an in-place
   reduction (``total()``) splits the loop right before the first block using it;
3. delay buffers receive the new rates;
4. ANNarchy's global operations (``mean``…) are computed, to be read next step;
   synapse equations (learning rules) run;
   structural-plasticity rules are evaluated where started (:mod:`.structural`);
5. monitors record; the step counter advances; 6. stop conditions are checked (then a
   step where a rule fired hands back to Python, which edits the synapses).

The plan reads only the IR and mutates nothing. It holds *data* for the templates:
printed expressions (from the backend's printer), statements as records (temporary,
store with bounds, random draw), generated identifiers (by index: ``p0_a1``, ``w2``…) and
typed runtime slots (:mod:`neurogen.codegen.slots`). Nothing size- or value-dependent
enters generated code: sizes, delays, parameters, constants and weights are slots the
runtime fills in, so changing them never recompiles.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import sympy as sp

from ..errors import NetworkError, NeurogenError
from ..integrators import Store, Temp, blocks
from ..ir import GLOBAL, LAST_SPIKE, LOCAL, POSTSYNAPTIC, SPIKED, Reduction
from ..ir.network import DELAY_NONE, DELAY_SYNAPSE, DELAY_UNIFORM, NetworkIR
from .. import storage
from . import slots as S
from .printer import Access
from .sanitize import comment
from . import spiking
from .structural import lower_rules
from .batch import BATCHED_KERNELS, batch_strides, blas_sum

CTYPES = {"int": "int32_t", "bool": "bool"}


@dataclass
class Plan:
    precision: str
    backend: str
    slots: S.SlotTable
    pointers: list          # (C name, C type, slot index, comment)
    sizes: list             # (C name, int slot index)
    reals: list             # (C name, real slot index)
    projections: list       # dicts for the template
    populations: list       # dicts for the template
    rings: list             # dicts: delayed rates of a population
    nbytes_slots: list = field(default_factory=list)   # device mirrors: int slot of each buffer's size
    batched: bool = False   # B > 1 copies: per-copy buffers are offset by copy
    batch_strides: dict = field(default_factory=dict)  # per-copy pointer -> C elements per copy
    parallel_copies: bool = False   # copies may run on different threads (no shared scratch)
    blas: bool = False      # some batched dense sum may be one BLAS product (blas_sum)
    rules_fired: int | None = None    # int slots of structural plasticity (codegen/structural)
    rules_refill: int | None = None

    @property
    def real(self) -> str:
        return "float" if self.precision == "float" else "double"


def statement_records(block, table: dict, expr, temp) -> list[dict]:
    """Records of one integrator block (temporaries, stores with their bounds), as the
    ``body`` macro of ``macros.j2`` prints them; public so that every pass over the IR
    (the step, the training adjoint) builds them alike. ``expr(e, table)`` prints an
    expression, ``temp()`` names the next temporary."""
    out, table = [], dict(table)
    for st in block:
        if isinstance(st, Temp):
            name = temp()
            out.append({"kind": "temp", "name": name, "expr": expr(st.expr, table)})
            table[st.symbol] = name
            continue
        target = str(table[sp.Symbol(st.target)])
        bounds = [{"op": op, "value": expr(b, table)}
                  for b, op in zip(st.bounds, ("<", ">")) if b is not None]
        out.append({"kind": "store", "target": target, "expr": expr(st.expr, table),
                    "bounds": bounds})
    return out


class _Emitter:
    """Prints expressions and turns integrator blocks into statement records."""

    def __init__(self, printer: type, precision: str, prefix: str):
        self.printer, self.precision, self.prefix = printer, precision, prefix
        self.temps = 0

    def expr(self, expr, table: dict) -> str:
        return self.printer(table, self.precision).doprint(expr)

    def statements(self, block, table: dict) -> list[dict]:
        """Records of one integrator block: temporaries, stores (with their bounds)."""
        return statement_records(block, table, self.expr, self._temp)

    def _temp(self) -> str:
        self.temps += 1
        return f"_{self.prefix}t{self.temps - 1}"

    def randoms(self, randoms, used: set, stream_base: int, index: str,
                table: dict) -> list[dict]:
        """Records of the random draws among ``used``, keyed on ``index`` and the step."""
        return [{"name": table[rv.symbol], "dist": rv.distribution, "stream": stream_base | n,
                 "index": index, "args": [self.expr(a, table) for a in rv.args]}
                for n, rv in enumerate(randoms) if rv.symbol in used]


#: a counter-based random draw (10 Philox rounds) costs about as much as 16 plain lines
#: of a vectorised update loop (~7 ns against ~0.35 ns per line, measured on x86-64)
RANDOM_LINES = 16


_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
#: names the step function defines that a loop body may read: (C declaration, name)
_STEP_SCALARS = (("const double", "dt"), ("const double", "t"), ("const int64_t", "step"),
                 ("const uint64_t", "seed"), ("int64_t* const", "I"))


def loop_arguments(stage: dict, pointers: list, hoisted: list, constants: dict) -> list:
    """(declaration, name) of what a per-neuron loop reads from the step function, in a
    stable order: its pointers (``__restrict`` parameters: the compiler then knows they
    do not alias and vectorises without run-time checks), the population-wide values,
    the constants, the step's scalars. Found in the printed code of the loop."""
    import json
    used = set(_IDENTIFIER.findall(json.dumps(
        [stage["statements"], stage["randoms"], stage.get("spike")], default=str)))
    if stage["randoms"]:                   # a draw is keyed on (seed, stream, step, index)
        used |= {"seed", "step"}
    args = [(f"{ctype}* __restrict", name) for name, ctype, _, _ in pointers if name in used]
    args += [(f"const {h['ctype']}", h["name"]) for h in hoisted if h["name"] in used]
    args += [("const double", c) for c in sorted(set(constants.values())) if c in used]
    args += [(decl, name) for decl, name in _STEP_SCALARS if name in used]
    return args


def _lines(records: list[dict]) -> int:
    """C lines of a loop body (sizes the parallel threshold, as one line per statement)."""
    return sum(1 + len(r.get("bounds", ())) for r in records)


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

    def __init__(self, pop, table: S.SlotTable, emit: _Emitter, constants: dict):
        self.pop, self.ir, self.k = pop, pop.neuron, pop.id
        self.slots, self.emit, self.constants = table, emit, constants
        self.pointers, self.buffers = [], {}
        self.size_name = f"p{self.k}_size"
        self.size_slot = table.int(S.PopSize(self.k))
        for n, a in enumerate(self.ir.attributes):
            ctype = "uint8_t" if a.name == SPIKED else CTYPES.get(a.ctype, "real")
            self._pointer(a.name, f"p{self.k}_a{n}", ctype, S.PopAttribute(self.k, a.name))
        self.sums = []
        for n, target in enumerate(self._summed_targets()):
            self._pointer("_sum_" + target, f"p{self.k}_s{n}", "real", S.PopSum(self.k, target))
            self.sums.append(self.buffers["_sum_" + target])
        for n, red in enumerate(self.ir.reductions):
            self._pointer(red.symbol.name, f"p{self.k}_g{n}", "double",
                          S.PopReduction(self.k, red.symbol.name))
        self.for_synapses = []   # reductions synapse equations read (mean(pre.r)…)

    def _summed_targets(self) -> tuple:
        """Targets with a weighted-sum buffer (zeroed at each step): a rate-coded
        neuron's, a spiking neuron's that its equations lack a conductance for."""
        if self.ir.is_spiking:
            return tuple(t for t in self.pop.targets if t not in self.ir.spike.conductances)
        return tuple(self.pop.targets or self.ir.targets)

    def synapse_reduction(self, proj: int, red) -> Access:
        """A reduction over this population written in a synapse of projection ``proj``
        (``mean(pre.r)``): computed at the end of each step with the population's own,
        before the learning rules read it."""
        key = f"_syn{proj}{red.symbol.name}"
        if key not in self.buffers:
            n = len(self.ir.reductions) + len(self.for_synapses)
            self._pointer(key, f"p{self.k}_g{n}", "double", S.PopReduction(self.k, key))
            side = {sp.Symbol(f"{s}.{a.name}"): sp.Symbol(a.name)
                    for s in ("pre", "post") for a in self.ir.attributes}
            self.for_synapses.append(Reduction(sp.Symbol(key), red.op, red.expr.xreplace(side)))
        return Access(self.buffers[key], "0")

    def _pointer(self, key, cname, ctype, slot):
        self.pointers.append((cname, ctype, self.slots.ptr(slot), comment(key)))
        self.buffers[key] = cname

    def table(self, index: str) -> dict:
        """Symbol → C access, for code running at neuron ``index``."""
        t = {sp.Symbol("t"): "t", sp.Symbol("dt"): "dt"}
        for a in self.ir.attributes:
            t[sp.Symbol(a.name)] = Access(self.buffers[a.name],
                                          "0" if a.locality == GLOBAL else index)
        for target in self._summed_targets():
            t[sp.Symbol("_sum_" + target)] = Access(self.buffers["_sum_" + target], index)
        for red in self.ir.reductions:
            t[red.symbol] = Access(self.buffers[red.symbol.name], "0")
        if self.ir.is_spiking:
            t[sp.Symbol("t_last")] = f"((double){self.buffers[LAST_SPIKE]}[{index}] * dt)"
        for n, rv in enumerate(self.ir.randoms):
            t[rv.symbol] = f"_rnd{n}"
        for name in self.ir.constants:
            t[sp.Symbol(name)] = self.constants[name]
        return t

    def real_stores(self, statements) -> list[str]:
        """The real variables a block writes: what the step checks for NaN/infinity."""
        real = {self.buffers[a.name] for a in self.ir.attributes if a.ctype == "real"}
        targets = [st["target"] for st in statements if st["kind"] == "store"]
        return list(dict.fromkeys(t for t in targets if t.split("[")[0] in real))

    def reduction(self, red) -> dict:
        return {"op": red.op, "target": str(Access(self.buffers[red.symbol.name], "0")),
                "expr": self.emit.expr(red.expr, self.table("i")),
                "comment": comment(f"{red.op} {red.expr}")}

    def lower(self) -> dict:
        equations, emit = self.ir.equations, self.emit
        gtable, ltable = self.table("0"), self.table("i")
        hoisted = []
        if self.ir.is_spiking:      # population-wide values read once per step, so that
            for a in self.ir.attributes:     # the neuron loop vectorises (no aliasing)
                if a.locality == GLOBAL:
                    name = f"_{self.buffers[a.name]}"
                    hoisted.append({"name": name, "ctype": CTYPES.get(a.ctype, "real"),
                                    "source": f"{self.buffers[a.name]}[0]"})
                    ltable[sp.Symbol(a.name)] = name
                    if a.ctype not in CTYPES:      # x / tau -> x * (1 / tau): a division
                        hoisted.append({"name": f"{name}_inv", "ctype": "real",  # per
                                        "source": f"(real)1 / {name}"})  # step, not neuron
                        ltable[sp.Pow(sp.Symbol(a.name), -1)] = f"{name}_inv"
        pending = [r for r in self.ir.reductions if r.in_place]
        pre_global, global_stmts, global_used = [], [], set()
        for block in blocks([e for e in equations if e.locality == GLOBAL]):
            used = used_symbols(block)
            for red in [r for r in pending if r.symbol in used]:
                pre_global.append(self.reduction(red))
                pending.remove(red)
            global_used |= used
            global_stmts += emit.statements(block, gtable)
        global_randoms = emit.randoms(self.ir.randoms, global_used, self.k << 16, "0", gtable)
        stages, current = [], None
        for block in blocks([e for e in equations if e.locality == LOCAL]):
            used = used_symbols(block)
            needed = [r for r in pending if r.symbol in used]
            if needed or current is None:
                for red in needed:
                    stages.append({"kind": "reduce", **self.reduction(red)})
                    pending.remove(red)
                current = {"kind": "loop", "statements": [], "comments": [], "used": set()}
                stages.append(current)
            current["comments"] += [comment(st.equation.text) for st in block
                                    if isinstance(st, Store)]
            current["statements"] += emit.statements(block, ltable)
            current["used"] |= used
        spike = None
        if self.ir.is_spiking:      # masked while refractory; emission in the last loop
            if not any(stage["kind"] == "loop" for stage in stages):
                stages.append({"kind": "loop", "statements": [], "comments": [],
                               "used": set()})
            spiking.mask_refractory(stages, {self.buffers[a.name] for a in self.ir.attributes
                                             if a.name.startswith("g_")})
            spike = spiking.spike_stage(self, self.slots, ltable)
            last = [stage for stage in stages if stage["kind"] == "loop"][-1]
            last["spike"] = spike
            last["used"] |= set(self.ir.spike.condition.free_symbols)
            if self.ir.spike.axon_condition is not None:
                last["used"] |= set(self.ir.spike.axon_condition.free_symbols)
                last["comments"].append(comment(f"axon_spike: {self.ir.spike.axon_text}"))
            last["comments"].append(comment(f"spike: {self.ir.spike.text}"))
        for stage in stages:
            if stage["kind"] == "loop":
                stage.setdefault("spike", None)
                stage["randoms"] = emit.randoms(self.ir.randoms, stage.pop("used"),
                                                self.k << 16, "i", ltable)
                stage["lines"] = (RANDOM_LINES * len(stage["randoms"])
                                  + _lines(stage["statements"]))
                stage["checks"] = [t.split("[")[0] for t in
                                   self.real_stores(stage["statements"])]
        timed = None
        if self.pop.timed:    # a TimedArray replays its stored rates
            rates = f"p{self.k}_rates"
            self.pointers.append((rates, "real", self.slots.ptr(S.TimedRates(self.k)),
                                  "replayed rates"))
            timed = {"rates": rates, "r": self.buffers["r"],
                     "entries": self.slots.int(S.TimedEntries(self.k)),
                     "schedule": self.slots.int(S.TimedSchedule(self.k)),
                     "period": self.slots.int(S.TimedPeriod(self.k)),
                     "start": self.slots.int(S.TimedStart(self.k))}
        stop = None
        if self.pop.stop is not None:
            stop = {"mode": self.pop.stop.mode,
                    # checked after the population's block: it reads the buffers, not
                    # the values hoisted for the loops
                    "expr": emit.expr(self.pop.stop.condition, self.table("i")),
                    "flag": self.slots.int(S.StopFlag(self.k)),
                    "selected": self.slots.int(S.StopSelected(self.k)),
                    "comment": comment(f"{self.pop.stop.condition} {self.pop.stop.mode}")}
        loops = [s for s in stages if s["kind"] == "loop"]
        for n, stage in enumerate(loops):     # each loop a function of what it reads
            stage["function"] = f"ng_p{self.k}_loop{n}"
            stage["args"] = loop_arguments(stage, self.pointers, hoisted, self.constants)
        # reciprocals are computed at each step only where a loop reads them
        read = {name for stage in loops for _, name in stage["args"]}
        hoisted = [h for h in hoisted if not h["name"].endswith("_inv") or h["name"] in read]
        return {"id": self.k, "size": self.size_name, "stop": stop, "timed": timed,
                "spike": spike, "hoisted": hoisted,
                "sums": self.sums, "pre_global": pre_global,
                "global_randoms": global_randoms, "global_statements": global_stmts,
                "global_checks": self.real_stores(global_stmts),
                "stages": stages,
                "end_reductions": [self.reduction(r) for r in self.ir.reductions
                                   if not r.in_place]
                                  + [self.reduction(r) for r in self.for_synapses]}


class _SynapseLowering:
    """Builds the psp and learning code of one projection with a synapse model.

    Inside the generated loops ``i`` is the postsynaptic neuron, ``k`` the synapse (CSR
    position) and ``j = cols[k]`` the presynaptic neuron; the psp reads the (possibly
    delayed) presynaptic rate from the local ``pre_r`` its template block declares."""

    def __init__(self, proj, table: S.SlotTable, emit: _Emitter, constants: dict, pre, post,
                 reductions: dict | None = None):
        self.ir, self.j, self.slots = proj.synapse, proj.id, table
        self.reductions = reductions or {}
        self.emit, self.constants, self.pre, self.post = emit, constants, pre, post
        self.pointers, self.buffers = [], {}
        for n, a in enumerate(self.ir.attributes):
            if a.name == "w":
                continue
            cname = f"s{self.j}_a{n}"
            self.pointers.append((cname, CTYPES.get(a.ctype, "real"),
                                  table.ptr(S.SynAttribute(self.j, a.name)), comment(a.name)))
            self.buffers[a.name] = cname

    def table(self, pre_r) -> dict:
        index = {LOCAL: "k", POSTSYNAPTIC: "i", GLOBAL: "0"}
        t = {sp.Symbol("t"): "t", sp.Symbol("dt"): "dt",
             sp.Symbol("w"): Access(f"w{self.j}", "k")}
        for a in self.ir.attributes:
            if a.name != "w":
                t[sp.Symbol(a.name)] = Access(self.buffers[a.name], index[a.locality])
        for side, low, idx in (("pre", self.pre, "j"), ("post", self.post, "i")):
            for a in low.ir.attributes:
                t[sp.Symbol(f"{side}.{a.name}")] = \
                    Access(low.buffers[a.name], "0" if a.locality == GLOBAL else idx)
        t[sp.Symbol("pre.r")] = pre_r
        for side, low, idx in (("pre", self.pre, "j"), ("post", self.post, "i")):
            if LAST_SPIKE in low.buffers:     # t_pre, t_post: the last spike's time (ms)
                t[sp.Symbol(f"t_{side}")] = f"((double){low.buffers[LAST_SPIKE]}[{idx}] * dt)"
        # pre.sum(exc) / post.sum(exc): that neuron's weighted sum, 0 without such a target
        for sym in self._side_sums():
            side, target = sym.name[:-1].split(".sum(")
            low, idx = (self.pre, "j") if side == "pre" else (self.post, "i")
            cname = low.buffers.get("_sum_" + target)
            t[sym] = Access(cname, idx) if cname is not None else "0.0"
        t.update(self.reductions)
        for n, rv in enumerate(self.ir.randoms):
            t[rv.symbol] = f"_rnd{n}"
        for name in self.ir.constants:
            t[sp.Symbol(name)] = self.constants[name]
        return t

    def _side_sums(self) -> list:
        used = set().union(*(e.rhs.free_symbols for e in self.ir.equations)) \
            if self.ir.equations else set()
        if self.ir.psp is not None:
            used |= self.ir.psp.free_symbols
        return sorted((s for s in used if s.name.startswith(("pre.sum(", "post.sum("))),
                      key=lambda x: x.name)

    def psp(self, delayed: dict | None = None) -> str | None:
        """The printed psp; ``delayed`` maps presynaptic symbols other than ``pre.r`` to
        their reads in a delay ring (a delayed projection)."""
        ir = self.ir
        if ir.psp is None and ir.operation == "sum":
            return None   # the default w * pre.r, summed: the fast kernels
        expr = ir.psp if ir.psp is not None else sp.Symbol("w") * sp.Symbol("pre.r")
        return self.emit.expr(expr, {**self.table("pre_r"), **(delayed or {})})

    def learning(self) -> dict | None:
        if not self.ir.equations:
            return None
        table = self.table(Access(self.pre.buffers["r"], "j"))
        stream = (0x8000 | self.j) << 16
        parts = {}
        for locality, index in ((GLOBAL, "0"), (POSTSYNAPTIC, "i"), (LOCAL, "k")):
            stmts, used = [], set()
            for block in blocks([e for e in self.ir.equations if e.locality == locality]):
                used |= used_symbols(block)
                stmts += self.emit.statements(block, table)
            # streams number the draws of this locality (their position among them)
            randoms = [rv for rv in self.ir.randoms if rv.locality == locality]
            parts[locality] = {"randoms": self.emit.randoms(randoms, used, stream, index, table),
                               "statements": stmts}
        return {"global": parts[GLOBAL], "post": parts[POSTSYNAPTIC], "local": parts[LOCAL],
                "comments": [comment(e.text) for e in self.ir.equations],
                "enabled": self.slots.int(S.LearningEnabled(self.j)),
                "period": self.slots.int(S.LearningPeriod(self.j)),
                "offset": self.slots.int(S.LearningOffset(self.j))}


def _delayed_reads(proj, entry, pre, var_rings: dict, table: S.SlotTable,
                   pointers: list) -> dict:
    """Presynaptic attributes other than ``r`` read by the psp of a delayed projection go
    through delay rings of their own (advancing with ``r``'s, so its ``head`` indexes
    them): symbol → the delayed read, per neuron ``j`` (or ``0`` when population-wide)."""
    reads = {}
    for sym in sorted(proj.synapse.psp.free_symbols, key=lambda x: x.name):
        name = sym.name
        if not name.startswith("pre.") or name == "pre.r" or "(" in name:
            continue
        attr = name[4:]
        n, a = next((n, a) for n, a in enumerate(pre.ir.attributes) if a.name == attr)
        if a.ctype != "real":
            raise NetworkError(f"projection {proj.id}: a delayed psp can read real-valued "
                               f"presynaptic attributes only, not the {a.ctype} '{attr}'")
        k = proj.pre
        if (k, attr) not in var_rings:
            buffer = f"ring{k}_a{n}"
            pointers.append((buffer, "real", table.ptr(S.DelayRing(k, attr)), "delay ring"))
            var_rings[(k, attr)] = {
                "pop": k, "buffer": buffer, "depth": f"ring{k}_depth",
                "head_slot": table.int(S.RingHead(k, attr)), "source": pre.buffers[attr],
                "size": "1" if a.locality == GLOBAL else pre.size_name}
        ring = var_rings[(k, attr)]
        depth, size = ring["depth"], ring["size"]
        index = "0" if a.locality == GLOBAL else "j"
        if proj.delay == DELAY_UNIFORM:
            back = f"({entry['delay_steps']} - 1)"
        else:     # per synapse: at least one step, as the ring of r
            d = f"(int64_t){entry['delays']}[k]"
            back = f"(({d} > 1 ? {d} : (int64_t)1) - 1)"
        reads[sym] = f"{ring['buffer']}[((head - {back} + {depth}) % {depth}) * {size} + {index}]"
    return reads


def _conductance(post, target: int) -> str:
    """The buffer spikes or rates add to in a spiking population: ``g_<target>``, or
    the sum buffer of a target its equations do not read."""
    name = post.pop.targets[target]
    return post.buffers.get(f"g_{name}", post.buffers.get(f"_sum_{name}"))


def build_plan(network: NetworkIR, backend) -> Plan:
    """The plan of ``network`` for ``backend`` (reads the IR only)."""
    precision = network.precision
    table = S.SlotTable()
    reals = [(f"c{n}", table.real(S.ConstantValue(n))) for n, _ in enumerate(network.constants)]
    constants = {name: f"c{n}" for n, name in enumerate(network.constants)}
    pops = [_PopulationLowering(p, table, _Emitter(backend.printer, precision, f"p{p.id}"),
                                constants) for p in network.populations]
    synapse_reductions = {}      # (projection, symbol) -> Access of the population buffer
    for proj in network.projections:
        for red in (proj.synapse.reductions if proj.synapse is not None else ()):
            side = next(iter(red.expr.free_symbols)).name.split(".")[0]
            low = pops[proj.pre if side == "pre" else proj.post]
            synapse_reductions[(proj.id, red.symbol)] = low.synapse_reduction(proj.id, red)
    lowered = [low.lower() for low in pops]
    pointers = [ptr for low in pops for ptr in low.pointers]
    sizes = [(low.size_name, low.size_slot) for low in pops]
    sizes += [(pop["spike"]["depth"], pop["spike"]["depth_slot"]) for pop in lowered
              if pop["spike"] is not None]

    rings, var_rings, projections = {}, {}, []
    for proj in network.projections:
        kernel = storage.kernel(proj.storage)
        if not backend.provides(kernel.name):
            raise NeurogenError(f"internal error: storage '{kernel.name}' reached the "
                                f"'{backend.name}' planner, which does not provide it")
        pre, post = pops[proj.pre], pops[proj.post]
        j = proj.id
        entry = {"id": j, "storage": kernel.name, "block": backend.storage_template(kernel.name),
                 "delay": proj.delay, "pre": pre.buffers["r"], "pre_size": pre.size_name,
                 "post_size": post.size_name,
                 "sum": post.sums[proj.target] if not post.ir.is_spiking else
                 _conductance(post, proj.target),
                 "more_sums": [_conductance(post, k) for k in proj.more_targets],
                 "comment": comment(f"projection {j}: population {proj.pre} -> population "
                                    f"{proj.post}, sum {proj.target}, {kernel.name}"),
                 "w": f"w{j}", "tables": {}, "sizes": {}}
        if kernel.uses_weights:
            pointers.append((f"w{j}", "real", table.ptr(S.ProjWeights(j)), "weights"))
        for name, ctype in kernel.tables:
            entry["tables"][name] = f"k{j}_{name}"
            pointers.append((f"k{j}_{name}", ctype, table.ptr(S.KernelTable(j, name)),
                             f"{kernel.name} {name}"))
        for name in kernel.sizes:
            entry["sizes"][name] = f"k{j}_{name}"
            sizes.append((f"k{j}_{name}", table.int(S.KernelSize(j, name))))
        if proj.delay == DELAY_SYNAPSE:
            entry["delays"] = f"delays{j}"
            pointers.append((f"delays{j}", "int32_t", table.ptr(S.SynDelays(j)), "delays"))
        if proj.delay == DELAY_UNIFORM:
            entry["delay_steps"] = f"delay{j}"
            sizes.append((f"delay{j}", table.int(S.UniformDelay(j))))
        entry["spiking"] = None
        if kernel.name == "spike_events":     # spikes: events, no rates through rings
            syn = _SynapseLowering(proj, table, _Emitter(backend.printer, precision, f"s{j}"),
                                   constants, pre, post)
            spiking.projection(entry, proj, syn, pre, post, table)
            pointers.extend(syn.pointers)
            sizes.extend(entry.pop("extra_sizes", []))
            entry["psp"], entry["operation"], entry["rules"] = None, "sum", []
            entry["learning"], entry["batched"] = syn.learning(), False
            projections.append(entry)
            continue
        if proj.delay != DELAY_NONE and proj.pre not in rings:
            k = proj.pre
            rings[k] = {"pop": k, "buffer": f"ring{k}", "depth": f"ring{k}_depth",
                        "head_slot": table.int(S.RingHead(k)), "source": pre.buffers["r"],
                        "size": pre.size_name}
            pointers.append((f"ring{k}", "real", table.ptr(S.DelayRing(k)), "delay ring"))
            sizes.append((f"ring{k}_depth", table.int(S.RingDepth(k))))
        if proj.delay != DELAY_NONE:
            entry["ring"] = rings[proj.pre]
        entry["psp"], entry["operation"], entry["learning"] = None, "sum", None
        entry["rules"] = []
        entry["batched"] = False
        if proj.synapse is not None:
            syn = _SynapseLowering(proj, table, _Emitter(backend.printer, precision, f"s{j}"),
                                   constants, pre, post,
                                   {sym: acc for (pj, sym), acc in synapse_reductions.items()
                                    if pj == j})
            pointers.extend(syn.pointers)
            delayed = _delayed_reads(proj, entry, pre, var_rings, table, pointers) \
                if proj.delay != DELAY_NONE and proj.synapse.psp is not None else {}
            entry["psp"], entry["operation"] = syn.psp(delayed), proj.synapse.operation
            entry["learning"] = syn.learning()
            entry["rules"] = lower_rules(proj, syn, table, pointers, reals)
        # batched networks: plain weighted sums of every copy in one pass over the weights
        # (not into a spiking neuron's conductance: it adds in projection order with spikes)
        entry["batched"] = network.batched and kernel.name in BATCHED_KERNELS and \
            entry["psp"] is None and proj.delay != DELAY_SYNAPSE and not post.ir.is_spiking
        entry["blas"] = blas_sum(entry, backend, precision)
        projections.append(entry)

    spiking.fuse(lowered, projections, network, backend.name)
    plan = Plan(precision=precision, backend=backend.name, slots=table, pointers=pointers,
                sizes=sizes, reals=reals, projections=projections, populations=lowered,
                rings=list(rings.values()) + list(var_rings.values()))
    if any(entry["rules"] for entry in projections):
        plan.rules_fired = table.int(S.RulesFired())
        plan.rules_refill = table.int(S.RulesRefill())
    if network.batched:
        plan.batched = True
        plan.sizes.append(("ng_batch", table.int(S.BatchSize())))
        plan.batch_strides = batch_strides(network, table, plan.pointers)
        plan.parallel_copies = not any(storage.kernel(p.storage).scratch
                                       for p in network.projections)
        plan.blas = any(entry.get("blas") for entry in projections)
    if backend.mirrors_buffers:    # device mirrors need every buffer's byte size
        plan.nbytes_slots = [-1, -1] + [table.int(S.BufferBytes(k))
                                        for k in range(2, len(table.ptrs))]
    return plan
