"""Progress bars for long commands, drawn only for a person watching.

The bar goes to standard error and only when that is a terminal, so standard
output (``--json`` lines included) stays exactly what scripts read, and logs
of cron jobs and CI stay free of carriage returns.
"""

import contextlib
import sys

from tqdm import tqdm


def progress(items, description: str, total: int | None = None, unit: str = "个"):
    if not sys.stderr.isatty():
        return items
    return tqdm(items, desc=description, total=total, unit=unit, file=sys.stderr, leave=False)


def steps(description: str, total: int, unit: str = "步"):
    """A function to call once per finished step: a bar of ``total`` steps on
    a terminal, nothing elsewhere."""
    if not sys.stderr.isatty():
        return lambda: None
    bar = tqdm(desc=description, total=total, unit=unit, file=sys.stderr, leave=False)

    def step():
        bar.update()
        if bar.n >= total:
            bar.close()

    return step


@contextlib.contextmanager
def counting(description: str, unit: str = "个"):
    """Yields a function to call with the running count of what is done: a
    bar without a total on a terminal, nothing elsewhere."""
    disable = not sys.stderr.isatty()
    with tqdm(desc=description, unit=unit, file=sys.stderr, leave=False, disable=disable) as bar:
        yield lambda done: bar.update(done - bar.n)
