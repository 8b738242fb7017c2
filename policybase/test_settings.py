"""Settings for the test suite: everything in a fresh temporary data dir, never var/."""

import atexit
import os
import shutil
import tempfile

_data_dir = tempfile.mkdtemp(prefix="policybase-test-")
atexit.register(shutil.rmtree, _data_dir, ignore_errors=True)
os.environ["POLICYBASE_DATA_DIR"] = _data_dir
os.environ.pop("DATABASE_URL", None)
os.environ.pop("REDIS_URL", None)

from .settings import *  # noqa: E402, F403

# Hashing passwords slowly only costs test time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
