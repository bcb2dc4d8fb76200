"""Equation-string fuzzing at scale: random neurons through parsing and code generation.

Prints one JSON object: how many cases were accepted, refused with a NeurogenError that
names the neuron and the line, refused without naming them (``unnamed``), failed with
any other exception (``raw``) or ran past 2 s (``hang``), with a few examples of each
failure and the slowest case. The goal is zero raw, zero unnamed, zero hangs.

    python bench/fuzz.py [--cases 100000] [--seed 0] [--no-generate]
"""
import argparse
import collections
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "reliability"))
from fuzzing import check, neuron_case  # noqa: E402

sys.setrecursionlimit(max(sys.getrecursionlimit(), 3000))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-generate", action="store_true",
                        help="parse only (skip planning and rendering the code)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    counts = collections.Counter()
    examples = collections.defaultdict(list)
    types = collections.Counter()
    slowest = (0.0, None)
    start = time.perf_counter()
    for _ in range(args.cases):
        parameters, equations = neuron_case(rng)
        result = check(parameters, equations, generate=not args.no_generate)
        counts[result["outcome"]] += 1
        if result["outcome"] in ("raw", "unnamed", "hang"):
            types[f"{result['outcome']}:{result.get('type', '')}"] += 1
            if len(examples[result["outcome"]]) < 10:
                examples[result["outcome"]].append(
                    {"parameters": parameters, "equations": equations, **result})
        if result["seconds"] > slowest[0]:
            slowest = (result["seconds"], {"parameters": parameters, "equations": equations})
    print(json.dumps({
        "cases": args.cases, "seed": args.seed, "generate": not args.no_generate,
        "seconds": round(time.perf_counter() - start, 1),
        "ok": counts["ok"], "refused": counts["refused"], "unnamed": counts["unnamed"],
        "raw": counts["raw"], "hang": counts["hang"], "failure_types": dict(types),
        "slowest_s": round(slowest[0], 3), "slowest_case": slowest[1],
        "examples": examples,
    }, indent=1, default=str))


if __name__ == "__main__":
    main()
