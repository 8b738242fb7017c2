"""Real servers for the production-stack tests: PostgreSQL and Redis from the
Debian packages, Celery workers and gunicorn from the virtualenv, each a
process of its own on a free port, stopped when the test is done."""

import contextlib
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def postgres_bin() -> Path | None:
    """Debian keeps the server programs out of PATH, under /usr/lib/postgresql/<version>/bin."""
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version)
    return Path(versions[-1]).parent if versions else None


def _version(path: str) -> int:
    return int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0


def missing_programs() -> list[str]:
    missing = [] if postgres_bin() else ["PostgreSQL (apt-get install postgresql)"]
    if not shutil.which("redis-server"):
        missing.append("Redis (apt-get install redis-server)")
    return missing


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check, timeout: float, what: str, pause: float = 0.2):
    """``check()``'s first true value within ``timeout`` seconds, else fail saying ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(pause)


class Postgres:
    """A throwaway cluster in a temporary folder. PostgreSQL refuses to run as
    root, so as root the cluster belongs to ``nobody``."""

    def __init__(self):
        self.bin = postgres_bin()
        self.root = Path(tempfile.mkdtemp(prefix="policybase-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_owner = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "nobody", "nogroup")
            self.as_owner = ["runuser", "-u", "nobody", "--"]

    def start(self):
        self._run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--no-locale")  # fmt: skip
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
            # A test cluster need not survive a power cut.
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", self.data, "-l", self.root / "server.log", "-o", options,
                  "-w", "start")  # fmt: skip
        return self

    def stop(self):
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, program, *args):
        command = [*self.as_owner, str(self.bin / program), *map(str, args)]
        subprocess.run(command, check=True, capture_output=True, cwd=self.root)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def execute(self, sql: str, database: str = "postgres"):
        with psycopg.connect(self.url(database), autocommit=True) as connection:
            cursor = connection.execute(sql)
            return cursor.fetchall() if cursor.description else None


class Redis:
    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(self.answers, 10, "redis-server to answer")
        return self

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class Stack:
    """One PolicyBase deployment: its own database, Redis and data dir, and the
    processes started on them (workers, a web server)."""

    def __init__(self, postgres: Postgres, database: str, redis: Redis, data_dir: Path, **env):
        self.postgres, self.database, self.redis, self.data_dir = (
            postgres,
            database,
            redis,
            data_dir,
        )
        self.inbox = data_dir / "inbox"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "policybase.settings",
            "DATABASE_URL": postgres.url(database),
            "REDIS_URL": redis.url,
            "POLICYBASE_DATA_DIR": str(data_dir),
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.processes = []
        self.web_port = None

    def manage(self, *args, check=True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
        )

    def jobs(self) -> list[dict]:
        lines = self.manage("ingest_jobs", "--json").stdout.splitlines()
        return [json.loads(line) for line in lines]

    def drift(self) -> dict:
        return json.loads(self.manage("reconcile_index", "--dry-run", "--json").stdout)

    def sql(self, query: str):
        return self.postgres.execute(query, self.database)

    def start_worker(self, *args, name: str, **env) -> subprocess.Popen:
        """``celery -A policybase worker ARGS`` with ``env`` added to the
        stack's, in a session of its own so that it can be killed with its
        pool and beat processes."""
        log = (self.data_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            [str(VENV_BIN / "celery"), "-A", "policybase", "worker", *args, "--loglevel", "INFO",
             "--hostname", f"{name}@%h", "--without-gossip", "--without-mingle"],
            cwd=REPO, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.processes.append(process)
        return process

    def start_web(self):
        self.web_port = free_port()
        log = (self.data_dir / "web.log").open("ab")
        process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "policybase.wsgi", "--bind",
             f"127.0.0.1:{self.web_port}", "--workers", "1"],
            cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.processes.append(process)
        wait_until(lambda: self.get("/healthz")[0] in (200, 503), 30, "gunicorn to answer", 0.3)
        return process

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.web_port}{path}", timeout=30) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except OSError:
            return 0, b""

    def worker_log(self, name: str) -> str:
        return (self.data_dir / f"{name}.log").read_text(errors="replace")

    @staticmethod
    def kill(process: subprocess.Popen, sig=signal.SIGKILL):
        """Send ``sig`` to the process and everything it started."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        process.wait(30)

    def stop(self):
        # The test is over: nothing of what these processes hold needs saving.
        for process in self.processes:
            if process.poll() is None:
                self.kill(process)


def process_tree(root: int) -> list[int]:
    """``root`` and every process it started, children of children too."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    tree, grown = {root}, True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return sorted(tree)


def resident_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class MemoryWatch:
    """The peak resident memory of each process of a tree (a worker, its pool
    and its beat), sampled every ``pause`` seconds until ``stop()``."""

    def __init__(self, root: int, pause: float = 0.1):
        self.root, self.pause = root, pause
        self.peaks: dict[int, int] = {}
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def _run(self):
        while not self._stopped.is_set():
            for pid in process_tree(self.root):
                self.peaks[pid] = max(self.peaks.get(pid, 0), resident_bytes(pid))
            self._stopped.wait(self.pause)

    def stop(self) -> dict[int, int]:
        self._stopped.set()
        self._thread.join(10)
        return self.peaks
