"""WHOOP import: a five-year export into a fresh workspace, beside pandas reading the same CSVs.

Writes a synthetic WHOOP export with :mod:`pga_core.sample` (``--days`` 1,825 days, a journal of
``--questions`` 30 questions, about ``--workouts`` 3,000 workouts: the person's evening workouts
and walks plus afternoon strength sessions without zone-5 minutes), then times, ``--repeat``
times each, in this process:

1. ``pandas.read_csv`` of the four CSV files (the floor: parsing the text, nothing more);
2. ``read_sources`` on the folder (recognising and reading into the daily table);
3. ``Workspace.import_sources`` of the folder into a new workspace (reading, hashing, saving);
4. the same for the e-mailed zip;
5. importing the zip again into that workspace ("already imported": read, hash, nothing saved).

Prints the wall-clock medians and minimums, the median CPU time (below the wall time when other
programs share the processor), the ratio to pandas (target: import median < 1 s), and checks
the imported daily table against the one the generator says a correct reader produces.

    python -m bench.bench_import_whoop
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from pga_core.data import Workspace
from pga_core.data.readers import read_sources
from pga_core.sample import SamplePerson, generate_person, write_sample

WHOOP_FILES = ("physiological_cycles.csv", "sleeps.csv", "workouts.csv", "journal_entries.csv")
TARGET_MEDIAN_S = 1.0
IMPORT_ROWS = ("import_sources (folder)", "import_sources (zip)")
#: The history's first day: five years that end in the past, so that no day lies after the
#: import (days after it are left out as implausible, and would shorten the benchmark).
START = "2020-01-06"
#: Afternoon sessions start between these minutes after midnight (before the evening workouts)
#: and last between these many minutes.
SESSION_START_MIN = (14 * 60, 15 * 60 + 30)
SESSION_LENGTH_MIN = (20, 46)


def add_sessions(person: SamplePerson, total: int, seed: int) -> SamplePerson:
    """Add afternoon strength sessions on workout days until there are ``total`` workouts.

    They have no zone-5 minutes and fall on days that already have a workout, inside the same
    WHOOP cycle, so every daily value the generator planted (zone-5 minutes included) stays.
    """
    workouts = person.workouts
    extra = total - len(workouts)
    if extra <= 0:
        return person
    rng = np.random.default_rng(seed)
    base = workouts.iloc[rng.integers(0, len(workouts), extra)].reset_index(drop=True)
    start_s = rng.integers(SESSION_START_MIN[0] * 60, SESSION_START_MIN[1] * 60, extra)
    minutes = rng.integers(*SESSION_LENGTH_MIN, extra).astype(float)
    start = base["day"] + pd.to_timedelta(start_s, unit="s")
    zone1 = rng.integers(20, 50, extra).astype(float)
    zone2 = rng.integers(20, 40, extra).astype(float)
    zone3 = 100.0 - zone1 - zone2
    sessions = base.assign(
        **{
            "Workout start time": start,
            "Workout end time": start + pd.to_timedelta(minutes, unit="min"),
            "Duration (min)": minutes,
            "Activity name": "Functional Fitness",
            "Activity Strain": np.round(rng.uniform(5.0, 11.0, extra), 1),
            "Energy burned (cal)": np.round(minutes * rng.uniform(5.0, 8.0, extra), 1),
            "Max HR (bpm)": np.round(rng.normal(150.0, 6.0, extra)),
            "Average HR (bpm)": np.round(rng.normal(118.0, 5.0, extra)),
            "HR Zone 1 %": zone1,
            "HR Zone 2 %": zone2,
            "HR Zone 3 %": zone3,
            "HR Zone 4 %": 0.0,
            "HR Zone 5 %": 0.0,
            "GPS enabled": False,
            "Distance (meters)": np.nan,
            "Altitude gain (meters)": np.nan,
            "Altitude change (meters)": np.nan,
        }
    )
    combined = pd.concat([workouts, sessions], ignore_index=True)
    person.workouts = combined.sort_values("Workout start time", kind="stable").reset_index(
        drop=True
    )
    return person


def timed(run: Callable[[int], object], repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of ``run(i)`` for i = 0 … repeat − 1."""
    wall, cpu = [], []
    for i in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        run(i)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def check(person: SamplePerson, folder: Path) -> str:
    """Compare the imported daily table with the generator's, column by column."""
    workspace = Workspace(folder / "check.sqlite")
    workspace.import_sources([folder / "whoop"])
    got = workspace.daily().table
    expected = person.sources["whoop"].table
    names = list(expected.columns)
    differing = [
        name
        for name in names
        if not np.allclose(
            got[name].reindex(expected.index).to_numpy(),
            expected[name].to_numpy(),
            equal_nan=True,
        )
    ]
    verdict = "all equal" if not differing else f"DIFFERENT: {', '.join(differing)}"
    return f"{len(names)} generator columns checked against the import: {verdict}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=1825)
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--workouts", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    command = "python -m bench.bench_import_whoop " + " ".join(sys.argv[1:])
    person = generate_person(
        args.days, seed=args.seed, start=START, journal_questions=args.questions
    )
    person = add_sessions(person, args.workouts, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_sample(person, root)
        folder, archive = root / "whoop", root / "whoop_export.zip"
        sizes = sum((folder / name).stat().st_size for name in WHOOP_FILES)
        print(f"$ {command.strip()}")
        print(
            f"WHOOP export: {args.days:,} days, {len(person.cycles):,} cycles, "
            f"{len(person.sleeps):,} sleeps, {len(person.workouts):,} workouts, "
            f"{len(person.questions)} journal questions ({len(person.journal):,} rows); "
            f"{sizes / 2**20:.1f} MB of CSV"
        )
        rows = {
            "pandas.read_csv, 4 files": timed(
                lambda _: [pd.read_csv(folder / name) for name in WHOOP_FILES], args.repeat
            ),
            "read_sources (folder)": timed(lambda _: read_sources([folder]), args.repeat),
            "import_sources (folder)": timed(
                lambda i: Workspace(root / f"folder{i}.sqlite").import_sources([folder]),
                args.repeat,
            ),
            "import_sources (zip)": timed(
                lambda i: Workspace(root / f"zip{i}.sqlite").import_sources([archive]),
                args.repeat,
            ),
            "import again (already imported)": timed(
                lambda _: Workspace(root / "zip0.sqlite").import_sources([archive]), args.repeat
            ),
        }
        reference = statistics.median(rows["pandas.read_csv, 4 files"][0])
        print(f"{'':34}{'median s':>10}{'min s':>10}{'cpu s':>10}{'× pandas':>10}")
        for name, (wall, cpu) in rows.items():
            median = statistics.median(wall)
            print(
                f"{name:34}{median:10.3f}{min(wall):10.3f}{statistics.median(cpu):10.3f}"
                f"{median / reference:10.1f}"
            )
        slowest = max(statistics.median(rows[k][0]) for k in IMPORT_ROWS)
        verdict = "met" if slowest < TARGET_MEDIAN_S else "MISSED"
        print(
            f"target: import median < {TARGET_MEDIAN_S:g} s — {verdict} (slowest {slowest:.3f} s)"
        )
        print(check(person, root))


if __name__ == "__main__":
    main()
