"""What the PDF needs from the operating system rather than from Python packages: Pango, which WeasyPrint lays
text out with. How to install it is said here only: in prepbook's message when it is missing, and in the
workflow `prepbook init` writes."""

# The last one is optional: WeasyPrint subsets fonts faster with it.
DEBIAN_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"

MISSING_PANGO = (
    "WeasyPrint cannot load Pango, which lays out the PDF; install it with "
    f"`sudo apt-get install -y {DEBIAN_PACKAGES}` (Debian, Ubuntu), `brew install pango` (macOS), or as "
    "https://doc.courtbouillon.org/weasyprint/stable/first_steps.html#windows says (Windows)"
)
