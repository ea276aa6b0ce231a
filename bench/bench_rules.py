"""Rule engine benchmark: load + validate, path enumeration and the next-question step.

Measures the real pack, then synthetic packs 10x and 100x larger (the real pack's questions
copied side by side behind a wider first question), and checks its targets:
load + validate under 50 ms, enumeration under 1 s, and cost growing linearly with size.

    .venv/bin/python bench/bench_rules.py [--repeat N]

Prints medians; exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import statistics
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _support import load_average, print_machine
from app import rules
from app.rules import DEFAULT_PACK, ContactBook, RulePack, enumerate_paths, evaluate, load_contacts, load_pack, loader
from app.rules.loader import read_yaml

# The 100x pack is larger than the loader takes from a rule file (RULE_FILE_MAX_BYTES, 1 MiB, so
# that a file is never read whole beyond it): this benchmark measures the engine's growth, not the
# file's reading, so it lets its own synthetic files be larger.
loader.RULE_FILE_MAX_BYTES = 64 * 1024 * 1024

LINEAR_SLACK = 1.6  # allowed excess over proportional growth (timer noise, cache effects)


def synthetic_pack(factor: int) -> dict[str, Any]:
    """The real pack with its questions copied ``factor`` times behind one wider first question."""
    raw, problems = read_yaml(DEFAULT_PACK)
    assert not problems, problems
    data = json.loads(json.dumps(raw, default=str))  # plain dicts and lists, dates as text
    questions = data["questions"]
    mode, rest = questions[0], questions[1:]
    first_target = mode["options"][0]["next"]
    ids = {q["id"] for q in rest}
    new_questions: list[dict[str, Any]] = []
    new_mode = copy.deepcopy(mode)
    new_mode["options"] = []
    for copy_number in range(factor):
        suffix = "" if copy_number == 0 else f"_{copy_number}"
        for option in mode["options"]:
            new_option = copy.deepcopy(option)
            new_option["value"] = f"{option['value']}{suffix}"
            new_option["next"] = f"{first_target}{suffix}"
            new_mode["options"].append(new_option)
        for question in rest:
            clone = copy.deepcopy(question)
            clone["id"] = f"{question['id']}{suffix}"
            if clone.get("next") in ids:
                clone["next"] = f"{clone['next']}{suffix}"
            for option in clone["options"]:
                if option.get("next") in ids:
                    option["next"] = f"{option['next']}{suffix}"
                if "implies" in option:  # an answer to this copy's own later question
                    option["implies"] = {f"{name}{suffix}": value for name, value in option["implies"].items()}
            new_questions.append(clone)
    # Each copy asks for its own request outcome, so each copy's risk questions guard it.
    request = next(o for o in data["outcomes"] if o.get("request"))
    # An outcome's "change" link names one question, which only the first copy's routes ask.
    outcomes = [{key: value for key, value in o.items() if key != "change"} for o in data["outcomes"]]
    for copy_number in range(1, factor):
        clone = copy.deepcopy(request)
        clone["id"] = f"{request['id']}_{copy_number}"
        outcomes.append(clone)
        for question in new_questions:
            if question["id"].endswith(f"_{copy_number}"):
                for option in question["options"]:
                    if option.get("next") == request["id"]:
                        option["next"] = clone["id"]
    data["questions"] = [new_mode, *new_questions]
    data["outcomes"] = outcomes
    return data


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``action`` over ``repeat`` runs (after one warm-up run).

    Objects alive before timing are frozen out of the garbage collector's view, so a
    collection walking earlier results does not land in one measurement and not another.
    """
    action()
    gc.collect()
    gc.freeze()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def load_afresh(path: Path, contacts: ContactBook) -> RulePack:
    """Read and check the pack as a new process would: ``check_pack`` keeps a pack it has checked
    (by its bytes), so the same file asked for again costs a look-up, not a load."""
    rules._CHECKED.clear()
    return load_pack(path, contacts)


def measure(path: Path, repeat: int) -> dict[str, float]:
    """Medians for one pack file."""
    contacts = load_contacts()
    pack = load_pack(path, contacts)
    paths = list(enumerate_paths(pack))
    longest = max(paths, key=lambda p: len(p.answers))
    answers = dict(longest.answers)
    return {
        "questions": len(pack.questions),
        "paths": len(paths),
        "load_validate": median_seconds(lambda: load_afresh(path, contacts), repeat),
        "enumerate": median_seconds(lambda: deque(enumerate_paths(pack), maxlen=0), max(3, repeat // 4)),
        "step": median_seconds(lambda: evaluate(pack, answers), repeat * 20),
    }


def main() -> int:
    """Run the benchmark, print the figures, and return 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21, help="runs per measurement (median taken)")
    args = parser.parse_args()
    print_machine("Rule engine benchmark")
    results: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for factor in (1, 10, 100):
            path = DEFAULT_PACK if factor == 1 else Path(folder) / f"pack_x{factor}.yaml"
            if factor != 1:
                path.write_text(yaml.safe_dump(synthetic_pack(factor), sort_keys=False), encoding="utf-8")
            results[factor] = measure(path, args.repeat if factor < 100 else max(5, args.repeat // 4))

    print(f"Rule engine benchmark (medians; Python {sys.version.split()[0]})")
    print(f"{'pack':>6} {'questions':>9} {'paths':>7} {'load+validate':>14} {'enumerate':>11} {'step':>10}")
    for factor, r in results.items():
        print(
            f"{str(factor) + 'x':>6} {int(r['questions']):>9} {int(r['paths']):>7} "
            f"{r['load_validate'] * 1000:>11.2f} ms {r['enumerate'] * 1000:>8.1f} ms "
            f"{r['step'] * 1e6:>7.1f} us"
        )
    base = results[1]
    failures = []
    print("\nGrowth against the real pack (1x), per unit of size (1.00 = exactly linear):")
    for factor in (10, 100):
        r = results[factor]
        size_ratio = r["questions"] / base["questions"]
        path_ratio = r["paths"] / base["paths"]
        load_growth = (r["load_validate"] / base["load_validate"]) / size_ratio
        enum_growth = (r["enumerate"] / base["enumerate"]) / path_ratio
        step_growth = r["step"] / base["step"]
        print(
            f"  {factor}x: load+validate {load_growth:.2f}, enumerate {enum_growth:.2f} per path, "
            f"next-question step {step_growth:.2f}x (path length is unchanged)"
        )
        if load_growth > LINEAR_SLACK:
            failures.append(f"load+validate grows faster than linearly at {factor}x ({load_growth:.2f})")
        if enum_growth > LINEAR_SLACK:
            failures.append(f"enumeration grows faster than linearly at {factor}x ({enum_growth:.2f})")
        if step_growth > LINEAR_SLACK:
            failures.append(f"the next-question step depends on pack size at {factor}x ({step_growth:.2f})")
    if base["load_validate"] >= 0.050:
        failures.append(f"real pack load+validate {base['load_validate'] * 1000:.1f} ms >= 50 ms")
    if base["enumerate"] >= 1.0:
        failures.append(f"real pack enumeration {base['enumerate']:.2f} s >= 1 s")
    print(
        f"\nTargets: load+validate < 50 ms; enumeration < 1 s; linear growth (within {LINEAR_SLACK}x of proportional)."
    )
    for failure in failures:
        print(f"MISSED: {failure}")
    print("All targets met." if not failures else f"{len(failures)} target(s) missed.")
    print(f"load average at end: {load_average()}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
