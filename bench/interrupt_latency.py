"""How long a signal takes to stop `prepbook build pdf`: sent at a random moment of the build, timed until exit.

Issue 10 asks for the figure behind the way Ctrl-C is handled: each run builds a synthetic bank into a fresh
folder (nothing cached), sends the signal at a moment drawn uniformly over an uninterrupted build's duration,
and times from the signal to the process's end. A run the signal missed (the build had already ended) is
drawn again. A run whose stderr is more than prepbook's one line is counted (a destructor printed the
interrupt it swallowed).

    .venv/bin/python bench/interrupt_latency.py [--size 100] [--runs 20] [--jobs 1] [--signal INT]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

from synth import write_bank

REPO = Path(__file__).resolve().parents[1]
BANKS = REPO / "bench" / "banks"
SEED = 7


def command(content: Path, out: Path, jobs: int) -> list[str]:
    return [sys.executable, "-m", "prepbook", "build", "pdf", "--jobs", str(jobs), "--content", str(content),
            "--templates", str(REPO / "templates"), "--out", str(out)]


def build_seconds(content: Path, jobs: int) -> float:
    with tempfile.TemporaryDirectory(prefix="prepbook-latency-") as out:
        started = time.perf_counter()
        subprocess.run(command(content, Path(out), jobs), check=True, capture_output=True)
        return time.perf_counter() - started


def stop_seconds(content: Path, jobs: int, delay: float, signal_number: int) -> tuple[float, int, str] | None:
    """Seconds from the signal to the exit, the exit status and stderr, or None when the build ended first."""
    with tempfile.TemporaryDirectory(prefix="prepbook-latency-") as out:
        # Its own session, as a shell runs a command: the signal reaches prepbook alone, then its workers.
        process = subprocess.Popen(command(content, Path(out), jobs), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True, start_new_session=True)
        time.sleep(delay)
        if process.poll() is not None:
            return None
        signalled = time.perf_counter()
        os.killpg(process.pid, signal_number)
        stderr = process.communicate()[1]
        return time.perf_counter() - signalled, process.returncode, stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--signal", default="INT", choices=["INT", "TERM", "HUP"])
    options = parser.parse_args()
    signal_number = signal.Signals[f"SIG{options.signal}"]
    bank = write_bank(BANKS / str(options.size), options.size, SEED)
    whole = build_seconds(bank.content, options.jobs)
    print(f"N={options.size}, --jobs {options.jobs}: an uninterrupted build takes {whole:.1f} s", flush=True)
    draw = random.Random(SEED)
    stops: list[float] = []
    noisy = 0
    while len(stops) < options.runs:
        delay = draw.uniform(0, whole)
        measured = stop_seconds(bank.content, options.jobs, delay, signal_number)
        if measured is None:
            continue
        seconds, status, stderr = measured
        stops.append(seconds)
        lines = len(stderr.splitlines())
        noisy += lines > 1
        print(f"  SIG{options.signal} at {delay:5.2f} s: stopped after {seconds:.3f} s, status {status}, "
              f"{lines} line(s) on stderr", flush=True)
    print(f"median {median(stops):.3f} s, max {max(stops):.3f} s over {len(stops)} runs; "
          f"{noisy} with more than one line on stderr")


if __name__ == "__main__":
    main()
