"""The model a data dir's processes classify with: trained once on first use,
however many processes find it missing at once (issue 26), and a clear job
error when there is none to be had."""

import json
import os
import subprocess
import sys
import time

import pytest
from sklearn.model_selection import train_test_split

from ingest.classify.data import load_labeled
from ingest.jobs import create_job, run_ingest_job
from ingest.models import IngestJob

from ..conftest import REPO, seed_path

TSV = REPO / "data" / "labeled_clauses.tsv"
# Each child waits for the go file, then asks for the model: all at once, as
# the four pool processes of a fresh worker do with their first jobs.
FIRST_USE = """
import json, os, sys, time
from pathlib import Path
import django
django.setup()
from django.conf import settings
settings.SEED_CLAUSES = Path(sys.argv[1])
from ingest.categorize import get_classifier
while not os.path.exists(sys.argv[2]):
    time.sleep(0.005)
print(json.dumps(get_classifier().metadata))
"""


@pytest.fixture(scope="module")
def small_seed(tmp_path_factory):
    """600 seed clauses, every category in proportion: trained in seconds."""
    texts, labels = load_labeled(TSV)
    texts, _, labels, _ = train_test_split(
        texts, labels, train_size=600, stratify=labels, random_state=0
    )
    path = tmp_path_factory.mktemp("seed") / "seed.tsv"
    path.write_text("".join(f"{t}\t{label}\n" for t, label in zip(texts, labels, strict=True)))
    return path


def test_processes_that_find_no_model_at_once_train_it_once(tmp_path, small_seed):
    data_dir = tmp_path / "data"
    go = tmp_path / "go"
    env = {**os.environ, "POLICYBASE_DATA_DIR": str(data_dir),
           "DJANGO_SETTINGS_MODULE": "policybase.settings"}  # fmt: skip
    children = [
        subprocess.Popen(
            [sys.executable, "-c", FIRST_USE, str(small_seed), str(go)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for _ in range(4)
    ]
    time.sleep(3)  # Django set up in each
    go.touch()
    outcomes = [child.communicate(timeout=300) for child in children]

    assert [child.returncode for child in children] == [0, 0, 0, 0], outcomes
    trainings = sum(stderr.count("training a classifier") for _, stderr in outcomes)
    assert trainings == 1
    # All four classify with the one model that was written, and no writer's
    # temporary file is left behind.
    models = {stdout for stdout, _ in outcomes}
    assert len(models) == 1 and json.loads(models.pop())["n_samples"] == 600
    held = sorted(p.name for p in data_dir.iterdir() if "classifier" in p.name)
    assert held == ["classifier.joblib", "classifier.joblib.lock"]


def test_without_a_model_or_seed_data_the_job_fails_saying_so(db, settings, tmp_path):
    settings.CLASSIFIER_PATH = tmp_path / "classifier.joblib"
    settings.SEED_CLAUSES = tmp_path / "no-seed.tsv"
    source = tmp_path / "page.txt"
    source.write_bytes(seed_path("004_webpage_data_elements_x_plan_traditional.txt").read_bytes())

    job = run_ingest_job(create_job(source).pk)

    assert job.state == IngestJob.State.FAILED
    assert "没有可用的分类模型" in job.message and "no-seed.tsv" in job.message
    assert job.finished is not None
    assert not job.documents.exists()
