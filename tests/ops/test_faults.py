"""Faults and what PolicyBase does about them: the broker down (search goes on,
pages say ingestion is paused, an upload waits for the broker and goes when
it is back) and the search index refusing writes (the job says so, nothing is
lost, ``reconcile_index`` repairs it), in-process and on the production stack.

A worker killed in the middle of a job is tests/ops/test_killed_worker.py.
"""

import contextlib
import http.cookiejar
import json
import os
import secrets
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command

from ingest.jobs import create_job, run_ingest_job
from ingest.models import IngestJob
from ingest.parse import parse_path
from ingest.tasks import UNSENT_MESSAGE
from policybase.catalog.models import Clause, Document
from policybase.search.indexing import reconcile_index
from policybase.search.query import Filters, search

from ..conftest import seed_path
from ..embedded import EmbeddedSite
from .servers import missing_programs, wait_until

MISSING = missing_programs()


def needs_servers(test):
    test = pytest.mark.skipif(bool(MISSING), reason="not installed: " + ", ".join(MISSING))(test)
    return pytest.mark.servers(test)


NEWSLETTER = "002_newsletter_dashuju_dongtai_2023_32.txt"
WEBPAGE = "004_webpage_data_elements_x_plan_traditional.txt"
PAUSED = "新文件的入库已暂停；检索不受影响"
# Said on the admin's ingest pages only.
UPLOADS_WAIT = "此时上传的文件会保存并排队，队列恢复后自动入库"
# In the newsletter's Pudong regulation, and in no other sample.
NEWSLETTER_PHRASE = "浦东新区"


def read_only_commands(folder: Path) -> tuple[list[str], list[str]]:
    """Commands that make ``folder`` refuse new files, as a disk remounted
    read-only does, and undo it. Root ignores permissions: as root the folder
    is made immutable (chattr +i)."""
    if os.geteuid() == 0:
        return ["chattr", "+i", str(folder)], ["chattr", "-i", str(folder)]
    return ["chmod", "555", str(folder)], ["chmod", "755", str(folder)]


def live_index(data_dir: Path) -> Path:
    """The folder the index is written in: its live generation."""
    return (data_dir / "search_index" / "live").resolve(strict=True)


@contextlib.contextmanager
def read_only(folder: Path):
    freeze, undo = read_only_commands(folder)
    subprocess.run(freeze, check=True)
    try:
        probe = folder / f"probe-{secrets.token_hex(4)}"
        try:
            probe.touch()
        except OSError:
            pass
        else:
            probe.unlink()
            pytest.skip(f"{folder} cannot be made read-only on this file system")
        yield folder
    finally:
        subprocess.run(undo, check=True)


# --- in-process (the embedded default: SQLite, tasks run eagerly) ---------------


def test_a_failure_inside_the_transaction_rolls_everything_back(
    search_index, media_dir, sample_copy
):
    call_command("ingest", str(seed_path(WEBPAGE)))
    documents, clauses = Document.objects.count(), Clause.objects.count()
    path = sample_copy(NEWSLETTER)
    # The original file is kept inside the file's transaction, after its
    # documents, in a folder of sources/ named by its hash.
    with read_only(media_dir / "sources"):
        job = run_ingest_job(create_job(path).pk)

    assert job.state == IngestJob.State.FAILED
    assert job.message.startswith("入库失败，未写入任何内容")
    assert (Document.objects.count(), Clause.objects.count()) == (documents, clauses)
    assert reconcile_index(dry_run=True).total == 0

    job = run_ingest_job(create_job(path).pk)  # the disk is writable again
    assert job.state == IngestJob.State.DONE
    assert search(f'"{NEWSLETTER_PHRASE}"', Filters()).count > 0


class Embedded(EmbeddedSite):
    """A site whose failed index writes must not leave their traces in the
    test process."""

    def __init__(self, data_dir: Path, classifier: Path):
        super().__init__(data_dir, classifier)
        self.manage("migrate", "--noinput")

    def python(self, code: str, timeout=300):
        """Run ``code`` in a Django shell; returns its last line of output, read as JSON."""
        return json.loads(self.shell(code, timeout).splitlines()[-1])

    def drift(self) -> dict:
        return json.loads(self.manage("reconcile_index", "--dry-run", "--json").stdout)

    def found(self, phrase: str) -> int:
        code = f"""
import json
from policybase.search.query import Filters, search
print(json.dumps(search({json.dumps('"' + phrase + '"')}, Filters()).count))"""
        return self.python(code)


@pytest.fixture
def embedded(tmp_path, classifier_file):
    (tmp_path / "data").mkdir()
    site = Embedded(tmp_path / "data", classifier_file)
    site.manage("ingest", str(seed_path(WEBPAGE)))
    return site


def test_an_index_write_failure_fails_the_job_keeps_its_documents_and_reconcile_repairs_it(
    embedded, sample_copy
):
    path = sample_copy(NEWSLETTER)
    with read_only(live_index(embedded.data_dir)):
        result = embedded.manage("ingest", "--json", str(path), check=False)
    assert result.returncode == 1
    job = json.loads(result.stdout)

    # The file's transaction committed before its index write ran and failed:
    # the job fails, says so and links what was stored.
    assert job["state"] == "failed"
    assert "写入检索索引失败" in job["message"] and "reconcile_index" in job["message"]
    assert len(job["documents"]) == len(parse_path(seed_path(NEWSLETTER)))
    drift = embedded.drift()
    assert drift["missing"] > 0 and drift["stale"] == drift["extra"] == 0
    assert embedded.found(NEWSLETTER_PHRASE) == 0

    repaired = json.loads(embedded.manage("reconcile_index", "--json").stdout)
    assert repaired["missing"] == drift["missing"]
    assert embedded.drift()["missing"] == 0
    assert embedded.found(NEWSLETTER_PHRASE) > 0


def test_a_job_whose_index_write_failed_completes_when_run_again(embedded, sample_copy):
    path = sample_copy(NEWSLETTER)
    with read_only(live_index(embedded.data_dir)):
        embedded.manage("ingest", str(path), check=False)
    # "重新运行" in the admin, in another process than the one whose write failed.
    [state, message] = embedded.python("""
import json
from ingest.models import IngestJob
from ingest.tasks import queue_jobs
from ingest.uploads import rerun_failed
job = IngestJob.objects.get(state="failed")
queue_jobs(rerun_failed([job])[0])
job.refresh_from_db()
print(json.dumps([job.state, job.message]))""")
    assert state == "done" and "未作改动" in message  # stored once, the first time
    assert embedded.drift()["missing"] == 0
    assert embedded.found(NEWSLETTER_PHRASE) > 0


def test_the_process_whose_index_write_failed_can_write_again(embedded, sample_copy):
    """The web process runs a failed job again (the admin's "重新运行") once
    the index is writable again."""
    path = sample_copy(NEWSLETTER)
    freeze, undo = read_only_commands(live_index(embedded.data_dir))
    code = f"""
import json, subprocess
from pathlib import Path
from ingest.jobs import create_job, run_ingest_job
from ingest.tasks import queue_jobs
from ingest.uploads import rerun_failed
from policybase.search.indexing import reconcile_index
reconcile_index(dry_run=True)  # a process that has used the index before, as a web process has
subprocess.run({freeze!r}, check=True)
try:
    job = run_ingest_job(create_job(Path({str(path)!r})).pk)
finally:
    subprocess.run({undo!r}, check=True)
first = job.state
queue_jobs(rerun_failed([job])[0])
job.refresh_from_db()
print(json.dumps([first, job.state, job.message]))"""
    first, state, message = embedded.python(code, timeout=300)
    assert first == "failed"
    assert state == "done", message
    assert embedded.drift()["missing"] == 0


# --- the production stack: PostgreSQL, Redis, a Celery worker, gunicorn ---------


class Browser:
    """A person at the admin: logs in and uploads files through the real forms."""

    def __init__(self, stack):
        self.base = f"http://127.0.0.1:{stack.web_port}"
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, body: bytes, content_type: str) -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, data=body, method="POST")
        request.add_header("Content-Type", content_type)
        return self._open(request)

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", "")

    def csrf(self) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def log_in(self, username: str, password: str):
        self.get("/admin/login/")
        form = {"username": username, "password": password, "csrfmiddlewaretoken": self.csrf()}
        status, location = self.post(
            "/admin/login/?next=/admin/",
            urllib.parse.urlencode(form).encode(),
            "application/x-www-form-urlencoded",
        )
        assert (status, location) == (302, "/admin/"), "the admin login was refused"

    def upload(self, name: str, content: bytes) -> tuple[int, str]:
        boundary = secrets.token_hex(16)
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f"{self.csrf()}\r\n".encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: text/plain\r\n\r\n".encode()
            + content
            + b"\r\n",
            f"--{boundary}--\r\n".encode(),
        ]
        return self.post(
            "/admin/ingest/ingestjob/upload/",
            b"".join(parts),
            f"multipart/form-data; boundary={boundary}",
        )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(scope="module")
def stack(stack_factory):
    stack = stack_factory()
    stack.password = secrets.token_hex(8)
    stack.env["DJANGO_SUPERUSER_PASSWORD"] = stack.password
    stack.manage("createsuperuser", "--noinput", "--username", "ops", "--email", "ops@example.org")
    stack.start_worker("-B", "--concurrency", "2", name="worker")
    stack.start_web()
    stack.manage("ingest", str(seed_path(WEBPAGE)))
    wait_until(lambda: in_step(stack), 120, "the index to hold the first file", pause=1)
    return stack


def in_step(stack) -> dict | None:
    drift = stack.drift()
    return drift if drift["expected"] == drift["indexed"] and not drift["stale"] else None


def api_count(stack, query: str) -> int:
    status, body = stack.get(f"/api/search?q={urllib.parse.quote(query)}")
    assert status == 200
    return json.loads(body)["count"]


def search_page(stack, query: str) -> str:
    status, body = stack.get(f"/?q={urllib.parse.quote(query)}")
    assert status == 200
    return body.decode()


def failed_index_writes(stack) -> list[str]:
    # Celery's line for a task that raised an error it does not retry.
    return [
        line
        for line in stack.worker_log("worker").splitlines()
        if "update_index[" in line and "raised unexpected" in line
    ]


def job_of(stack, name: str) -> dict:
    return next(job for job in stack.jobs() if Path(job["source"]).name == name)


@needs_servers
def test_with_the_broker_down_search_goes_on_and_an_upload_waits_for_it(stack):
    found_before = api_count(stack, "数据要素")
    assert found_before > 0
    assert PAUSED not in search_page(stack, "数据要素")

    stack.redis.stop()
    # The web process asks the broker at most every few seconds.
    page = wait_until(
        lambda: (lambda p: p if PAUSED in p else None)(search_page(stack, "数据要素")),
        30,
        "the search page to say ingestion is paused",
        pause=1,
    )
    assert "<mark>" in page
    assert api_count(stack, "数据要素") == found_before

    browser = Browser(stack)
    browser.log_in("ops", stack.password)
    status, page = browser.get("/admin/ingest/ingestjob/upload/")
    assert status == 200 and UPLOADS_WAIT in page
    content = seed_path(NEWSLETTER).read_bytes()
    status, location = browser.upload("通讯.txt", content)
    assert status == 302 and location.startswith("/admin/ingest/ingestjob/")
    status, page = browser.get(location)
    assert status == 200 and UPLOADS_WAIT in page

    # Kept: the file as sent, its job queued and marked for sending.
    job = job_of(stack, "通讯.txt")
    assert (job["state"], job["message"]) == ("queued", UNSENT_MESSAGE)
    assert Path(job["source"]).read_bytes() == content

    stack.redis.start()  # the same port, empty: nothing of the upload was in it
    wait_until(
        lambda: job_of(stack, "通讯.txt")["state"] == "done", 180, "the upload to be ingested"
    )
    job = job_of(stack, "通讯.txt")
    assert len(job["documents"]) == len(parse_path(seed_path(NEWSLETTER)))
    wait_until(lambda: in_step(stack), 120, "the index to hold the upload", pause=1)
    assert api_count(stack, NEWSLETTER_PHRASE) > 0
    wait_until(
        lambda: PAUSED not in search_page(stack, "数据要素"), 30, "the notice to go", pause=1
    )


@needs_servers
def test_an_index_write_failure_on_the_worker_is_logged_and_reconcile_repairs_it(stack, tmp_path):
    path = tmp_path / "compilation.txt"
    path.write_bytes(seed_path("003_compilation_data_asset_policies_2024.txt").read_bytes())
    clauses_before = stack.sql("SELECT count(*) FROM catalog_clause")[0][0]
    with read_only(live_index(stack.data_dir)):
        stack.manage("ingest", str(path))
        # The documents are stored; the worker's index write fails, loudly.
        wait_until(
            lambda: failed_index_writes(stack), 60, "the worker to report the failed index write"
        )
    clauses = stack.sql("SELECT count(*) FROM catalog_clause")[0][0]
    assert clauses > clauses_before
    drift = stack.drift()
    assert drift["missing"] == clauses - clauses_before

    repair = stack.manage("reconcile_index", "--json", check=False)
    assert repair.returncode == 0, repair.stderr
    assert json.loads(repair.stdout)["missing"] == drift["missing"]
    assert in_step(stack)
    assert api_count(stack, "数据资产") > 0
