"""Locks shared by every process of one data dir: web, workers and commands.

flock(2) on a file in the data dir. The kernel releases the lock when its
holder closes the file or dies, so a process killed while holding one never
leaves it behind, and the next process in line goes on.
"""

import contextlib
import fcntl
import time
from pathlib import Path


@contextlib.contextmanager
def file_lock(path: Path, timeout: float):
    """Yields whether the lock on ``path`` was taken within ``timeout`` seconds
    (0: only if it is free now); held until the block ends."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        deadline = time.monotonic() + timeout
        pause = 0.05
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
                pause = min(pause * 2, 1.0)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
