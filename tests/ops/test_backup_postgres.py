"""A backup moves between engines: the embedded default's backup restored into
PostgreSQL comes back whole, and PostgreSQL's backup restored into a fresh
SQLite data dir gives the same rows again."""

import pytest

from ..hardening.test_backup import CURATE, SAMPLE, Site
from .servers import missing_programs

MISSING = missing_programs()
pytestmark = [
    pytest.mark.servers,
    pytest.mark.skipif(bool(MISSING), reason="not installed: " + ", ".join(MISSING)),
]

WEBPAGE = SAMPLE / "004_webpage_data_elements_x_plan_traditional.txt"
NEWSLETTER = SAMPLE / "002_newsletter_dashuju_dongtai_2023_32.txt"


@pytest.fixture(scope="module")
def laptop(tmp_path_factory, classifier_file):
    """Two sample files, a curator's edits and an upload, on SQLite."""
    site = Site(tmp_path_factory.mktemp("laptop") / "data", classifier_file)
    site.manage("migrate", "--noinput")
    site.manage("ingest", str(WEBPAGE), str(NEWSLETTER))
    (site.data_dir / "inbox").mkdir()
    site.shell(f"UPLOAD = {WEBPAGE.read_bytes() + b' '!r}\n{CURATE}")
    return site


class StackSite(Site):
    """The Site helpers on a PostgreSQL deployment of tests/ops."""

    def __init__(self, stack):
        self.data_dir, self.env = stack.data_dir, stack.env


def same_rows(before: dict, after: dict):
    for job in before["tables"]["ingest.ingestjob"]:
        job["source"] = job["source"].replace(before["data_dir"], after["data_dir"])
    assert set(after["tables"]) == set(before["tables"])
    for label, rows in before["tables"].items():
        assert after["tables"][label] == rows, label
    assert after["counts"] == before["counts"] and sum(after["counts"].values()) > 0
    assert after["indexed"] == before["indexed"]


def test_sqlite_to_postgresql_and_back(laptop, stack_factory, tmp_path):
    before = laptop.snapshot()
    laptop.manage("backup", str(tmp_path / "laptop.tar.gz"))

    server = StackSite(stack_factory())
    result = server.manage("restore", str(tmp_path / "laptop.tar.gz"))
    assert "索引已重建" in result.stdout
    on_postgres = server.snapshot()
    same_rows(before, on_postgres)
    assert server.files() == laptop.files()
    # The sequences moved past the loaded ids: new rows get new ids.
    created = server.shell(
        "from policybase.catalog.models import Issuer; print(Issuer.objects.create(name='新机关').pk)"
    )
    assert int(created.split()[-1]) > max(row["id"] for row in before["tables"]["catalog.issuer"])

    server.manage("backup", str(tmp_path / "server.tar.gz"))
    again = Site(tmp_path / "again")
    again.manage("restore", str(tmp_path / "server.tar.gz"))
    on_postgres = server.snapshot()  # with the new issuer
    same_rows(on_postgres, again.snapshot())
    assert again.files() == laptop.files()
