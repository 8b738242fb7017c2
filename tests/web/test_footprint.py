"""What the web process loads: it serves search and the admin, it does not
classify or read files, so the libraries of ingestion stay out of its memory
(scikit-learn and SciPy alone are ~60 MB resident, a fifth of the 300 MB the
web process may use at 300k clauses; bench/RESULTS.md)."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Everything a web worker imports before its first request: the WSGI module
# gunicorn loads (settings, every app with its admin), then the URLconf with
# every view.
PROBE = """
import json, sys
import policybase.wsgi
from django.urls import resolve
resolve("/")
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_web_process_does_not_load_the_classifier_libraries(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "policybase.settings"}
    env["POLICYBASE_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(result.stdout.splitlines()[-1]))
    assert "django" in loaded and "haystack" in loaded  # the probe did load the site
    assert not loaded & {"sklearn", "scipy"}
