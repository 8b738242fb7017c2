"""Operators upload policy files in the admin; each becomes an ingest job they can follow."""

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile

from ingest.models import IngestJob
from policybase.catalog.models import Document

from ..conftest import seed_path

UPLOAD = "/admin/ingest/ingestjob/upload/"
JOBS = "/admin/ingest/ingestjob/"
WEBPAGE = "004_webpage_data_elements_x_plan_traditional.txt"


@pytest.fixture
def upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return settings.UPLOAD_DIR


def staff_client(client, *groups):
    user = User.objects.create_user("staff", password="pw", is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=groups))
    client.force_login(user)
    return client


def upload(path: Path, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, path.read_bytes())


def test_each_uploaded_file_becomes_a_job_and_good_ones_are_searchable(
    search_index, media_dir, upload_dir, admin_client, tmp_path
):
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(os.urandom(4096))
    good, bad = upload(seed_path(WEBPAGE), WEBPAGE), upload(corrupt, "损坏的.pdf")
    response = admin_client.post(UPLOAD, {"files": [good, bad]})

    assert response.status_code == 302
    good_job, bad_job = IngestJob.objects.order_by("pk")
    assert response["Location"] == f"{JOBS}?id__in={good_job.pk}%2C{bad_job.pk}"

    assert good_job.state == IngestJob.State.DONE
    documents = list(good_job.documents.all())
    assert documents
    # The file keeps its name, in a folder of its own under the uploads.
    source = Path(good_job.source)
    assert source.name == WEBPAGE
    assert source.is_relative_to(upload_dir)
    assert source.read_bytes() == seed_path(WEBPAGE).read_bytes()
    assert {document.source_name for document in documents} == {WEBPAGE}

    assert bad_job.state == IngestJob.State.FAILED
    assert Path(bad_job.source).name == "损坏的.pdf"
    assert "PDF" in bad_job.message and "Traceback" not in bad_job.message
    assert not bad_job.documents.exists()

    hits = admin_client.get("/api/search", {"q": "数据要素"}).json()
    assert hits["count"] > 0
    assert {hit["document_id"] for hit in hits["results"]} <= {d.pk for d in documents}

    page = admin_client.get(response["Location"], follow=True).content.decode()
    assert "已提交 2 个文件" in page
    assert "完成 1 个" in page and "失败 1 个" in page
    assert bad_job.message in page
    assert f"{len(documents)} 篇" in page

    # The count links to exactly the job's documents.
    Document.objects.create(title="另一个任务的文件")
    link = re.search(r'href="(/admin/catalog/document/\?ingest_jobs__id__exact=\d+)"', page)
    listed = admin_client.get(link.group(1)).context["cl"]
    assert {document.pk for document in listed.result_list} == {d.pk for d in documents}


def test_job_page_shows_state_duration_and_warnings_as_a_list(
    search_index, media_dir, upload_dir, admin_client
):
    admin_client.post(UPLOAD, {"files": [upload(seed_path(WEBPAGE), WEBPAGE)]})
    job = IngestJob.objects.get()
    job.warnings = ["目录页码与正文不符", "缺少发布日期"]
    job.save()

    page = admin_client.get(f"{JOBS}{job.pk}/change/").content.decode()
    assert "<li>目录页码与正文不符</li>" in page
    assert "[&quot;" not in page  # not the raw JSON
    assert "完成" in page and " 秒" in page
    # A record, not a form.
    assert 'name="_save"' not in page


def test_unsupported_suffix_is_refused_and_nothing_is_submitted(db, upload_dir, admin_client):
    good, spreadsheet = upload(seed_path(WEBPAGE), WEBPAGE), upload(seed_path(WEBPAGE), "表格.xlsx")
    response = admin_client.post(UPLOAD, {"files": [good, spreadsheet]})

    assert response.status_code == 200
    errors = response.context["form"].errors["files"]
    assert errors == [
        "“表格.xlsx”无法入库：不支持.xlsx 文件，只接受 .doc、.docx、.htm、.html、.md、.pdf、.txt。"
    ]
    assert "未提交任何文件" in response.content.decode()
    assert not IngestJob.objects.exists()
    assert not upload_dir.exists()


def test_a_file_over_the_size_limit_is_refused(db, upload_dir, admin_client, settings, tmp_path):
    settings.UPLOAD_MAX_MB = 1
    big = tmp_path / "big.txt"
    big.write_bytes("数据".encode() * 300_000)
    response = admin_client.post(UPLOAD, {"files": [upload(big, "big.txt")]})
    assert response.context["form"].errors["files"] == ["“big.txt”有 1.7 MB，超过了 1 MB 的上限。"]
    assert not IngestJob.objects.exists()


def test_an_empty_file_is_named_and_an_empty_post_asks_for_files(db, upload_dir, admin_client):
    good, empty = upload(seed_path(WEBPAGE), WEBPAGE), SimpleUploadedFile("空白.pdf", b"")
    response = admin_client.post(UPLOAD, {"files": [good, empty]})
    assert response.context["form"].errors["files"] == ["“空白.pdf”：所提交的是空文件。"]
    response = admin_client.post(UPLOAD, {})
    assert response.context["form"].errors["files"] == ["这个字段是必填项。"]
    assert not IngestJob.objects.exists()


def test_a_name_climbing_out_lands_inside_the_uploads_folder(db, upload_dir, admin_client):
    # Built by hand: the test client would strip the path from the name itself.
    boundary = "pb-boundary"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="files"; filename="../../逃逸.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
        "第一条 为规范数据管理，制定本办法。\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    response = admin_client.post(
        UPLOAD, body, content_type=f"multipart/form-data; boundary={boundary}"
    )

    assert response.status_code == 302
    source = Path(IngestJob.objects.get().source)
    assert source.is_file()
    assert source.name == "逃逸.txt"
    assert source.resolve().is_relative_to(upload_dir.resolve())
    assert not (upload_dir.parent / "逃逸.txt").exists()


def test_rerun_queues_failed_jobs_whose_file_is_still_there(
    search_index, media_dir, upload_dir, admin_client, sample_copy, tmp_path
):
    # A job that failed for a reason since gone (say, the database was down).
    still_there = IngestJob.objects.create(
        source=str(sample_copy(WEBPAGE)), state=IngestJob.State.FAILED, message="入库失败"
    )
    gone = IngestJob.objects.create(
        source=str(tmp_path / "已删除.pdf"), state=IngestJob.State.FAILED, message="无法打开"
    )
    done = IngestJob.objects.create(source=str(tmp_path / "x.txt"), state=IngestJob.State.DONE)

    response = admin_client.post(
        JOBS,
        {"action": "rerun", "_selected_action": [still_there.pk, gone.pk, done.pk]},
        follow=True,
    )

    page = response.content.decode()
    assert "已重新提交 1 个失败的任务" in page
    assert "已删除.pdf" in page
    still_there.refresh_from_db()
    assert still_there.state == IngestJob.State.DONE
    assert still_there.documents.exists()
    assert Document.objects.exists()
    gone.refresh_from_db()
    assert (gone.state, gone.message) == (IngestJob.State.FAILED, "无法打开")
    done.refresh_from_db()
    assert done.state == IngestJob.State.DONE


def test_staff_without_add_permission_are_refused(db, upload_dir, client):
    staff_client(client)
    assert client.get(UPLOAD).status_code == 403
    good = upload(seed_path(WEBPAGE), WEBPAGE)
    assert client.post(UPLOAD, {"files": [good]}).status_code == 403
    assert not IngestJob.objects.exists()


def test_operators_may_upload_and_the_list_links_to_the_upload_page(db, upload_dir, client):
    staff_client(client, "operator")
    assert client.get(UPLOAD).status_code == 200
    page = client.get(JOBS).content.decode()
    assert f'href="{UPLOAD}"' in page and "上传文件" in page
    # The ordinary add form leads to the upload page too.
    assert client.get(f"{JOBS}add/")["Location"] == UPLOAD
