"""The inbox: which files are taken, and where they go after their job (DESIGN §4.0).

Scans here run their jobs in-process (no broker), as ``manage.py scan_inbox``
does on the embedded default."""

import io
import os
import shutil
import time

import pytest
from django.core.management import call_command

from ingest.inbox import SETTLE_SECONDS, free_path, inbox_lock, scan, waiting_files
from ingest.jobs import create_job
from ingest.models import IngestJob
from ingest.tasks import queue_jobs, scheduled_scan
from ingest.uploads import rerun_failed
from policybase.catalog.models import Document
from policybase.search.query import Filters, search

from ..conftest import seed_path

WEBPAGE = "004_webpage_data_elements_x_plan_traditional.txt"
CORRUPT_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n\x00\xff"


def write(path, content=b"x", age=60):
    """A file last written ``age`` seconds ago."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    past = time.time() - age
    os.utime(path, (past, past))
    return path


def test_waiting_files_are_complete_visible_files_outside_the_inbox_folders(tmp_path):
    inbox = tmp_path / "inbox"
    taken = [write(inbox / "通知.pdf"), write(inbox / "batch" / "办法.docx")]
    write(inbox / "still-copying.txt", age=1)
    write(inbox / ".rsync-temp.txt.Ab12Cd")
    write(inbox / "download.pdf.part")
    write(inbox / ".hidden" / "x.txt")
    for folder in ("processing", "done", "failed"):
        write(inbox / folder / "old.txt")
    now = time.time()
    assert set(waiting_files(inbox, now)) == set(taken)
    # The file still being written is taken once nothing has touched it for a while.
    later = now + SETTLE_SECONDS
    assert inbox / "still-copying.txt" in waiting_files(inbox, later)


def test_a_taken_name_gets_a_number_and_so_does_one_with_an_error_note(tmp_path):
    assert free_path(tmp_path, "a.pdf") == tmp_path / "a.pdf"
    write(tmp_path / "a.pdf")
    write(tmp_path / "a (2).pdf.error.txt")
    assert free_path(tmp_path, "a.pdf") == tmp_path / "a (3).pdf"
    assert free_path(tmp_path, "README") == tmp_path / "README"


@pytest.fixture
def inbox(search_index, media_dir, settings, tmp_path):
    settings.INBOX_DIR = tmp_path / "inbox"
    settings.INBOX_DIR.mkdir()
    return settings.INBOX_DIR


def scan_command() -> str:
    out = io.StringIO()
    call_command("scan_inbox", stdout=out)
    return out.getvalue()


def test_a_scan_ingests_each_file_and_moves_it_to_done_or_failed(inbox):
    write(inbox / WEBPAGE, seed_path(WEBPAGE).read_bytes())
    write(inbox / "sub" / WEBPAGE, seed_path(WEBPAGE).read_bytes())  # the same bytes again
    write(inbox / "corrupt.pdf", CORRUPT_PDF)
    write(inbox / "new.txt", b"still being written", age=0)

    output = scan_command()

    assert "3 个文件" in output
    assert {p.name for p in (inbox / "done").iterdir()} == {
        WEBPAGE,
        "004_webpage_data_elements_x_plan_traditional (2).txt",
    }
    assert sorted(p.name for p in (inbox / "failed").iterdir()) == [
        "corrupt.pdf",
        "corrupt.pdf.error.txt",
    ]
    assert (inbox / "new.txt").exists()
    assert not list((inbox / "processing").iterdir())

    jobs = list(IngestJob.objects.order_by("pk"))
    assert [job.state for job in jobs] == ["done", "failed", "done"]
    first, failed, again = jobs
    assert first.source == str(inbox / "done" / WEBPAGE)
    assert "已入库过" in again.message
    assert first.documents.count() == again.documents.count() == Document.objects.count() == 1
    note = (inbox / "failed" / "corrupt.pdf.error.txt").read_text(encoding="utf-8")
    assert note.startswith(failed.message)
    assert f"#{failed.pk}" in note
    assert search("數據要素", Filters()).count > 0


def test_a_failed_file_that_is_run_again_and_works_moves_to_done(inbox):
    write(inbox / "policy.txt", b"")  # an empty file cannot be read
    scheduled_scan()
    job = IngestJob.objects.get()
    assert job.state == "failed"
    failed = inbox / "failed" / "policy.txt"
    assert (inbox / "failed" / "policy.txt.error.txt").exists()

    shutil.copy(seed_path(WEBPAGE), failed)  # the operator puts the right file in its place
    queued, missing = rerun_failed([job])
    queue_jobs(queued)
    assert queued == [job] and not missing

    job.refresh_from_db()
    assert job.state == "done"
    assert job.source == str(inbox / "done" / "policy.txt")
    assert not list((inbox / "failed").iterdir())


def test_a_scan_finishes_what_a_crash_left_in_processing(inbox):
    # Taken into processing/ by a scan that died before it made the job.
    orphan = write(inbox / "processing" / WEBPAGE, seed_path(WEBPAGE).read_bytes())
    # A job that ended while its worker died before filing the file away.
    ended = write(inbox / "processing" / "ended.pdf", CORRUPT_PDF)
    job = create_job(ended)
    IngestJob.objects.filter(pk=job.pk).update(state="failed", message="无法打开 PDF")

    jobs = scheduled_scan()

    assert len(jobs) == 1 and jobs[0].source.endswith(WEBPAGE)
    assert not orphan.exists() and (inbox / "done" / WEBPAGE).exists()
    assert (inbox / "failed" / "ended.pdf").exists()
    assert "无法打开 PDF" in (inbox / "failed" / "ended.pdf.error.txt").read_text(encoding="utf-8")


def test_a_second_scan_while_one_runs_takes_nothing(inbox):
    write(inbox / WEBPAGE, seed_path(WEBPAGE).read_bytes())
    with inbox_lock(inbox, timeout=0) as locked:
        assert locked
        assert scan() == []
    assert (inbox / WEBPAGE).exists()
    assert not IngestJob.objects.exists()
