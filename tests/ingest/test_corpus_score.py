"""Ingestion of real documents as published, measured by the shared scorer
(../shared/corpus/score.py) over every sub-corpus: a regression guard at the
figures issue 22 reached (fields 0.998, documents found 0.991, no extra
documents). It runs `manage.py ingest --dry-run --json` on 212 documents."""

import json
import subprocess
import sys

import pytest

from ..conftest import REPO

SCORER = REPO.parent / "shared" / "corpus" / "score.py"
MIN_FIELDS = 0.997
MIN_FOUND = 0.99

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SCORER.exists(), reason="needs ../shared/corpus"),
]


def test_real_documents_score_at_least_what_issue_22_reached(tmp_path):
    done = subprocess.run(
        [sys.executable, str(SCORER), "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1200,
        env={"POLICYBASE_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    per_corpus = {c["corpus"]: c for c in figures["corpora"]}
    assert set(per_corpus) >= {"gov", "lawrefbook"}
    assert figures["fields"] >= MIN_FIELDS, per_corpus
    assert figures["found"] >= MIN_FOUND, per_corpus
    assert sum(c["extra"] for c in figures["corpora"]) == 0
    assert "Traceback" not in done.stderr
