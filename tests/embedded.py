"""A data dir of the embedded default (SQLite + Tantivy, no Redis), driven
through manage.py in processes of its own: what a command leaves behind in its
process (a failed index write, a restored database) stays out of the tests'."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import REPO


class EmbeddedSite:
    def __init__(self, data_dir: Path, classifier: Path | None = None):
        data_dir.mkdir(parents=True, exist_ok=True)
        if classifier:
            shutil.copy(classifier, data_dir / "classifier.joblib")
        self.data_dir = data_dir
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "policybase.settings",
                    "POLICYBASE_DATA_DIR": str(data_dir)}  # fmt: skip
        for name in ("DATABASE_URL", "REDIS_URL"):
            self.env.pop(name, None)

    def manage(self, *args, timeout=900, check=True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=REPO, env=self.env, capture_output=True,
            text=True, timeout=timeout, check=check,
        )  # fmt: skip

    def shell(self, code: str, timeout=900) -> str:
        """What ``code`` printed in a Django shell."""
        return self.manage("shell", "-c", code, timeout=timeout).stdout
