"""The benchmark of issue 7: time and measure prepbook's real CLI on synthetic banks, write bench/RESULTS.md.

    .venv/bin/python bench/run.py [--sizes 10,100,500,1000] [--runs 3] [--runs-at 1000=2] [--quick]

Every measurement is a fresh subprocess of the CLI (interpreter start and imports included, as an author sees
them), run from the repository root, with SOURCE_DATE_EPOCH fixed so an edit
changes only the edited record's output. Each figure is the median of several runs; the PDF rows at N = 1000
take one to three minutes each, so `--runs-at` lowers the run count for chosen sizes (default 1000=2).

A "fresh" build writes into a new empty --out folder, so it is cold provided the incremental cache lives in
--out, as issue 7 specifies. `bare WeasyPrint` renders the very HTML that `prepbook build html` wrote, in a
subprocess of its own, so the ratio `build pdf` / bare is prepbook's overhead (or its speed-up) independent of
how fast the machine is. Only ratios from one invocation compare: the machine's speed drifts between them.
"""

from __future__ import annotations

import argparse
import ctypes.util
import datetime
import hashlib
import importlib.metadata
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

from pypdf import PdfReader
from synth import SyntheticBank, append_to_short_answer, write_bank

REPO = Path(__file__).resolve().parents[1]
BANKS = REPO / "bench" / "banks"
RESULTS = REPO / "bench" / "RESULTS.md"
TEMPLATES = REPO / "templates"
SEED = 7
SOURCE_DATE_EPOCH = "1767225600"  # 2026-01-01: fixed, else the newest file's mtime (changed by the edit) leaks in
CORES = os.cpu_count() or 1

# The CLI as an author runs it; `-m prepbook` rather than the console script so the same interpreter is certain.
PREPBOOK = [sys.executable, "-m", "prepbook"]
# Runs the measured command and prints its wall time and RUSAGE_CHILDREN.ru_maxrss: the largest process among
# the command and every descendant it reaped (a PDF layout pool's workers), excluding this launcher itself.
# Measuring from the benchmark process instead would not do: exec records the pre-exec size of the forked copy
# into the child's ru_maxrss, so the benchmark's own memory (grown by reading a 1,000-page PDF) would become a
# floor under every small command. This launcher is a fresh interpreter of a few MB, far below any measured one.
LAUNCHER = [sys.executable, "-c", """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.call(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(code)
"""]
# WeasyPrint alone on prepbook's HTML: the floor prepbook's PDF time is compared against.
BARE_WEASYPRINT = [sys.executable, "-c",
                   ("import sys, weasyprint; weasyprint.HTML(filename=sys.argv[1], base_url=sys.argv[2])"
                   ".write_pdf(sys.argv[3])")]

VALIDATE = "validate"
PDF_SINGLE = "build pdf --jobs 1"
PDF_PARALLEL = f"build pdf --jobs {CORES}"
ANKI = "build anki"
MD = "build md"
ANKI_MD = "build anki md"  # the deck and the cheat-sheet together: issue 7's 2 s target
HTML = "build html"
BARE = "bare WeasyPrint (same HTML)"
ALL = "build all (fresh out dir)"
UNCHANGED = "rebuild, nothing changed"
EDITED = "rebuild after one edit"
ROWS = (VALIDATE, PDF_SINGLE, PDF_PARALLEL, ANKI, MD, ANKI_MD, HTML, BARE, ALL, UNCHANGED, EDITED)
BARE_IS_NOT_PREPBOOK = {BARE}  # the memory target is about prepbook's processes


class CommandFailed(Exception):
    pass


@dataclass(frozen=True)
class Sample:
    seconds: float
    max_rss_kib: int  # of the largest single process in the command's tree


@dataclass
class Row:
    samples: list[Sample] = field(default_factory=list)
    # Kept per run rather than ending the row: src/ and templates/ may be mid-edit by someone else for a moment.
    errors: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float | None:
        return median(sample.seconds for sample in self.samples) if self.samples else None

    @property
    def peak_mib(self) -> float | None:
        return max(sample.max_rss_kib for sample in self.samples) / 1024 if self.samples else None


@dataclass
class SizeResult:
    size: int
    runs: int
    rows: dict[str, Row] = field(default_factory=lambda: {name: Row() for name in ROWS})
    pages: int | None = None
    html_kib: float | None = None
    code_changed: bool = False  # src/ or templates/ edited while this size was measured: runs mix versions

    def seconds(self, name: str) -> float | None:
        return self.rows[name].seconds

    def ratio(self, name: str) -> float | None:
        """name / bare WeasyPrint, both medians of this invocation's runs."""
        top, bottom = self.seconds(name), self.seconds(BARE)
        return top / bottom if top is not None and bottom else None


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measure(argv: list[str]) -> Sample:
    """Wall time and the peak RSS of the largest process in the command's tree, through LAUNCHER."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    done = subprocess.run([*LAUNCHER, *argv], cwd=REPO, env=env, stdin=subprocess.DEVNULL, capture_output=True, check=False)
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["(no message)"]
        raise CommandFailed(f"exit {done.returncode}: {lines[-1]}")
    elapsed, max_rss_kib = done.stdout.split()
    return Sample(float(elapsed), int(max_rss_kib))


def prepbook_build(bank: SyntheticBank, out: Path, *formats: str) -> list[str]:
    return [*PREPBOOK, "build", *formats, "--content", str(bank.content), "--out", str(out)]


@contextmanager
def fresh_out() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="prepbook-bench-") as folder:
        yield Path(folder)


@contextmanager
def edited(record: Path) -> Iterator[None]:
    original = append_to_short_answer(record)
    try:
        yield
    finally:
        record.write_text(original, encoding="utf-8")  # the next run, and the next size, see the bank unedited


class SizeBench:
    """All measurements of one bank size; a failed run is reported and leaves the other runs' figures."""

    def __init__(self, size: int, runs: int) -> None:
        self.result = SizeResult(size, runs)
        self.folder = BANKS / str(size)
        self.bank = write_bank(self.folder, size, SEED)
        self.html = self.folder / "handbook.html"  # the `build html` output bare WeasyPrint renders
        self.html.unlink(missing_ok=True)  # an earlier invocation's copy would time bare WeasyPrint on stale HTML

    def record(self, name: str, run: int, action: Callable[[], Sample]) -> bool:
        row = self.result.rows[name]
        try:
            sample = action()
        except CommandFailed as failure:
            row.errors.append(str(failure))
            log(f"  [N={self.result.size} run {run}] {name}: FAILED {failure}")
            return False
        row.samples.append(sample)
        log(f"  [N={self.result.size} run {run}] {name}: {sample.seconds:.2f} s, {sample.max_rss_kib / 1024:.0f} MB")
        return True

    def run(self) -> SizeResult:
        log(f"N={self.result.size}: {len(self.bank.records)} records in {self.bank.content}")
        before = code_fingerprint()
        for run in range(1, self.result.runs + 1):
            self.one_run(run)
        self.result.code_changed = code_fingerprint() != before
        return self.result

    def one_run(self, run: int) -> None:
        # Interleaved per run (not all runs of one command in a row) so drift in the machine's speed hits the
        # numerator and denominator of each ratio alike.
        self.record(VALIDATE, run, lambda: measure([*PREPBOOK, "validate", "--content", str(self.bank.content)]))
        self.record(HTML, run, self.build_html)
        self.record(BARE, run, self.bare_weasyprint)
        self.record(PDF_SINGLE, run, lambda: self.build_alone("pdf", "--jobs", "1"))
        if CORES > 1:
            self.record(PDF_PARALLEL, run, lambda: self.build_alone("pdf", "--jobs", str(CORES)))
        self.record(ANKI, run, lambda: self.build_alone("anki"))
        self.record(MD, run, lambda: self.build_alone("md"))
        self.record(ANKI_MD, run, lambda: self.build_alone("anki", "md"))
        self.build_and_rebuild(run)

    def build_alone(self, *arguments: str) -> Sample:
        with fresh_out() as out:
            return measure(prepbook_build(self.bank, out, *arguments))

    def build_html(self) -> Sample:
        with fresh_out() as out:
            sample = measure(prepbook_build(self.bank, out, "html"))
            shutil.copyfile(out / "handbook.html", self.html)
        self.result.html_kib = self.html.stat().st_size / 1024
        return sample

    def bare_weasyprint(self) -> Sample:
        if not self.html.exists():
            raise CommandFailed("needs the output of `build html`, which failed")
        with fresh_out() as out:
            pdf = out / "bare.pdf"
            sample = measure([*BARE_WEASYPRINT, str(self.html), TEMPLATES.as_uri() + "/", str(pdf)])
            self.result.pages = pdf_pages(pdf)
        return sample

    def build_and_rebuild(self, run: int) -> None:
        """build all into a fresh folder, again with nothing changed, then again after editing one record."""
        with fresh_out() as out:
            build_all = prepbook_build(self.bank, out, "all")
            if not self.record(ALL, run, lambda: measure(build_all)):
                for name in (UNCHANGED, EDITED):
                    self.result.rows[name].errors.append(f"needs `{ALL}`, which failed")
                return
            self.record(UNCHANGED, run, lambda: measure(build_all))
            with edited(self.edit_target):
                self.record(EDITED, run, lambda: measure(build_all))

    @property
    def edit_target(self) -> Path:
        # A record in the middle of the book: neither the first chapter nor the last is a best or worst case.
        return self.bank.records[len(self.bank.records) // 2]


def pdf_pages(path: Path) -> int:
    return len(PdfReader(path).pages)


def code_fingerprint() -> str:
    """A hash of what the measured commands run, committed or not: others may edit it while a run is going."""
    digest = hashlib.sha256()
    for folder in (REPO / "src" / "prepbook", TEMPLATES):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


# ---------------------------------------------------------------- the report


def machine() -> list[tuple[str, str]]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:"))
    usable = len(os.sched_getaffinity(0))
    harfbuzz = ctypes.util.find_library("harfbuzz-subset")
    return [
        ("Platform", platform.platform()),
        ("CPU", cpu),
        ("Cores", f"{CORES}" + (f" ({usable} usable by this process)" if usable != CORES else "")),
        ("RAM", f"{mem_kib / 1024 / 1024:.1f} GiB"),
        ("Python", platform.python_version()),
        ("WeasyPrint", importlib.metadata.version("weasyprint")),
        ("libharfbuzz-subset", harfbuzz or "missing (WeasyPrint falls back to slower fontTools subsetting)"),
        ("prepbook", (f"{importlib.metadata.version('prepbook')} at {git_revision()}, "
                     f"src/ + templates/ fingerprint {code_fingerprint()}")),
        ("Date", datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")),
    ]


def git_revision() -> str:
    def git(*arguments: str) -> str:
        return subprocess.run(["git", *arguments], cwd=REPO, capture_output=True, text=True, check=False).stdout.strip()

    dirty = git("status", "--porcelain", "--", "src", "templates")
    return git("rev-parse", "--short", "HEAD") + (" + uncommitted changes in src/ or templates/" if dirty else "")


def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if value < 1 else f"{value:.2f}"


def ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def size_table(result: SizeResult) -> list[str]:
    pages = f"{result.pages:,} pages" if result.pages else "page count unknown"
    html = f", HTML {result.html_kib:,.0f} KiB" if result.html_kib else ""
    lines = [f"## N = {result.size:,} ({pages}{html}; {result.runs} run(s))", ""]
    if result.code_changed:
        lines += ["⚠️ src/ or templates/ changed while this size was measured: its runs mix code versions.", ""]
    lines += ["| Step | Median s | Runs | Peak RSS MB |", "|---|---:|---:|---:|"]
    for name, row in result.rows.items():
        if name == PDF_PARALLEL and CORES == 1:
            continue
        peak = f"{row.peak_mib:.0f}" if row.peak_mib is not None else "—"
        failed = f" ({len(row.errors)} failed: {row.errors[-1].replace('|', '/')})" if row.errors else ""
        lines.append(f"| {name} | {seconds(row.seconds)} | {len(row.samples)}{failed} | {peak} |")
    lines += ["", f"- `{PDF_SINGLE}` / bare WeasyPrint: **{ratio(result.ratio(PDF_SINGLE))}**"]
    if CORES > 1:
        lines.append(f"- `{PDF_PARALLEL}` / bare WeasyPrint: **{ratio(result.ratio(PDF_PARALLEL))}**")
    lines += [f"- rebuild after one edit / bare WeasyPrint: **{ratio(result.ratio(EDITED))}**",
              f"- rebuild with nothing changed: **{seconds(result.seconds(UNCHANGED))} s**",
              f"- anki + md in one build: **{seconds(result.seconds(ANKI_MD))} s**", ""]
    return lines


def peak_prepbook_mib(result: SizeResult) -> float | None:
    peaks = [row.peak_mib for name, row in result.rows.items()
             if name not in BARE_IS_NOT_PREPBOOK and row.peak_mib is not None]
    return max(peaks) if peaks else None


def targets(result: SizeResult) -> list[str]:
    """Issue 7's targets, judged on the largest size measured (they are set for N = 1000)."""
    checks: list[tuple[str, float | None, float, Callable[[float], str]]] = [
        (f"`{PDF_SINGLE}` / bare ≤ 1.05×", result.ratio(PDF_SINGLE), 1.05, ratio),
        (f"`{PDF_PARALLEL}` / bare ≤ 0.55× (2 cores)", result.ratio(PDF_PARALLEL) if CORES > 1 else None, 0.55,
         ratio),
        ("no prepbook process over 400 MB", peak_prepbook_mib(result), 400, lambda mib: f"{mib:.0f} MB"),
        ("rebuild after one edit ≤ 0.15 × bare", result.ratio(EDITED), 0.15, ratio),
        ("rebuild with nothing changed < 0.5 s", result.seconds(UNCHANGED), 0.5, lambda s: f"{seconds(s)} s"),
        ("anki + md in one build < 2 s", result.seconds(ANKI_MD), 2, lambda s: f"{seconds(s)} s"),
        ("validate < 1 s", result.seconds(VALIDATE), 1, lambda s: f"{seconds(s)} s"),
    ]
    note = "" if result.size == 1000 else " (the targets are set for N = 1,000; this run did not measure it)"
    lines = [f"## Targets of issue 7 at N = {result.size:,}{note}", "", "| Target | Measured | Result |",
             "|---|---:|---|"]
    for label, value, limit, show in checks:
        if value is None:
            lines.append(f"| {label} | — | ⚠️ not measured |")
        else:
            lines.append(f"| {label} | {show(value)} | {'✅ pass' if value <= limit else '❌ fail'} |")
    return lines + [""]


def report(command: str, results: list[SizeResult]) -> str:
    lines = ["# prepbook benchmark", "", f"Written by `bench/run.py`; command: `{command}`", "",
             ("Seconds are wall time of a fresh process (interpreter start included), the median of the runs. "
             "Peak RSS is the largest single process in the command's tree (worker processes included). "
             "Compare ratios, not seconds, across machines or invocations."), "", "## Machine", "",
             "| | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in machine()]
    lines.append("")
    for result in results:
        lines += size_table(result)
    if results:
        lines += targets(results[-1])
    return "\n".join(lines)


# ---------------------------------------------------------------- command line


def parse_runs_at(text: str) -> dict[int, int]:
    pairs = (item.split("=") for item in text.split(",") if item)
    return {int(size): int(runs) for size, runs in pairs}


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10,100,500,1000", help="bank sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (the median is reported)")
    parser.add_argument("--runs-at", default="1000=2", type=parse_runs_at, metavar="N=R,...",
                        help="fewer (or more) runs for chosen sizes: a PDF at N=1000 takes minutes")
    parser.add_argument("--quick", action="store_true", help="smoke check: sizes 10,100 and one run each")
    return parser.parse_args()


def main() -> None:
    options = arguments()
    sizes = [10, 100] if options.quick else sorted(int(size) for size in options.sizes.split(","))
    command = shlex.join([os.path.relpath(sys.executable, REPO), "bench/run.py", *sys.argv[1:]])
    results: list[SizeResult] = []
    for size in sizes:
        runs = 1 if options.quick else options.runs_at.get(size, options.runs)
        results.append(SizeBench(size, runs).run())
        RESULTS.write_text(report(command, results) + "\n", encoding="utf-8")  # partial results survive a kill
        log(f"wrote {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
