"""`jobriver createsuperuser` without prompts, as a deployment script runs it."""

import os
import subprocess
import sys

from django.contrib.auth import get_user_model


def _jobriver(*arguments: str, password: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SUPERUSER_PASSWORD": password}
    return subprocess.run(
        [sys.executable, "-m", "jobriver.cli", *arguments], env=env, capture_output=True, text=True, timeout=120
    )


def test_createsuperuser_noinput(unique):
    username = f"chef-{unique}"

    result = _jobriver(
        "createsuperuser", "--noinput", "--username", username, "--email", f"{username}@example.org", password="S3hr-geheim!"
    )

    assert result.returncode == 0, result.stderr
    user = get_user_model().objects.get(username=username)
    assert user.is_superuser
    assert user.is_staff
    assert user.check_password("S3hr-geheim!")


def test_manage_createsuperuser_noinput(unique):
    username = f"chefin-{unique}"

    result = _jobriver(
        "manage", "createsuperuser", "--noinput", "--username", username, "--email", "chefin@example.org",
        password="S3hr-geheim!",
    )

    assert result.returncode == 0, result.stderr
    user = get_user_model().objects.get(username=username)
    assert user.is_superuser
    assert user.check_password("S3hr-geheim!")
