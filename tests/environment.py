"""Pytest plugin loaded before Django: points the settings at a throw-away data folder.

The test process and the live server it starts share the same database, the
same data folder and the same SECRET_KEY, so that keys created by the tests
hash to what the server looks up.
"""

import os
import secrets
import tempfile

os.environ.setdefault("JOBRIVER_DATA_DIR", tempfile.mkdtemp(prefix="jobriver-test-"))
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("JOBRIVER_LOG_LEVEL", "WARNING")
# Keys of a new session's database reuse the ids of earlier sessions, so
# each session keeps its counters under its own prefix in a shared Redis.
os.environ.setdefault("JOBRIVER_REDIS_PREFIX", f"jobriver-test-{secrets.token_hex(4)}:")
