"""A build that fails, is killed or races another leaves the previous outputs whole; every user mistake is one line.

Most tests start from one real build of the seed content (built once per module, copied per test) and check that
the failure left `build/` byte-for-byte as it was.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

import pypdf
import pytest
import yaml
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from click.testing import CliRunner, Result

import prepbook.output
from prepbook.cli import main
from prepbook.errors import BuildError
from prepbook.freshness import CACHE_FOLDER
from prepbook.output import write_atomic
from tests.conftest import CONTENT, FIXED_DATE, TEMPLATES, BankWriter, record

OUTPUTS = ("handbook.pdf", "deck.apkg", "cheatsheet.md")
INTERRUPTED = "prepbook: interrupted; outputs are as they were before this build."
TERMINATED = "prepbook: terminated; outputs are as they were before this build."
PARTIAL = re.compile(r"^\..+\.partial$")
# A child that has spent this much CPU time is past its imports and the bank's loading (well under a second)
# and inside WeasyPrint's layout.
RENDERING_CPU_SECONDS = 1.5


@dataclass(frozen=True)
class Site:
    """A content folder and the build/ folder a successful `build all` made from it."""

    content: Path
    out: Path

    def outputs(self) -> dict[str, bytes]:
        return {name: (self.out / name).read_bytes() for name in OUTPUTS}

    def snapshot(self) -> dict[str, tuple[bytes, int]]:
        """Every file under out, hidden cache included: bytes and modification time."""
        return {str(path.relative_to(self.out)): (path.read_bytes(), path.stat().st_mtime_ns)
                for path in sorted(self.out.rglob("*")) if path.is_file()}

    def build(self, *args: str, templates: Path = TEMPLATES) -> Result:
        return CliRunner().invoke(main, ["build", *args, "--content", str(self.content),
                                         "--templates", str(templates), "--out", str(self.out)])

    def edit_question(self) -> None:
        """Change one record so that every output would change."""
        path = next((self.content / "deep-learning").glob("*.yaml"))
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["question"] = "An edited question that no output has seen yet?"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


# Every test that uses this fixture, or `site`, runs WeasyPrint through it: they carry the weasyprint mark.
@pytest.fixture(scope="module")
def prebuilt(tmp_path_factory: pytest.TempPathFactory) -> Site:
    folder = tmp_path_factory.mktemp("prebuilt")
    site = Site(folder / "content", folder / "build")
    shutil.copytree(CONTENT, site.content)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(FIXED_DATE))
        result = site.build("all", "--jobs", "1")
    assert result.exit_code == 0, result.output
    return site


@pytest.fixture
def site(prebuilt: Site, tmp_path: Path) -> Site:
    """A private copy of the prebuilt site, modification times included."""
    copy = Site(tmp_path / "content", tmp_path / "build")
    shutil.copytree(prebuilt.content, copy.content)
    shutil.copytree(prebuilt.out, copy.out)
    return copy


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    """A copy of the templates, as a user restyling the book has."""
    copy = tmp_path / "my-templates"
    shutil.copytree(TEMPLATES, copy)
    return copy


def one_line_error(result: Result, exit_code: int) -> str:
    """The single line a failed command printed, after checking the exit code and that no traceback came with it."""
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("prepbook: error: "), lines[0]
    return lines[0]


# --- killed and interrupted builds --------------------------------------------------------------------------------


def _grow(content: Path, count: int = 40) -> None:
    """Add enough long records to the bank that laying out the PDF takes many seconds."""
    paragraph = " ".join(["Each step moves the weights a little way down the gradient of the loss."] * 10)
    long = "\n\n".join([paragraph] * 4)
    for index in range(count):
        data = record(f"long-{index:03d}", answer=dict.fromkeys(
            ("short", "deep_dive", "example", "mistakes", "in_production"), long))
        (content / "deep-learning" / f"9{index:03d}-long.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")


def _cpu_seconds(pid: int) -> float:
    # /proc/<pid>/stat: utime and stime are fields 14 and 15, counted after the parenthesised command name.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _interrupt_pdf_build(site: Site, signal_number: int) -> subprocess.CompletedProcess[str]:
    """Start `build pdf --jobs 1` on a grown bank, signal it while WeasyPrint lays out, and wait for it."""
    _grow(site.content)
    process = subprocess.Popen(
        [sys.executable, "-m", "prepbook", "build", "pdf", "--jobs", "1", "--content", str(site.content),
         "--templates", str(TEMPLATES), "--out", str(site.out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=site.out.parent)
    try:
        deadline = time.monotonic() + 60
        while _cpu_seconds(process.pid) < RENDERING_CPU_SECONDS:
            assert process.poll() is None, f"the build ended before it could be interrupted: {process.communicate()}"
            assert time.monotonic() < deadline, "the build never got going"
            time.sleep(0.05)
        assert process.poll() is None, "the build ended before it could be interrupted"
        process.send_signal(signal_number)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def _entries(out: Path) -> set[Path]:
    return {path.relative_to(out) for path in out.rglob("*")}


def _assert_intact(site: Site, before: dict[str, bytes], entries_before: set[Path]) -> None:
    """The outputs are the previous ones; nothing new is visible; the layout cache holds only whole parts."""
    assert site.outputs() == before
    new = _entries(site.out) - entries_before
    # At most a killed build's own temporary files, and the parts it finished laying out, in the hidden cache.
    assert all(PARTIAL.match(path.name) or path.parts[0] == CACHE_FOLDER for path in new), new
    for path in new:
        if path.suffix == ".json" and not PARTIAL.match(path.name):
            json.loads((site.out / path).read_text(encoding="utf-8"))
        elif path.suffix == ".pdf":
            assert len(pypdf.PdfReader(site.out / path).pages) > 0


@pytest.mark.weasyprint
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="watches the build's CPU time in /proc")
def test_kill_9_while_rendering_leaves_previous_outputs_intact(site: Site) -> None:
    before = site.outputs()
    entries = _entries(site.out)
    finished = _interrupt_pdf_build(site, signal.SIGKILL)
    assert finished.returncode == -signal.SIGKILL
    _assert_intact(site, before, entries)


@pytest.mark.weasyprint
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="watches the build's CPU time in /proc")
def test_ctrl_c_while_rendering_ends_by_sigint_with_one_line_and_outputs_intact(site: Site) -> None:
    before = site.outputs()
    entries = _entries(site.out)
    finished = _interrupt_pdf_build(site, signal.SIGINT)
    assert finished.returncode == -signal.SIGINT, finished.stderr
    assert finished.stderr == INTERRUPTED + "\n"
    assert finished.stdout == ""
    _assert_intact(site, before, entries)
    assert not any(PARTIAL.match(path.name) for path in site.out.rglob("*"))  # Ctrl-C cleans up after itself


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while the folder was read
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has ended; only its parent's wait() is missing


def _start_parallel_pdf_build(site: Site, temporary: Path) -> subprocess.Popen[str]:
    """Start `build pdf --jobs 4` on a grown bank and return once a worker is laying out a part."""
    _grow(site.content)
    # More workers than the book has parts (front matter and two chapters), so one is always waiting for work.
    process = subprocess.Popen(
        [sys.executable, "-m", "prepbook", "build", "pdf", "--jobs", "4", "--content", str(site.content),
         "--templates", str(TEMPLATES), "--out", str(site.out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=site.out.parent, start_new_session=True,
        env={**os.environ, "TMPDIR": str(temporary)})  # where WeasyPrint copies the fonts of every part it lays out
    deadline = time.monotonic() + 60
    while len(_children(process.pid)) < 4:
        assert process.poll() is None and time.monotonic() < deadline, "the workers never started"
        time.sleep(0.05)
    while not any(temporary.rglob("weasyprint-*")):  # a worker is laying out a part
        assert process.poll() is None and time.monotonic() < deadline, "no part was laid out"
        time.sleep(0.05)
    assert process.poll() is None, "the build ended before it could be interrupted"
    return process


@pytest.fixture
def temporary(tmp_path: Path) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


@pytest.mark.weasyprint
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the worker processes in /proc")
def test_ctrl_c_during_a_parallel_pdf_build_prints_one_line_and_leaves_no_temporary_files(
        site: Site, temporary: Path) -> None:
    before = site.outputs()
    process = _start_parallel_pdf_build(site, temporary)
    try:
        os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C: to the whole process group
        _stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert site.outputs() == before
    assert process.returncode == -signal.SIGINT, stderr
    assert stderr == INTERRUPTED + "\n"
    assert not list(temporary.iterdir())  # not even from the workers stopped half-way through a part


@pytest.mark.weasyprint
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the worker processes in /proc")
@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_sigterm_or_sighup_to_a_parallel_pdf_build_ends_it_workers_and_all_like_ctrl_c(
        site: Site, temporary: Path, signal_number: int) -> None:
    before = site.outputs()
    process = _start_parallel_pdf_build(site, temporary)
    workers = _children(process.pid)
    try:
        process.send_signal(signal_number)  # to prepbook alone, as timeout and docker stop send it
        _stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == -signal_number, stderr
    assert stderr == TERMINATED + "\n"
    assert site.outputs() == before
    assert not [pid for pid in workers if _alive(pid)]
    assert not list(temporary.iterdir())


@pytest.mark.weasyprint
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the worker processes in /proc")
def test_kill_9_of_a_parallel_pdf_build_takes_its_workers_along_and_the_next_build_removes_their_folder(
        site: Site, temporary: Path, write_bank: BankWriter) -> None:
    process = _start_parallel_pdf_build(site, temporary)
    workers = _children(process.pid)
    try:
        process.kill()
        process.wait()
        deadline = time.monotonic() + 3  # far less than the grown chapter takes to lay out
        while [pid for pid in workers if _alive(pid)]:
            assert time.monotonic() < deadline, "the workers outlived their build"
            time.sleep(0.05)
    finally:
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert [path.name.startswith("prepbook-workers-") for path in temporary.iterdir()] == [True]
    small = write_bank({"topic": [record("small")]}, folder="small-content")
    finished = subprocess.run(
        [sys.executable, "-m", "prepbook", "build", "pdf", "--jobs", "2", "--content", str(small),
         "--templates", str(TEMPLATES), "--out", str(small.parent / "small-build")],
        capture_output=True, text=True, timeout=120, env={**os.environ, "TMPDIR": str(temporary)}, check=False)
    assert finished.returncode == 0, finished.stderr
    assert not list(temporary.iterdir())


# --- failures before anything is written --------------------------------------------------------------------------


@pytest.mark.weasyprint
def test_failed_validation_leaves_build_untouched(site: Site) -> None:
    before = site.snapshot()
    path = next((site.content / "ml-production").glob("*.yaml"))
    path.write_text(path.read_text(encoding="utf-8").replace("difficulty: ", "difficulty: impossible-", 1),
                    encoding="utf-8")
    result = site.build("all", "--jobs", "1")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert path.name in result.stderr and result.stderr.endswith("nothing was built.\n")
    assert site.snapshot() == before


def _syntax_error(templates: Path, line: int) -> Path:
    """Put a Jinja syntax error on `line` of the copy's handbook template."""
    template = templates / "handbook.html.j2"
    lines = template.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(line - 1, "{% if %}\n")
    template.write_text("".join(lines), encoding="utf-8")
    return template


@pytest.mark.weasyprint
def test_template_syntax_error_names_file_and_line(site: Site, templates: Path) -> None:
    before = site.snapshot()
    template = _syntax_error(templates, line=3)
    message = one_line_error(site.build("pdf", "--jobs", "1", templates=templates), exit_code=3)
    assert message.startswith(f"prepbook: error: {template}:3: template error: ")
    assert site.snapshot() == before


@pytest.mark.weasyprint
def test_undefined_variable_in_cheatsheet_template_names_file_and_line(site: Site, templates: Path) -> None:
    before = site.snapshot()
    template = templates / "cheatsheet.md.j2"
    text = template.read_text(encoding="utf-8")
    line = text.count("\n") + 1
    template.write_text(text + "{{ no_such_variable }}\n", encoding="utf-8")
    message = one_line_error(site.build("md", templates=templates), exit_code=3)
    assert message.startswith(f"prepbook: error: {template}:{line}: template error: ")
    assert "no_such_variable" in message
    assert site.snapshot() == before


@pytest.mark.weasyprint
def test_error_in_the_included_stylesheet_names_the_stylesheet_and_line(site: Site, templates: Path) -> None:
    stylesheet = templates / "handbook.css"
    text = stylesheet.read_text(encoding="utf-8")
    line = text.count("\n") + 1
    stylesheet.write_text(text + "{{ no_such_variable }}\n", encoding="utf-8")
    message = one_line_error(site.build("pdf", "--jobs", "1", templates=templates), exit_code=3)
    assert message.startswith(f"prepbook: error: {stylesheet}:{line}: template error: ")


@pytest.mark.weasyprint
@pytest.mark.parametrize("expression", ["{{ 1 / 0 }}", '{{ "a" + 1 }}'])
def test_any_error_raised_by_a_template_names_file_and_line(site: Site, templates: Path, expression: str) -> None:
    before = site.snapshot()
    template = templates / "cheatsheet.md.j2"
    text = template.read_text(encoding="utf-8")
    line = text.count("\n") + 1
    template.write_text(text + expression + "\n", encoding="utf-8")
    message = one_line_error(site.build("md", templates=templates), exit_code=3)
    assert message.startswith(f"prepbook: error: {template}:{line}: template error: ")
    assert site.snapshot() == before


@pytest.mark.weasyprint
@pytest.mark.parametrize(("output", "filename"), [
    ("pdf", "handbook.html.j2"),
    ("pdf", "handbook.css"),
    ("md", "cheatsheet.md.j2"),
    ("anki", "card_front.html"),
    ("anki", "card.css"),
])
def test_missing_template_is_named(site: Site, templates: Path, output: str, filename: str) -> None:
    before = site.snapshot()
    (templates / filename).unlink()
    message = one_line_error(site.build(output, "--jobs", "1", templates=templates), exit_code=3)
    assert message == f"prepbook: error: template not found: {templates / filename}"
    assert site.snapshot() == before


@pytest.mark.weasyprint
def test_a_failing_format_lets_no_other_format_be_written(site: Site, templates: Path) -> None:
    before = site.snapshot()
    site.edit_question()  # the cheat-sheet alone would now be rewritten
    (templates / "card_back.html").unlink()
    one_line_error(site.build("md", "anki", templates=templates), exit_code=3)
    assert site.snapshot() == before


@pytest.mark.weasyprint
def test_debug_shows_the_traceback_of_a_template_error(site: Site, templates: Path) -> None:
    _syntax_error(templates, line=3)
    plain = site.build("pdf", "--jobs", "1", templates=templates)
    debug = site.build("pdf", "--jobs", "1", "--debug", templates=templates)
    assert plain.exit_code == debug.exit_code == 3
    assert "Traceback" not in plain.stderr
    assert "Traceback" in debug.stderr
    assert debug.stderr.splitlines()[-1] == plain.stderr.strip()


# --- the output folder and the disk -------------------------------------------------------------------------------


@pytest.mark.weasyprint
def test_out_below_a_regular_file_is_one_line_exit_3(site: Site, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "md", "--content", str(site.content), "--templates", str(TEMPLATES),
                                       "--out", str(blocker / "build")])
    message = one_line_error(result, exit_code=3)
    assert str(blocker / "build") in message
    assert blocker.read_text(encoding="utf-8") == "a file where a folder should be"


class _FullDiskStream:
    """What os.fdopen gives on a full disk: a file that opens, then fails to take any bytes."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._stream.close()

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def flush(self) -> None:
        self._stream.flush()

    def fileno(self) -> int:
        return self._stream.fileno()


class _OsWithFullDisk:
    """The os module as prepbook.output sees it on a full disk (nothing else in the process is affected)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    @staticmethod
    def fdopen(descriptor: int, *args: Any, **kwargs: Any) -> _FullDiskStream:
        return _FullDiskStream(os.fdopen(descriptor, *args, **kwargs))


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prepbook.output, "os", _OsWithFullDisk())


@pytest.mark.usefixtures("full_disk")
def test_full_disk_keeps_the_existing_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "cheatsheet.md"
    target.write_bytes(b"the previous build")
    with pytest.raises(BuildError, match="No space left on device") as raised:
        write_atomic(target, b"a new build that does not fit")
    assert str(target) in str(raised.value)
    assert target.read_bytes() == b"the previous build"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cheatsheet.md"]


@pytest.mark.weasyprint
@pytest.mark.usefixtures("full_disk")
def test_full_disk_is_one_line_exit_3_and_outputs_intact(site: Site) -> None:
    before = site.snapshot()
    site.edit_question()
    message = one_line_error(site.build("md"), exit_code=3)
    assert message == f"prepbook: error: cannot write {site.out / 'cheatsheet.md'}: No space left on device"
    assert site.snapshot() == before


# --- one build's outputs commit together ----------------------------------------------------------------------------

LEFTOVER = re.compile(r"^\..+\.(partial|prepbook-previous)$|^\.prepbook-journal")


def _leftovers(out: Path) -> list[str]:
    return [path.name for path in out.iterdir() if LEFTOVER.match(path.name)]


class _OsFailingToReplace:
    """The os module as prepbook.output sees it when one output cannot be replaced (an immutable file, a
    permission, a full disk at the last moment)."""

    def __init__(self, target: str) -> None:
        self.target = target

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def replace(self, source: Any, destination: Any) -> None:
        if Path(destination).name == self.target and Path(source).name.endswith(".partial"):
            raise OSError(errno.EPERM, os.strerror(errno.EPERM))
        os.replace(source, destination)


@pytest.mark.weasyprint
@pytest.mark.parametrize("blocked", OUTPUTS)
def test_any_one_output_that_cannot_be_replaced_leaves_every_previous_output(
        site: Site, blocked: str, monkeypatch: pytest.MonkeyPatch) -> None:
    before = site.outputs()
    site.edit_question()
    monkeypatch.setattr(prepbook.output, "os", _OsFailingToReplace(blocked))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(FIXED_DATE))
    message = one_line_error(site.build("all", "--jobs", "1"), exit_code=3)
    assert message == f"prepbook: error: cannot write {site.out / blocked}: Operation not permitted"
    assert site.outputs() == before
    assert _leftovers(site.out) == []


# Run in a child: replace staged files into place as prepbook does, but die by SIGKILL on the second one.
_KILLED_MID_COMMIT = """
import os, signal, sys
import prepbook.output
from prepbook.cli import main

real_replace, renames = os.replace, []

class Os:
    def __getattr__(self, name):
        return getattr(os, name)

    def replace(self, source, destination):
        if os.path.basename(destination) in ("handbook.pdf", "deck.apkg", "cheatsheet.md"):
            renames.append(destination)
            if len(renames) == 2:
                os.kill(os.getpid(), signal.SIGKILL)
        real_replace(source, destination)

prepbook.output.os = Os()
sys.argv = ["prepbook", *sys.argv[1:]]
main()
"""


@pytest.mark.weasyprint
def test_a_build_killed_between_two_renames_is_rolled_back_by_the_next_build(site: Site, tmp_path: Path) -> None:
    before = site.outputs()
    site.edit_question()
    edited = Site(site.content, tmp_path / "edited")
    environment = {**os.environ, "SOURCE_DATE_EPOCH": str(FIXED_DATE)}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(FIXED_DATE))
        assert edited.build("all", "--jobs", "1").exit_code == 0
    after = edited.outputs()

    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_MID_COMMIT, "build", "all", "--jobs", "1", "--content", str(site.content),
         "--templates", str(TEMPLATES), "--out", str(site.out)],
        capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=300, check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # Meanwhile a reader finds whole files only, one of them already the new build's.
    now = site.outputs()
    assert all(now[name] in (before[name], after[name]) for name in OUTPUTS)
    assert any(now[name] == after[name] for name in OUTPUTS) and now != after

    # The next build, whatever it builds, first puts back every output of the last finished build.
    shutil.copytree(CONTENT, site.content, dirs_exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(FIXED_DATE))
        assert site.build("md").exit_code == 0
    assert site.outputs() == before
    assert _leftovers(site.out) == []


def test_unknown_format_is_a_usage_error_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "build"
    result = CliRunner().invoke(main, ["build", "md", "nope", "--content", str(CONTENT),
                                       "--templates", str(TEMPLATES), "--out", str(out)])
    message = one_line_error(result, exit_code=2)
    assert message.startswith("prepbook: error: unknown format 'nope'")
    assert not out.exists()


# --- two builds at once -------------------------------------------------------------------------------------------


@pytest.fixture
def anki_collection(tmp_path: Path) -> Iterator[Collection]:
    col = Collection(str(tmp_path / "collection.anki2"))
    yield col
    col.close()


@pytest.mark.weasyprint
def test_builds_started_at_once_do_not_corrupt_each_other(prebuilt: Site, tmp_path: Path,
                                                         anki_collection: Collection) -> None:
    out = tmp_path / "shared-build"
    environment = {**os.environ, "SOURCE_DATE_EPOCH": str(FIXED_DATE)}
    commands = [["md", "anki"], ["md", "anki"], ["pdf", "--jobs", "1"]]
    processes = [subprocess.Popen([sys.executable, "-m", "prepbook", "build", *command, "--content",
                                   str(prebuilt.content), "--templates", str(TEMPLATES), "--out", str(out)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment,
                                  cwd=tmp_path)
                 for command in commands]
    finished = [(process.wait(timeout=120), process.communicate()[1]) for process in processes]
    assert [code for code, _ in finished] == [0, 0, 0], finished
    # Each output is exactly what a build on its own makes, and nothing half-written is left behind.
    assert Site(prebuilt.content, out).outputs() == prebuilt.outputs()
    assert not any(PARTIAL.match(path.name) for path in out.rglob("*"))
    assert len(pypdf.PdfReader(out / "handbook.pdf").pages) > 1
    log = anki_collection.import_anki_package(ImportAnkiPackageRequest(
        package_path=str(out / "deck.apkg"), options=ImportAnkiPackageOptions())).log
    assert len(log.new) == len(list(prebuilt.content.glob("*/*.yaml")))


# --- resource limits ----------------------------------------------------------------------------------------------


def _alias_bomb() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("kind", "text", "message"), [
    ("over 1 MiB", "id: huge\nquestion: Huge?\ndifficulty: easy\nanswer:\n  short: " + "x" * (1100 * 1024) + "\n",
     "over the limit"),
    ("alias bomb", _alias_bomb(), "anchors and aliases"),
    ("deep nesting", "a: " + "[" * 10_000 + "]" * 10_000 + "\n", "nest"),
])
def test_resource_limits_refuse_quickly(write_bank: BankWriter, tmp_path: Path, kind: str, text: str,
                                        message: str) -> None:
    content = write_bank({"topic": [record("fine")]})
    bad = content / "topic" / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    out = tmp_path / "build"
    started = time.monotonic()
    result = CliRunner().invoke(main, ["build", "all", "--content", str(content), "--templates", str(TEMPLATES),
                                       "--out", str(out)])
    assert time.monotonic() - started < 5, kind
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    problems = result.stderr.splitlines()[:-1]
    assert len(problems) == 1 and "bad.yaml" in problems[0] and message in problems[0], result.stderr
    assert not out.exists()
