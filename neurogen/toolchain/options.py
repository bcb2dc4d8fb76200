"""ANNarchy's ``compile()`` keywords beyond ``directory``/``clean``/``silent``: each one is
either given its meaning here or refused with the reason, never ignored.

``compiler`` and ``compiler_flags`` (and ``annarchy_json``, ANNarchy's file holding their
defaults) choose the toolchain; ``debug_build`` adds ``-O0 -g``; ``populations`` /
``projections`` may only name the whole network; ``cuda_config`` may only name device 0;
``add_sources``, ``extra_libs`` and ``profile_enabled`` / ``trace_calls`` are refused.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..errors import CompilerFlagError, InvalidValueError, NetworkError
from ..validation import did_you_mean
from .compiler import toolchain
from .flags import parse_compiler_flags

OWNER = "compile()"
_JSON_KEYS = {"openmp": ("compiler", "flags"), "cuda": ("compiler", "device")}


def _is_default(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in ("", "default"))


def _annarchy_json(path) -> dict:
    """``openmp.compiler`` / ``openmp.flags`` of ANNarchy's configuration file (its
    ``cuda`` section may only say what neurogen does anyway: nvcc, device 0)."""
    try:
        data = json.loads(Path(path).read_text())
    except OSError as exc:
        raise InvalidValueError(f"{OWNER}: annarchy_json={str(path)!r} cannot be read "
                                f"({exc.strerror})") from None
    except ValueError as exc:
        raise InvalidValueError(f"{OWNER}: annarchy_json={str(path)!r} is not valid JSON "
                                f"({exc})") from None
    if not isinstance(data, dict):
        raise InvalidValueError(f"{OWNER}: annarchy_json={str(path)!r} must hold an object")
    for section, values in data.items():
        if section not in _JSON_KEYS or not isinstance(values, dict):
            raise InvalidValueError(f"{OWNER}: annarchy_json: unknown section {section!r} "
                                    "(expected 'openmp' or 'cuda' objects)"
                                    + did_you_mean(section, _JSON_KEYS))
        for key in values:
            if key not in _JSON_KEYS[section]:
                raise InvalidValueError(f"{OWNER}: annarchy_json: unknown key "
                                        f"'{section}.{key}'" + did_you_mean(key, _JSON_KEYS[section]))
    cuda = data.get("cuda", {})
    if cuda.get("compiler", "nvcc") != "nvcc" or cuda.get("device", 0) != 0:
        raise InvalidValueError(f"{OWNER}: annarchy_json: neurogen's CUDA backend uses nvcc "
                                "(found on PATH or in CUDA_HOME) and device 0 (choose the GPU "
                                "with CUDA_VISIBLE_DEVICES); got cuda = " + json.dumps(cuda))
    return data.get("openmp", {})


def _refuse_cuda_config(cuda_config):
    if cuda_config is None:
        return
    if isinstance(cuda_config, dict) and set(cuda_config) <= {"device"} \
            and cuda_config.get("device", 0) == 0:
        return
    raise InvalidValueError(
        f"{OWNER}: cuda_config={cuda_config!r} is not supported: neurogen runs on device 0 "
        "(choose the GPU with CUDA_VISIBLE_DEVICES) and picks the CUDA launch configuration "
        "itself")


def _refuse_subset(net, populations, projections):
    for name, given, mine in (("populations", populations, net.populations),
                              ("projections", projections, net.projections)):
        if given is None:
            continue
        try:
            same = {id(o) for o in given} == {id(o) for o in mine}
        except TypeError:
            same = False
        if not same:
            raise NetworkError(
                f"{OWNER}: {name}= must be None or every {name[:-1]} of the network: "
                "neurogen compiles a whole network. To simulate part of it, create those "
                "populations and projections in a Network of their own")


def resolve(net, backend, *, compiler=None, compiler_flags=None, annarchy_json="",
            debug_build=False, populations=None, projections=None, add_sources="",
            extra_libs="", cuda_config=None, profile_enabled=False, trace_calls=None):
    """The toolchain for this build (with the user's flags), or a NeurogenError."""
    _refuse_subset(net, populations, projections)
    _refuse_cuda_config(cuda_config)
    for name, value in (("add_sources", add_sources), ("extra_libs", extra_libs)):
        if value not in (None, "", [], ()):
            raise NetworkError(
                f"{OWNER}: {name}={value!r} is not supported: neurogen does not link user C++ "
                "sources or libraries into a network. Declare functions with add_function() "
                "or in a Neuron's functions=, or compile Cython code with "
                "neurogen.inputs.load_pyx()")
    if profile_enabled or trace_calls:
        name = "profile_enabled" if profile_enabled else "trace_calls"
        raise NetworkError(f"{OWNER}: {name}= is not supported: neurogen has no profiling "
                           "build; simulate(measure_time=True) reports the wall time")
    if not _is_default(annarchy_json):
        openmp = _annarchy_json(annarchy_json)
        if _is_default(compiler):
            compiler = openmp.get("compiler")
        if _is_default(compiler_flags):
            compiler_flags = openmp.get("flags")
    flags = parse_compiler_flags(compiler_flags, OWNER)
    if debug_build:
        flags += ("-O0", "-g")
    if flags and not backend.takes_compiler_flags:
        raise CompilerFlagError(
            f"{OWNER}: compiler_flags/debug_build apply to the CPU backend ('openmp'); the "
            f"'{backend.name}' backend's compiler flags are fixed", flag=flags[0])
    if _is_default(compiler):
        tc = toolchain()
    elif isinstance(compiler, str):
        tc = toolchain(compiler.strip())
    else:
        raise InvalidValueError(f"{OWNER}: compiler must be a string such as 'g++' or "
                                f"'clang++', got {compiler!r}")
    return tc.with_flags(flags) if flags else tc
