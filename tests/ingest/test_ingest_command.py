"""The ingest commands' contracts (DESIGN §4.1)."""

import io
import json

import pytest
from django.core.management import call_command

from policybase.catalog.models import Document

CONTRACT_KEYS = {
    "source",
    "title",
    "issuer",
    "doc_number",
    "region",
    "publish_date",
    "effective_date",
    "doc_type",
    "status",
    "has_full_text",
    "clauses",
}


def dry_run(*paths):
    out = io.StringIO()
    try:
        call_command("ingest", *paths, "--dry-run", "--json", stdout=out)
        status = 0
    except SystemExit as exit:
        status = exit.code
    return status, [json.loads(line) for line in out.getvalue().splitlines()]


def test_dry_run_prints_the_contract_and_touches_nothing(db, sample_copy):
    status, documents = dry_run(sample_copy("004_webpage_data_elements_x_plan_traditional.txt"))
    assert status == 0
    assert documents
    for document in documents:
        assert set(document) >= CONTRACT_KEYS
        assert set(document["region"]) == {"level", "province", "city", "district"}
        for clause in document["clauses"]:
            assert 0 <= clause["category"] <= 14  # 14: 非政策工具 (DESIGN §2)
            assert 0 < clause["confidence"] <= 1
    assert not Document.objects.exists()


def test_a_bad_file_gets_an_error_line_and_the_rest_still_comes_out(db, tmp_path, sample_copy):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not really a pdf")
    good = sample_copy("004_webpage_data_elements_x_plan_traditional.txt")
    status, lines = dry_run(broken, good)
    assert status == 1
    assert lines[0]["source"] == "broken.pdf"
    assert lines[0]["error"]
    assert any(line.get("title") for line in lines[1:])


def test_ingest_jobs_json_lists_failed_and_done_jobs(
    search_index, media_dir, tmp_path, sample_copy
):
    broken = tmp_path / "empty.pdf"
    broken.write_bytes(b"")
    with pytest.raises(SystemExit):
        call_command(
            "ingest",
            broken,
            sample_copy("004_webpage_data_elements_x_plan_traditional.txt"),
            stdout=io.StringIO(),
        )
    out = io.StringIO()
    call_command("ingest_jobs", "--json", stdout=out)
    jobs = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [job["state"] for job in jobs] == ["failed", "done"]
    assert jobs[0]["message"]
    assert jobs[1]["documents"]
    # The contract's fields (DESIGN §4.1), and how many runs each job took.
    assert set(jobs[0]) == {
        "id", "source", "state", "message", "documents", "started", "finished", "attempts"
    }  # fmt: skip
    assert [job["attempts"] for job in jobs] == [1, 1]


def test_the_celery_task_runs_the_same_job(search_index, media_dir, sample_copy):
    from ingest.models import IngestJob
    from ingest.tasks import ingest_job

    job = IngestJob.objects.create(
        source=str(sample_copy("004_webpage_data_elements_x_plan_traditional.txt"))
    )
    assert ingest_job.delay(job.pk).get() == "done"
    job.refresh_from_db()
    assert job.state == "done" and job.documents.exists()


def test_odd_file_names_are_ingested_and_reported(search_index, media_dir, tmp_path):
    # A GBK file whose name is not UTF-8 either, and a name with spaces and brackets.
    odd = tmp_path / (b"bad\xff\xfename.txt").decode("utf-8", "surrogateescape")
    odd.write_bytes("某市数据条例\n第一条 为了规范数据处理活动，制定本条例。".encode("gbk"))
    spaced = tmp_path / "政策 文件 (1).txt"
    spaced.write_text("某市数据条例\n第一条 为了促进数据流通，制定本条例。", encoding="utf-8")
    out = io.StringIO()
    call_command("ingest", tmp_path, "--json", stdout=out)
    jobs = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [job["state"] for job in jobs] == ["done", "done"]
    assert "\ufffd" in jobs[0]["source"]
    assert Document.objects.filter(source_name="政策 文件 (1).txt").exists()
