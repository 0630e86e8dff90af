"""Mutation score of each pure module, beside the goal (90 % of mutants killed), from the
last `mutmut run` (`make mutation` runs both):

    .venv/bin/python bench/mutation_score.py

A mutant no selected test reaches counts as surviving: a pure module is tested by its own
tests. A mutant whose tests run out of time (an endless loop: `i += 0`) was noticed, and
counts as killed."""

import subprocess
import sys
from collections import Counter
from pathlib import Path

GOAL = 0.90


def main() -> int:
    mutmut = Path(sys.executable).with_name("mutmut")
    listed = subprocess.run(  # nosec B603: our own venv's mutmut, fixed arguments
        [str(mutmut), "results", "--all", "true"], capture_output=True, text=True, check=True
    ).stdout
    counts: dict[str, Counter] = {}
    for line in listed.splitlines():
        name, _, status = line.strip().partition(": ")
        if "__mutmut_" not in name:
            continue
        module = name.split("__mutmut_")[0].rsplit(".", 1)[0]  # crte.core.formats.x_format_date
        counts.setdefault(module, Counter())[status.strip()] += 1
    failing = 0
    for module, found in sorted(counts.items()):
        total = sum(found.values())
        killed = found["killed"] + found["timeout"]
        score = killed / total
        failing += score < GOAL
        verdict = "atteint" if score >= GOAL else "NON"
        shown = f"{killed:>4} / {total:<4} tués"
        print(f"{module:<32} {shown}  {score:6.1%}  (objectif ≥ 90 % : {verdict})")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
