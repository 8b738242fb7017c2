"""Settings for the test suite: everything in a fresh temporary data dir, never var/."""

import os
import tempfile

os.environ["POLICYBASE_DATA_DIR"] = tempfile.mkdtemp(prefix="policybase-test-")
os.environ.pop("DATABASE_URL", None)
os.environ.pop("REDIS_URL", None)

from .settings import *  # noqa: E402, F403

# Hashing passwords slowly only costs test time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
