"""Regenerate the README's preview pictures: the handbook's cover, contents and first question page.

Run by `make docs`. Needs pdftoppm (Debian: poppler-utils).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pypdf

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    if shutil.which("pdftoppm") is None:
        sys.exit("make docs needs pdftoppm: sudo apt-get install -y poppler-utils")
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        subprocess.run([sys.executable, "-m", "prepbook", "build", "pdf", "--out", str(out)], cwd=ROOT, check=True,
                       env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600"})
        pdf = out / "handbook.pdf"
        reader = pypdf.PdfReader(pdf)
        contents = next(number for number, page in enumerate(reader.pages, 1) if page.extract_text().startswith("Contents"))
        questions = next(item for item in reader.outline if isinstance(item, list))  # the first topic's
        first_question = reader.get_destination_page_number(questions[0]) + 1
        for name, page in (("cover", 1), ("contents", contents), ("question", first_question)):
            target = ROOT / "docs" / f"preview-{name}"
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", "-f", str(page), "-l", str(page),
                            str(pdf), str(target)], check=True)
            print(f"wrote {target}.png (page {page})")


if __name__ == "__main__":
    main()
