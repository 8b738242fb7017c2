"""Progress bars for long commands, drawn only for a person watching.

The bar goes to standard error and only when that is a terminal, so standard
output (``--json`` lines included) stays exactly what scripts read, and logs
of cron jobs and CI stay free of carriage returns.
"""

import sys

from tqdm import tqdm


def progress(items, description: str, total: int | None = None, unit: str = "个"):
    if not sys.stderr.isatty():
        return items
    return tqdm(items, desc=description, total=total, unit=unit, file=sys.stderr, leave=False)
