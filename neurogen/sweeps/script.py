"""Loading a model script: execute it headless, find its network, compile it and
remember its starting state."""
from __future__ import annotations

import atexit
import runpy
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import NeurogenError
from .errors import SweepError, one_line, script_line
from .options import parse_record


@dataclass
class Model:
    """A model script executed once: its network, compiled, and its starting state."""
    path: Path
    net: object
    namespace: dict
    compile_s: float = 0.0
    build: str = "loaded"          # 'built' or 'cached' (what compile() did), else 'loaded'
    start: dict = field(default_factory=dict)
    base_seed: int = 0
    monitors: dict = field(default_factory=dict)
    analyse: object = None
    state_file: str | None = None  # the whole starting state, for plastic networks
    reported: bool = False         # whether a run already reported how it was built

    @property
    def name(self) -> str:
        return self.path.name

    def population(self, name: str):
        """A population by name, by the script's variable name, or by a unique
        case-insensitive name."""
        from ..core.population import Population
        pops = self.net.populations
        for pop in pops:
            if pop.name == name:
                return pop
        value = self.namespace.get(name)
        if isinstance(value, Population) and any(value is p for p in pops):
            return value
        folded = [p for p in pops if p.name.lower() == name.lower()]
        if len(folded) == 1:
            return folded[0]
        known = []
        for pop in pops:
            names = [k for k, v in self.namespace.items() if v is pop and k != pop.name]
            known.append(pop.name + (f" ({', '.join(names)})" if names else ""))
        raise SweepError(f"{self.name} has no population '{name}' (populations: "
                         f"{', '.join(known)})")

    def attribute(self, spec: str):
        """``'focus.r'`` → (population, 'r'), checking that the attribute exists."""
        pop_name, attr = parse_record(spec)
        pop = self.population(pop_name)
        if attr == "spike" and pop.ir.is_spiking:
            return pop, attr
        if attr not in pop.attributes:
            raise SweepError(f"population '{pop.name}' of {self.name} has no attribute "
                             f"'{attr}' (attributes: {', '.join(pop.attributes)})")
        return pop, attr


def load_model(path, network: str | None = None, threads: int | None = None,
               paradigm: str | None = None) -> Model:
    """Execute a model script, find its network and compile it (from the cache when the
    same model was built before). ``paradigm`` ('openmp' | 'cuda') becomes the default
    of the networks the script creates (:func:`~neurogen.core.network_options.using_paradigm`)."""
    from ..core.network import Network, clear, default_network
    from ..core.network_options import using_paradigm
    path = Path(path)
    if not path.is_file():
        raise SweepError(f"model script not found: {path}")
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [str(path)]
    sys.path.insert(0, str(path.resolve().parent))
    try:
        with using_paradigm(paradigm):
            clear()
            namespace = runpy.run_path(str(path), run_name="__neurogen__")
    except NeurogenError as exc:
        raise SweepError(f"{path.name}{script_line(exc, path)}: {one_line(exc)}") from None
    except SystemExit as exc:
        raise SweepError(f"{path.name} called exit({exc.code})") from None
    except Exception as exc:   # noqa: BLE001 (any error of a user's script is reported)
        raise SweepError(f"{path.name}{script_line(exc, path)}: "
                         f"{type(exc).__name__}: {one_line(exc)}") from None
    finally:
        sys.argv = saved_argv
        sys.path[:] = saved_path + [p for p in sys.path if p not in saved_path
                                    and p != str(path.resolve().parent)]
    if network is not None:
        net = namespace.get(network)
        if not isinstance(net, Network):
            raise SweepError(f"{path.name} has no Network named '{network}'")
    else:
        found: list = []
        for name, value in namespace.items():
            if isinstance(value, Network) and value.populations and \
                    not any(value is n for _, n in found):
                found.append((name, value))
        default = default_network()
        if default.populations and not any(default is n for _, n in found):
            found.append(("the default network", default))
        if not found:
            raise SweepError(f"{path.name} defines no population")
        if len(found) > 1:
            raise SweepError(f"{path.name} defines several networks "
                             f"({', '.join(n for n, _ in found)}): choose one with --network")
        net = found[0][1]
    if threads is not None:
        net.setup(num_threads=threads)
    if paradigm is not None and net.options.paradigm != paradigm:
        if net.compiled:
            raise SweepError(f"{path.name} compiled its network for "
                             f"'{net.options.paradigm}' itself: --paradigm {paradigm} "
                             "cannot change it")
        net.setup(paradigm=paradigm)
    model = Model(path=path, net=net, namespace=namespace)
    if not net.compiled:
        start = time.perf_counter()
        try:
            net.compile()
        except NeurogenError as exc:
            raise SweepError(f"{path.name}: {one_line(exc)}") from None
        model.compile_s = time.perf_counter() - start
        model.build = "cached" if net.build_info.get("cached") else "built"
    model.start = {(pop.id, name): pop.view(name).copy()
                   for pop in net.populations for name in pop.attributes}
    if any(getattr(p, "synapse_ir", None) is not None for p in net.projections):
        # synapses with equations change during a run: keep the whole starting state
        folder = tempfile.mkdtemp(prefix="neurogen-batch-")
        atexit.register(shutil.rmtree, folder, True)
        model.state_file = str(Path(folder) / "start.npz")
        net.save(model.state_file)
    model.base_seed = net.seed
    model.analyse = namespace.get("analyse") if callable(namespace.get("analyse")) else None
    return model
