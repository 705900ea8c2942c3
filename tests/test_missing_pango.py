"""Without Pango on the system, prepbook itself says what to install, in one line, and exits 3.

Not marked weasyprint: it needs no Pango, and `make test-fast` is what runs on a machine that lacks it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from prepbook.system_libraries import MISSING_PANGO
from tests.conftest import CONTENT

# The real prepbook in a new interpreter whose cffi finds no Pango library, as on a machine without it.
WITHOUT_PANGO = """
import cffi

found = cffi.FFI.dlopen

def dlopen(self, name, *args, **kwargs):
    if "pango" in str(name):
        raise OSError(f"cannot load library {name!r}: cannot open shared object file: No such file or directory")
    return found(self, name, *args, **kwargs)

cffi.FFI.dlopen = dlopen

from prepbook.cli import run

run()
"""


def test_build_says_how_to_install_pango_in_one_line_and_exits_3(tmp_path: Path) -> None:
    process = subprocess.run([sys.executable, "-c", WITHOUT_PANGO, "build", "all", "--content", str(CONTENT),
                              "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120,
                             check=False)
    assert (process.returncode, process.stdout) == (3, "")
    assert process.stderr.splitlines() == [f"prepbook: error: {MISSING_PANGO}"]
    assert "brew install pango" in MISSING_PANGO and "first_steps.html#windows" in MISSING_PANGO
    assert not any((tmp_path / "out").glob("*.*"))
