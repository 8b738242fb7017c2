"""What long commands show a person at a terminal, and what they log."""

import fcntl
import json
import logging
import os
import pty
import shutil
import struct
import subprocess
import sys
import termios

from policybase.logs import JsonFormatter

from ..conftest import seed_path
from .servers import REPO

WEBPAGE = "004_webpage_data_elements_x_plan_traditional.txt"


def run_with_terminal_stderr(args, env) -> tuple[str, str]:
    """Run manage.py ARGS with stdout to a pipe and stderr to a terminal;
    returns both outputs."""
    controller, terminal = pty.openpty()
    # 24 rows of 100 columns: a new pty has no size, and tqdm draws to its width.
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=terminal,
    )
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed with the last process holding it
            break
        if not chunk:
            break
        chunks.append(chunk)
    stdout = process.stdout.read().decode()
    process.wait(60)
    os.close(controller)
    return stdout, b"".join(chunks).decode(errors="replace")


def test_a_terminal_gets_a_progress_bar_and_json_logs_while_stdout_stays_json(
    tmp_path, classifier_file
):
    shutil.copy(classifier_file, tmp_path / "classifier.joblib")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "policybase.settings",
        "POLICYBASE_DATA_DIR": str(tmp_path),
        "POLICYBASE_LOG_JSON": "1",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    stdout, terminal = run_with_terminal_stderr(
        ["ingest", "--dry-run", "--json", str(seed_path(WEBPAGE))], env
    )

    documents = [json.loads(line) for line in stdout.splitlines()]
    assert documents and all(document["clauses"] for document in documents)
    assert "解析" in terminal and "1/1" in terminal  # tqdm's bar for the one file
    # A log line may follow the bar on its line: each starts at its own "{".
    logged = [
        json.loads(line[line.index('{"time"') :])
        for line in terminal.replace("\r", "\n").splitlines()
        if '{"time"' in line
    ]
    # The model file is not recorded: this data dir has no database yet.
    assert any(entry["logger"] == "ingest.categorize" for entry in logged)
    assert all({"time", "level", "logger", "message"} <= set(entry) for entry in logged)


def test_a_json_log_line_carries_extra_fields_and_the_traceback():
    logger = logging.getLogger("policybase.test")
    try:
        raise ValueError("坏文件")
    except ValueError:
        record = logger.makeRecord(
            logger.name, logging.ERROR, __file__, 1, "job %s failed", (7,), sys.exc_info(),
            extra={"job": 7},
        )  # fmt: skip
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "job 7 failed"
    assert entry["level"] == "ERROR" and entry["job"] == 7
    assert "ValueError: 坏文件" in entry["exception"]
