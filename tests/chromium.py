"""Print HTML to PDF with Debian's headless Chromium, as many publishers make
their PDFs; shared by the tests and bench/pdf_rate.py."""

import subprocess
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying to reach
# Google's hosts, which this machine's closed network refuses.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def print_to_pdf(
    html: Path, pdf: Path, profile: Path, header_footer: bool = True, timeout: int = 60
) -> None:
    """Chromium prints its date/title header and URL/page-number footer unless told not to."""
    command = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}"]
    if not header_footer:
        command.append("--no-pdf-header-footer")
    subprocess.run([*command, html.as_uri()], check=True, capture_output=True, timeout=timeout)
