"""Company users: the service, `jobriver user create` and the demo user of `jobriver demo`."""

import io
import os
import re
import subprocess
import sys

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import translation

from jobriver.cli import main
from jobriver.dashboard.services import company_user_create
from jobriver.demo import demo_user_reset
from tests.conftest import start_server, stop_server

DEMO_TIMEOUT = 120  # seconds, migrations included


def test_service_creates_member(make_company, unique):
    company = make_company()

    user = company_user_create(company=company, username=f"anna-{unique}", email=" Anna@Example.COM ", password="Sicher-2024!x")

    assert user.company_membership.company == company
    assert user.email == "Anna@example.com"
    assert user.check_password("Sicher-2024!x")
    assert not user.is_staff


def test_service_rejects_taken_username(make_company, unique):
    company = make_company()
    company_user_create(company=company, username=f"taken-{unique}", email="a@example.com", password="Sicher-2024!x")

    with pytest.raises(ValidationError) as raised:
        company_user_create(company=company, username=f"taken-{unique}", email="b@example.com", password="Sicher-2024!x")

    with translation.override("en"):
        assert raised.value.message_dict == {"username": ["A user with that username already exists."]}


def test_service_rejects_weak_password(make_company, unique):
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        company_user_create(company=make_company(), username=f"weak-{unique}", email="w@example.com", password="12345678")

    # A random username can also make the password "too similar", so check inclusion.
    messages = raised.value.message_dict["password"]
    assert "This password is too common." in messages
    assert "This password is entirely numeric." in messages
    assert not get_user_model().objects.filter(username=f"weak-{unique}").exists()


def test_service_needs_email(make_company, unique):
    with pytest.raises(ValidationError) as raised:
        company_user_create(company=make_company(), username=f"mail-{unique}", email="  ", password="Sicher-2024!x")

    assert list(raised.value.message_dict) == ["email"]


def test_cli_generates_password(make_company, unique, capsys):
    company = make_company()

    status = main(["user", "create", "--company", company.slug, "--username", f"cli-{unique}", "--email", "c@example.com"])

    output = capsys.readouterr().out
    password = re.search(r"^  (\S+)$", output, re.MULTILINE).group(1)
    user = get_user_model().objects.get(username=f"cli-{unique}")
    assert status == 0
    assert f"({user.username}) for {company.name}" in output
    assert user.check_password(password)
    assert user.company_membership.company == company


def test_cli_reads_password_stdin(make_company, unique, capsys, monkeypatch):
    company = make_company()
    monkeypatch.setattr(sys, "stdin", io.StringIO("Aus-der-Pipe-2024!\n"))

    status = main(
        ["user", "create", "--company", str(company.pk), "--username", f"pipe-{unique}", "--email", "p@example.com", "--password-stdin"]
    )

    output = capsys.readouterr().out
    assert status == 0
    assert "Aus-der-Pipe" not in output
    assert get_user_model().objects.get(username=f"pipe-{unique}").check_password("Aus-der-Pipe-2024!")


def test_cli_reports_errors(make_company, unique, capsys, monkeypatch):
    company = make_company()
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))

    empty = main(["user", "create", "--company", company.slug, "--username", f"e-{unique}", "--email", "e@example.com", "--password-stdin"])
    empty_error = capsys.readouterr().err
    unknown = main(["user", "create", "--company", f"no-such-{unique}", "--username", f"u-{unique}", "--email", "u@example.com"])
    unknown_error = capsys.readouterr().err

    assert empty == 2
    assert empty_error == "jobriver: error: --password-stdin: standard input has no password on its first line\n"
    assert unknown == 2
    assert f"no company with id or slug 'no-such-{unique}'" in unknown_error


def test_demo_user_reset(make_company, unique):
    company = make_company()

    first = demo_user_reset(company=company, username=f"demo-{unique}")
    second = demo_user_reset(company=company, username=f"demo-{unique}")

    user = get_user_model().objects.get(username=f"demo-{unique}")
    assert first != second
    assert user.check_password(second)
    assert user.company_membership.company == company


def test_demo_user_leaves_foreign_account(make_company, unique):
    other = company_user_create(
        company=make_company(), username=f"demo-{unique}", email="o@example.com", password="Sicher-2024!x"
    )

    password = demo_user_reset(company=make_company(), username=f"demo-{unique}")

    other.refresh_from_db()
    assert password is None
    assert other.check_password("Sicher-2024!x")


def test_demo_prints_working_sign_in(tmp_path):
    # DATABASE_URL is set explicitly because start_server copies this process's
    # environment, which names PostgreSQL in the PostgreSQL run.
    data_dir = tmp_path / "data"
    env = {**os.environ, "JOBRIVER_DATA_DIR": str(data_dir), "DATABASE_URL": f"sqlite:///{data_dir / 'jobriver.sqlite3'}"}
    subprocess.run([sys.executable, "-m", "jobriver.cli", "demo"], env=env, check=True, capture_output=True, timeout=DEMO_TIMEOUT)
    process, base_url, _log = start_server(extra_env=env, log_name="demo-dashboard")
    try:
        port = base_url.rsplit(":", 1)[1]
        result = subprocess.run(
            [sys.executable, "-m", "jobriver.cli", "demo", "--port", port],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=DEMO_TIMEOUT,
        )
        match = re.search(r"The company dashboard: (\S+)\n  username demo, password (\S+) ", result.stdout)
        with httpx.Client(timeout=30) as client:
            sign_in_page = client.get(f"{match.group(1)}sign-in/")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', sign_in_page.text).group(1)
            response = client.post(
                f"{match.group(1)}sign-in/",
                data={"username": "demo", "password": match.group(2), "csrfmiddlewaretoken": token},
            )
            overview = client.get(f"{base_url}/dashboard/")
    finally:
        stop_server(process)

    assert match.group(1) == f"{base_url}/dashboard/"
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard/"
    assert overview.status_code == 200
    assert "Jobriver Demo GmbH" in overview.text
