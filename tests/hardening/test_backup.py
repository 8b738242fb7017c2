"""``manage.py backup`` and ``manage.py restore``: the sample corpus with a
curator's edits, an upload and an inbox file, backed up and restored into a
fresh data dir, comes back whole: every row of every table, every file byte for
byte, and the same search answers from the rebuilt index.

Each data dir is driven through manage.py in processes of its own, as an
operator would (the embedded default: SQLite, tasks in-process).
"""

import hashlib
import io
import json
import os
import tarfile
from pathlib import Path

import pytest

from ..conftest import SAMPLE
from ..embedded import EmbeddedSite
from ..ops.conftest import classifier_file  # noqa: F401 (a fixture)

pytestmark = pytest.mark.slow

SAVED_FOLDERS = ("files", "uploads", "inbox")
QUERIES = ["数据要素", "数据安全", "浦东新区", "人工智能 OR 算力", '"公共数据"']

# Every row of every table but sessions, and search counts, as one JSON object.
SNAPSHOT = """
import json
from django.apps import apps
from django.conf import settings
from haystack.query import SearchQuerySet
from policybase.search.query import Filters, search

tables = {}
for model in apps.get_models(include_auto_created=True):
    if model._meta.proxy or model._meta.app_label == "sessions":
        continue
    rows = json.loads(json.dumps(list(model._base_manager.order_by("pk").values()), default=str))
    if model._meta.label_lower == "django_celery_beat.periodictasks":
        # When the schedule last changed: a restore changes it, which tells a
        # running beat to read the schedule again.
        rows = [{k: v for k, v in row.items() if k != "last_update"} for row in rows]
    if model._meta.auto_created:
        # A many-to-many table: the pairs are the data, its row ids are not
        # (Django's serializers write the pairs, a load numbers them anew).
        rows = sorted(sorted((k, v) for k, v in row.items() if k != "id") for row in rows)
    tables[model._meta.label_lower] = rows
counts = {query: search(query, Filters()).count for query in QUERIES}
print(json.dumps({"data_dir": str(settings.DATA_DIR), "tables": tables, "counts": counts,
                  "indexed": SearchQuerySet().count()}, ensure_ascii=False))
"""

# What a curator and an operator add to the ingested sample: decisions, a
# withdrawn document (out of the index), a split clause, an upload, an inbox file.
CURATE = """
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from ingest.tasks import queue_jobs, scheduled_scan
from ingest.uploads import submit_uploads
from policybase.catalog.curation import confirm_categories, set_review_state, split_clause
from policybase.catalog.models import Clause, Document

User.objects.create_superuser("curator", "curator@example.org", "not-a-secret")
documents = list(Document.objects.order_by("pk"))
set_review_state(documents[:5], Document.ReviewState.PUBLISHED)
set_review_state(documents[5:6], Document.ReviewState.WITHDRAWN)
confirm_categories(Clause.objects.order_by("pk")[10:20], 13)
clause = Clause.objects.filter(text__contains="。").order_by("pk").first()
first, _, rest = clause.text.partition("。")
split_clause(clause, [first + "。", rest or "（空）"])
queue_jobs(submit_uploads([SimpleUploadedFile("上传 通知.txt", UPLOAD)]))
scheduled_scan()
"""


class Site(EmbeddedSite):
    def snapshot(self) -> dict:
        out = self.shell(f"QUERIES = {QUERIES!r}\n{SNAPSHOT}")
        return json.loads(out.splitlines()[-1])

    def files(self) -> dict[str, str]:
        """sha256 of every file a backup saves, by its path in the data dir."""
        paths = [p for name in SAVED_FOLDERS for p in (self.data_dir / name).rglob("*")]
        paths.append(self.data_dir / "classifier.joblib")
        return {
            p.relative_to(self.data_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in paths
            if p.is_file()
        }


@pytest.fixture(scope="module")
def original(tmp_path_factory, classifier_file):  # noqa: F811
    site = Site(tmp_path_factory.mktemp("original") / "data", classifier_file)
    site.manage("migrate", "--noinput")
    site.manage("ingest", str(SAMPLE))
    # Other bytes than the sample's copy, so it is stored anew.
    upload = (SAMPLE / "004_webpage_data_elements_x_plan_traditional.txt").read_bytes() + b"\n\n"
    inbox = site.data_dir / "inbox"
    inbox.mkdir()
    newsletter = SAMPLE / "002_newsletter_dashuju_dongtai_2023_32.txt"
    (inbox / "简报.txt").write_bytes(newsletter.read_bytes() + b"\n")
    os.utime(inbox / "简报.txt", (0, 0))  # complete: the scan need not wait for it to settle
    site.shell(f"UPLOAD = {upload!r}\n{CURATE}")
    return site


@pytest.fixture(scope="module")
def archive(original, tmp_path_factory):
    path = tmp_path_factory.mktemp("backup") / "policybase.tar.gz"
    result = original.manage("backup", str(path))
    assert "已备份到" in result.stdout
    return path


@pytest.fixture(scope="module")
def restored(archive, tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("restored") / "data")
    result = site.manage("restore", str(archive))
    assert "索引已重建" in result.stdout
    return site


def test_the_sample_with_edits_is_what_a_backup_holds(original, archive):
    before = original.snapshot()
    tables = before["tables"]
    assert len(tables["catalog.document"]) > 134  # the sample, the upload and the inbox file
    assert {job["state"] for job in tables["ingest.ingestjob"]} == {"done"}
    assert any(row["review_state"] == "withdrawn" for row in tables["catalog.document"])
    assert any(row["category_source"] == "curator" for row in tables["catalog.clause"])
    assert tables["catalog.historicalclause"] and tables["catalog.historicaldocument"]
    assert any((original.data_dir / "uploads").rglob("*.txt"))
    assert [p.name for p in (original.data_dir / "inbox" / "done").iterdir()] == ["简报.txt"]

    with tarfile.open(archive) as backup:
        names = backup.getnames()
        manifest = json.load(backup.extractfile("manifest.json"))
    assert names[0] == "database.jsonl" and names[-1] == "manifest.json"
    assert manifest["rows"]["catalog.clause"] == len(tables["catalog.clause"])
    assert manifest["rows"]["catalog.historicalclause"] == len(tables["catalog.historicalclause"])
    assert "catalog.0001_initial" in manifest["migrations"]
    files = original.files()
    saved = {
        name: member["sha256"]
        for name, member in manifest["members"].items()
        if name != "database.jsonl"
    }
    assert sorted(saved.values()) == sorted(files.values())


def test_a_restore_brings_back_every_row_every_file_and_the_same_search_answers(original, restored):
    before, after = original.snapshot(), restored.snapshot()
    # Jobs name their files by absolute path: the restore moved them into the new data dir.
    for job in before["tables"]["ingest.ingestjob"]:
        job["source"] = job["source"].replace(before["data_dir"], after["data_dir"])
    for label, rows in before["tables"].items():
        assert after["tables"][label] == rows, label
    assert set(after["tables"]) == set(before["tables"])

    assert restored.files() == original.files()
    for job in after["tables"]["ingest.ingestjob"]:
        assert Path(job["source"]).is_file(), job["source"]

    assert after["counts"] == before["counts"]
    assert all(after["counts"].values())
    assert after["indexed"] == before["indexed"]
    drift = json.loads(restored.manage("reconcile_index", "--dry-run", "--json").stdout)
    assert drift["missing"] == drift["stale"] == drift["extra"] == 0


def test_a_restore_refuses_a_database_with_content_unless_forced(restored, archive):
    result = restored.manage("restore", str(archive), check=False)
    assert result.returncode == 1
    assert "数据库不是空的" in result.stderr and "--force" in result.stderr

    before = restored.snapshot()
    result = restored.manage("restore", "--force", str(archive))
    assert "索引已重建" in result.stdout
    assert restored.snapshot() == before


def damaged_copy(archive: Path, target: Path) -> Path:
    """The archive with one original file's bytes changed, its manifest as it was."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for member in source:
            data = source.extractfile(member).read()
            if member.name.startswith("media/") and member.name.endswith(".txt"):
                data = data.replace("数据".encode(), "数椐".encode(), 1)
            copy.addfile(member, io.BytesIO(data))
    return target


@pytest.mark.parametrize("damage", ["changed file", "cut short"])
def test_a_damaged_archive_is_refused_and_nothing_is_changed(archive, tmp_path, damage):
    if damage == "changed file":
        broken = damaged_copy(archive, tmp_path / "changed.tar.gz")
        said = "备份内容与清单不符"
    else:
        broken = tmp_path / "cut.tar.gz"
        broken.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
        said = "备份文件无法读取"
    site = Site(tmp_path / "data")
    result = site.manage("restore", str(broken), check=False)
    assert result.returncode == 1
    assert said in result.stderr
    assert "Traceback" not in result.stderr
    counts = site.shell(
        "from policybase.catalog.models import Document, Clause;"
        "print(Document.objects.count(), Clause.objects.count())"
    )
    assert counts.split()[-2:] == ["0", "0"]
    assert site.files() == {}
    assert not list(site.data_dir.glob(".restore-*"))
