"""The mutation score and the surviving mutants per module, from ``mutmut results --all true``
on standard input (``make mutants`` pipes it here).

    .venv/bin/mutmut results --all true | .venv/bin/python benchmarks/mutation_summary.py

Prints the counts by status, the score (killed and timed out over every mutant that has a
test), and a table of survived / no tests / timeout / not checked per module, most survivors
first. The full list of survivors is ``mutmut results`` itself; ``mutmut show NAME`` shows one.
"""

import collections
import re
import sys


def module_of(mutant: str) -> str:
    """helpers.exercises.nb06.x_adam_step__mutmut_3 → helpers.exercises.nb06 (also for methods,
    whose mangled names read xǁClassǁmethod)."""
    return re.sub(r"\.x[_ǁ].*", "", mutant)


def main(lines) -> None:
    rows = [line.strip().rsplit(": ", 1) for line in lines if ": " in line]
    status = collections.Counter(s for _, s in rows)
    by_module = collections.defaultdict(collections.Counter)
    for name, s in rows:
        by_module[module_of(name)][s] += 1
    caught = status["killed"] + status["timeout"]
    tested = caught + status["survived"]
    print(", ".join(f"{k} {v}" for k, v in status.most_common()), f"(of {len(rows)})")
    if tested:
        print(f"score: {caught / tested:.1%} of the {tested} mutants that have a test and ran")
    columns = ("survived", "no tests", "timeout", "not checked")
    print(f"{'module':36s}" + "".join(f"{c:>13s}" for c in columns))
    for module in sorted(by_module, key=lambda m: -by_module[m]["survived"]):
        counts = by_module[module]
        print(f"{module:36s}" + "".join(f"{counts[c]:13d}" for c in columns))


if __name__ == "__main__":
    main(sys.stdin)
