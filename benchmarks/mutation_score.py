"""Mutation testing of the engine and the training worker: how many planted bugs the tests catch.

mutmut (pinned in the ``dev`` dependency group) rewrites one operator, constant or
call at a time in a copy of the code and runs the tests that reach the
changed function; a mutant the tests do not notice "survives". This script
prepares that copy, runs mutmut, and prints the score (killed / tested) per
file and overall, then every survivor with its diff, marked as explained
when ``benchmarks/mutation_survivors.md`` lists it (an equivalent mutant: no
test can tell it apart, because it computes the same thing).

Not part of CI (it takes a long while on two cores); run it before resolving
an issue that changes engine/ or the worker, and put the score in the note
(``--retest-survivors`` after adding tests, ``--fresh`` to start over)::

    python benchmarks/mutation_score.py                  # engine/ (tests/engine, not slow)
    python benchmarks/mutation_score.py --target worker  # training_run/worker.py
    python benchmarks/mutation_score.py "engine.optim*"  # only these mutants
    python benchmarks/mutation_score.py --report         # the last results, no run

mutmut runs, for each mutant, only the tests that called its function in-process
while it mapped them: a test that reaches a function only through a subprocess is
not run for it (call the function in the test's own process too), and a test must
not look at stack frames or qualnames (mutmut wraps every function).

The copy lives in build/mutation/<target> (ignored by git), so a second run
only tests what changed. The copy of the code and the tests is made when a run
starts: a test added while a run is going counts only from the next run
(``--retest-survivors`` then tries it on the survivors).

Exit status: 0 when the score reaches the target's bar and every survivor is
explained, 1 otherwise, 2 when mutmut itself failed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPLAINED_FILE = ROOT / "benchmarks" / "mutation_survivors.md"
COPIED = ("engine", "microgui", "plugins", "resources", "tests", "pyproject.toml", "README.md")
# mutmut's exit codes, as its own mutmut.stats.status_by_exit_code reads them.
KILLED_CODES = {1, 3, 36, -24, 24, 152, 255, -11, -9}  # failed, crashed or timed out
SURVIVED_CODES = {0, 5, 33}  # the tests passed, or no test reached the mutant
NO_TEST_CODE = 33


@dataclass(frozen=True)
class Target:
    mutate: tuple[str, ...]  # globs of files to mutate, relative to the repository
    tests: tuple[str, ...]  # the fast test subset that covers them
    bar: float  # the score to reach, in percent
    # Qt's threads must not be forked from a process that already ran them
    forkserver: bool = False


TARGETS = {
    # forkserver for the engine too: with plain fork, mutmut's parent reaps with os.wait()
    # and crashed (KeyError on a pid) on a child it had not started itself.
    "engine": Target(("engine/*",), ("tests/engine",), 90.0, forkserver=True),
    "worker": Target(
        ("microgui/training_run/worker.py",),
        (
            "tests/microgui/training_run/test_worker.py",
            "tests/microgui/training_run/test_worker_crash.py",  # _report_crash
            "tests/microgui/training_run/test_worker_open_model.py",  # open_model
            "tests/microgui/training_run/test_worker_set_weight.py",  # set_weight
            "tests/microgui/training_run/test_worker_stop_keeps_files.py",  # stop, writes kept
            "tests/microgui/training_run/test_worker_refusals.py",  # too wide, size guard
            "tests/microgui/training_run/test_worker_pace.py",  # BLAS, gc, speed limit
            "tests/microgui/training_run/test_worker_files.py",  # sessions, model export
            "tests/microgui/training_run/test_worker_view.py",  # axes, domain
            "tests/microgui/training_run/test_worker_runs.py",  # keep weights, finished, diverged
            "tests/microgui/training_run/test_worker_answers.py",  # answers to a busy GUI
            "tests/microgui/training_run/test_gradient_stats.py",  # set_weight, gradients
            "tests/microgui/window/test_training_window.py",
            "tests/microgui/window/test_files_and_settings.py",  # save, export, open
        ),
        80.0,
        forkserver=True,
    ),
}


def mutmut_config(target: Target) -> str:
    """The [tool.mutmut] table, appended to the copy's pyproject.toml only."""
    selection = [*target.tests, "-m", "not slow", "-p", "no:cacheprovider"]
    lines = [
        "",
        "[tool.mutmut]",
        'source_paths = ["engine", "microgui"]',
        f"only_mutate = {json.dumps(list(target.mutate))}",
        f"pytest_add_cli_args_test_selection = {json.dumps(selection)}",
        'also_copy = ["plugins", "resources", "README.md"]',
        "timeout_multiplier = 10.0",
        "timeout_constant = 5.0",
        # the code changes between runs: re-test only what changed, without asking
        'on_dependency_change = "ignore"',
    ]
    if target.forkserver:
        lines.append('process_isolation = "forkserver"')
    return "\n".join(lines) + "\n"


def prepare(work: Path, target: Target) -> None:
    """Copy the code into `work`; unchanged files keep their time, so mutmut reuses results."""
    work.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    for name in COPIED:
        source, copy = ROOT / name, work / name
        if copy.is_dir():
            shutil.rmtree(copy)
        if source.is_dir():
            shutil.copytree(source, copy, ignore=ignore)  # copy2: times kept
        else:
            shutil.copy2(source, copy)
    pyproject = work / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + mutmut_config(target))
    # mutmut itself re-mutates a file newer than its mutants and re-tests changed functions.


def refresh_stats(work: Path, target: Target) -> int:
    """Make mutmut map tests to functions afresh when the code or the tests changed.

    mutmut re-collects that map only for tests it has not seen, so a function added to a
    changed file (engine.optim.adam_step_factors was one), or an old test that now reaches
    another function, stays unmapped and its mutants count as "no test reaches it". When
    anything changed since the last map, drop it (mutmut then runs every test once) and
    forget those "no test" results. Returns how many were forgotten (-1: nothing changed).
    """
    digest = hashlib.sha256()
    sources = [path for pattern in target.mutate for path in sorted(ROOT.glob(pattern))]
    for entry in target.tests:  # a test folder or file
        tests = ROOT / entry
        sources += [tests] if tests.is_file() else sorted(tests.rglob("*.py"))
    for path in sources:
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    stamp = work / "stats-sources.sha256"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return -1
    (work / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    stamp.write_text(digest.hexdigest())
    forgotten = 0
    for meta in (work / "mutants").rglob("*.py.meta"):
        data = json.loads(meta.read_text())
        codes = data.get("exit_code_by_key", {})
        for name, code in codes.items():
            if code == NO_TEST_CODE:
                codes[name] = None
                forgotten += 1
        meta.write_text(json.dumps(data))
    return forgotten


def forget_survivors(work: Path, patterns: list[str]) -> int:
    """Mark survivors untested (those matching `patterns`, or all), for the current tests."""
    count = 0
    for meta in (work / "mutants").rglob("*.py.meta"):
        data = json.loads(meta.read_text())
        codes = data.get("exit_code_by_key", {})
        for name, code in codes.items():
            if patterns and not any(re.fullmatch(_glob(p), name) for p in patterns):
                continue
            if code in SURVIVED_CODES:
                codes[name] = None
                count += 1
        meta.write_text(json.dumps(data))
    return count


def untested(work: Path, patterns: list[str]) -> list[str]:
    """The mutants matching `patterns` that have no result yet (or were forgotten).

    mutmut re-tests every mutant named on its command line, killed or not; naming only
    these keeps the results of earlier runs (a run cut short resumes where it stopped).
    """
    return [
        name
        for codes in results(work).values()
        for name, code in codes.items()
        if code is None and any(re.fullmatch(_glob(p), name) for p in patterns)
    ]


def covers_all(work: Path, patterns: list[str]) -> bool:
    """Whether `patterns` match every mutant of the last run (as "engine.*" does)."""
    names = [name for codes in results(work).values() for name in codes]
    return all(any(re.fullmatch(_glob(p), name) for p in patterns) for name in names)


# mutmut, with each mutant's tests handed over fastest first (mutmut passes them in set
# order). Its pytest runs with -x, so a killed mutant (most of them) stops at its first
# failing test: with a cheap one first, a function that hundreds of tests reach (a
# Trainer step) costs a fraction of a second instead of whichever slow test came first.
FAST_TESTS_FIRST = """
import sys
from mutmut.__main__ import cli
from mutmut.state import state
from mutmut.workers import isolation

def fast_first(submit):
    def submit_fast_first(self, mutant_name, tests, *args):
        took = state().duration_by_test
        return submit(self, mutant_name, sorted(tests, key=lambda t: took.get(t, 0.0)), *args)
    return submit_fast_first

for runner in (isolation.ForkServerRunner, isolation.ForkRunner):
    runner.submit = fast_first(runner.submit)
sys.argv[0] = "mutmut"
sys.exit(cli())
"""


def run_mutmut(work: Path, patterns: list[str], children: int) -> int:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # scikit-learn's n_jobs=2 (the estimator tests) would start joblib worker processes
    # in every mutant, which outlive it and eat the CPU the next mutants need.
    env["JOBLIB_MULTIPROCESSING"] = "0"
    # Qt's settings and the tests' folders stay out of the user's home.
    env["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="mutation-config-")
    command = [sys.executable, "-c", FAST_TESTS_FIRST, "run", "--max-children", str(children)]
    return subprocess.run([*command, *patterns], cwd=work, env=env).returncode


def results(work: Path) -> dict[str, dict[str, int | None]]:
    """{file: {mutant name: exit code}} from mutmut's .meta files."""
    found = {}
    for meta in sorted((work / "mutants").rglob("*.py.meta")):
        data = json.loads(meta.read_text())
        file = str(meta.relative_to(work / "mutants"))[: -len(".meta")]
        found[file] = data.get("exit_code_by_key", {})
    return found


def explained_survivors() -> dict[str, str]:
    """{mutant name: why it is equivalent} from the list kept next to this script."""
    if not EXPLAINED_FILE.exists():
        return {}
    entries = {}
    for line in EXPLAINED_FILE.read_text().splitlines():
        match = re.match(r"- `([^`]+)`: (.+)", line.strip())
        if match:
            entries[match.group(1)] = match.group(2)
    return entries


def diff_of(work: Path, name: str) -> str:
    shown = subprocess.run(
        [str(Path(sys.executable).with_name("mutmut")), "show", name],
        cwd=work,
        capture_output=True,
        text=True,
    )
    lines = [line for line in shown.stdout.splitlines() if line[:1] in "+-@"]
    return "\n".join("        " + line for line in lines if not line.startswith(("+++", "---")))


def report(work: Path, target: Target, patterns: list[str], show_diffs: bool) -> int:
    by_file = results(work)
    explained = explained_survivors()
    killed = tested = 0
    survivors: list[str] = []
    print(f"\n{'file':44} {'killed':>7} {'tested':>7} {'score':>7}")
    for file, codes in by_file.items():
        if patterns:  # a partial run: count only the mutants asked for
            codes = {
                k: v for k, v in codes.items() if any(re.fullmatch(_glob(p), k) for p in patterns)
            }
        file_killed = sum(1 for code in codes.values() if code in KILLED_CODES)
        file_survived = [k for k, code in codes.items() if code in SURVIVED_CODES]
        file_tested = file_killed + len(file_survived)
        if not file_tested:
            continue
        killed, tested = killed + file_killed, tested + file_tested
        survivors += file_survived
        print(f"{file:44} {file_killed:7} {file_tested:7} {100 * file_killed / file_tested:6.1f}%")
    if not tested:
        print("no results yet: run without --report first")
        return 1
    score = 100 * killed / tested
    unexplained = [name for name in survivors if name not in explained]
    print(f"{'total':44} {killed:7} {tested:7} {score:6.1f}%   (bar {target.bar:g}%)")
    print(
        f"\n{len(survivors)} survivors: {len(survivors) - len(unexplained)} explained as "
        f"equivalent in {EXPLAINED_FILE.relative_to(ROOT)}, {len(unexplained)} not"
    )
    for name in survivors:
        mark = "explained" if name in explained else "UNEXPLAINED"
        print(f"  {mark:11} {name}" + (f": {explained[name]}" if name in explained else ""))
        if show_diffs and name not in explained:
            print(diff_of(work, name))
    # Only those now killed: a listed mutant not tested in this copy (another target, a
    # partial run) or renamed by a code change is not reported here.
    code_of = {name: code for codes in by_file.values() for name, code in codes.items()}
    stale = sorted(name for name in explained if code_of.get(name) in KILLED_CODES)
    if stale:
        print(f"\n{len(stale)} listed survivors are killed now; drop them:")
        for name in stale:
            print(f"  {name}")
    return 0 if score >= target.bar and not unexplained else 1


def _glob(pattern: str) -> str:
    return ".*".join(re.escape(part) for part in pattern.split("*"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("patterns", nargs="*", help='mutant names or globs, e.g. "engine.optim*"')
    parser.add_argument("--target", choices=sorted(TARGETS), default="engine")
    parser.add_argument("--work", type=Path, help="the copy's folder (build/mutation/TARGET)")
    parser.add_argument("--children", type=int, default=2, help="mutants tested at once")
    parser.add_argument("--report", action="store_true", help="print the last results only")
    parser.add_argument("--fresh", action="store_true", help="forget every earlier result")
    parser.add_argument(
        "--retest-survivors", action="store_true", help="try the survivors again (new tests)"
    )
    parser.add_argument("--no-diffs", action="store_true", help="list survivors without diffs")
    args = parser.parse_args(argv)
    target = TARGETS[args.target]
    work = args.work or ROOT / "build" / "mutation" / args.target
    if args.fresh and work.exists():
        shutil.rmtree(work)
    if not args.report:
        prepare(work, target)
        forgotten = refresh_stats(work, target)
        if forgotten >= 0:
            print(f"code or tests changed: mapping tests afresh, {forgotten} 'no test' to retest")
        if args.retest_survivors:
            print(f"re-testing {forget_survivors(work, args.patterns)} survivors")
        names, run = args.patterns, True
        if args.patterns and (work / "mutants").is_dir() and not covers_all(work, args.patterns):
            names = untested(work, args.patterns)
            print(f"{len(names)} mutants to test")
            run = bool(names)
        elif args.patterns:
            # Patterns that name every mutant ("engine.*"): mutmut itself runs the untested
            # ones, and also those of functions changed since, which a list made before it
            # re-mutates the code would miss.
            names = []
        code = run_mutmut(work, names, args.children) if run else 0
        if code not in (0, 1):  # mutmut's own failure (a clean run failing, a bad setup)
            print(f"mutmut stopped with exit status {code}", file=sys.stderr)
            return 2
    return report(work, target, args.patterns, show_diffs=not args.no_diffs)


if __name__ == "__main__":
    sys.exit(main())
