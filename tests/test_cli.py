"""The `jobriver` command's company and key commands, run as a subprocess.

The subprocess inherits the test environment, so it uses the same database
and key-hash secret as the live server. A bad option or bad data must exit
with status 2 and exactly one line on stderr, never a traceback.
"""

import datetime
import os
import re
import subprocess
import sys
import uuid
import zoneinfo

import pytest
from django.db import connection
from django.utils import timezone

from jobriver.access import keys
from jobriver.access.models import ApiKey, KeyStatus
from jobriver.access.usage import usage_of
from jobriver.companies.models import Company
from tests.conftest import assert_error, make_client, next_source_address, start_server, stop_server

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
PLAINTEXT_LINE = re.compile(r"  (jrv_[0-9A-Za-z]{46})")


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "jobriver.cli", *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def assert_one_line_error(result: subprocess.CompletedProcess, text: str) -> str:
    """Assert exit status 2 and one line on stderr that contains `text`; return the line."""
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("jobriver")
    assert text in lines[0]
    return lines[0]


def _unique_name() -> str:
    return f"CLI Firma {uuid.uuid4().hex[:8]} GmbH"


@pytest.fixture
def cli_company(make_company) -> Company:
    return make_company(name=_unique_name(), job_limit=5, rate_limit=30)


def create_key(company: Company, *options: str) -> tuple[ApiKey, str]:
    """Create a key with `jobriver key create` and return its row and its plaintext."""
    stdout = assert_ok(run_cli("key", "create", "--company", company.slug, "--name", "CLI key", *options))
    plaintext = PLAINTEXT_LINE.search(stdout).group(1)
    return ApiKey.objects.get(key_hash=keys.hash_key(plaintext)), plaintext


# Usage errors: argparse rejects the arguments before Django starts.


@pytest.mark.parametrize(
    ("args", "text"),
    [
        ([], "the following arguments are required: COMMAND"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["company", "list", "--bogus"], "unrecognized arguments: --bogus"),
        (["company"], "the following arguments are required: ACTION"),
        (["company", "create"], "the following arguments are required: name"),
        (["company", "create", "X", "--job-limit", "0"], "'0' must be 1 or more"),
        (["company", "create", "X", "--job-limit", "abc"], "'abc' is not a whole number"),
        (["company", "create", "X", "--job-limit", "5", "--unlimited"], "not allowed with argument --job-limit"),
        (["company", "create", "X", "--rate-limit", "-1"], "'-1' must be 1 or more"),
        (["company", "show"], "the following arguments are required: company"),
        (["key", "create", "--company", "x"], "the following arguments are required: --name"),
        (["key", "create", "--name", "x"], "the following arguments are required: --company"),
        (["key", "create", "--company", "x", "--name", "n", "--rate-limit", "0"], "'0' must be 1 or more"),
        (["key", "show"], "the following arguments are required: KEY_ID"),
        (["key", "show", "0"], "'0' must be 1 or more"),
        (["key", "show", "abc"], "'abc' is not a whole number"),
        (["key", "revoke", "1.5"], "'1.5' is not a whole number"),
        (["key", "list", "--bogus"], "unrecognized arguments: --bogus"),
        (["serve", "--port", "abc"], "'abc' is not a whole number"),
        (["serve", "--port", "70000"], "'70000' must be at most 65535"),
        (["serve", "--workers", "0"], "'0' must be 1 or more"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_bad_option_one_line(args, text):
    assert_one_line_error(run_cli(*args), text)


def test_help_exits_zero():
    result = run_cli("key", "create", "--help")

    assert result.returncode == 0
    assert "--permissions" in result.stdout
    assert result.stderr == ""


def test_bad_port_variable_one_line():
    result = run_cli("serve", "--no-migrate", env={"JOBRIVER_PORT": "abc"})

    assert_one_line_error(result, "JOBRIVER_PORT: 'abc' is not a whole number")


def test_bad_port_variable_spares_others():
    result = run_cli("company", "list", env={"JOBRIVER_PORT": "abc"})

    assert_ok(result)


def test_bad_trusted_proxies_one_line():
    result = run_cli("company", "list", env={"JOBRIVER_TRUSTED_PROXIES": "10.0.0.0/8,proxy.example"})

    assert_one_line_error(result, "JOBRIVER_TRUSTED_PROXIES has invalid entries: 'proxy.example'.")


# Companies


def test_company_create_defaults():
    name = _unique_name()

    stdout = assert_ok(run_cli("company", "create", name))

    company = Company.objects.get(name=name)
    assert stdout == f"Created company {company.pk}: {name} (slug {company.slug})\n"
    assert company.job_limit is None
    assert company.rate_limit is None
    assert company.api_access_enabled is True


def test_company_create_options():
    name = _unique_name()

    assert_ok(run_cli("company", "create", name, "--job-limit", "5", "--rate-limit", "30", "--no-api-access"))

    company = Company.objects.get(name=name)
    assert company.job_limit == 5
    assert company.rate_limit == 30
    assert company.api_access_enabled is False


@pytest.mark.parametrize("option", ["--job-limit", "--rate-limit"])
def test_company_limit_above_32_bits(option):
    name = _unique_name()

    result = run_cli("company", "create", name, option, "2147483648")

    field = option.removeprefix("--").replace("-", "_")
    assert_one_line_error(result, f"{field}: Ensure this value is less than or equal to 2147483647.")
    assert not Company.objects.filter(name=name).exists()


def test_company_create_unlimited():
    name = _unique_name()

    assert_ok(run_cli("company", "create", name, "--unlimited"))

    assert Company.objects.get(name=name).job_limit is None


def test_company_same_name_new_slug():
    name = _unique_name()
    assert_ok(run_cli("company", "create", name))

    assert_ok(run_cli("company", "create", name))

    slugs = sorted(Company.objects.filter(name=name).values_list("slug", flat=True))
    assert slugs == [slugs[0], f"{slugs[0]}-2"]


def test_company_empty_name_one_line():
    assert_one_line_error(run_cli("company", "create", "   "), "a company needs a name")


def test_company_long_name_one_line():
    assert_one_line_error(run_cli("company", "create", "x" * 201), "name: Ensure this value has at most 200 characters")


def test_company_list_row(cli_company):
    stdout = assert_ok(run_cli("company", "list"))

    rows = [line.split() for line in stdout.splitlines()]
    assert rows[0] == ["ID", "SLUG", "JOB", "LIMIT", "RATE", "API", "NAME"]
    assert [str(cli_company.pk), cli_company.slug, "5", "30", "on", *cli_company.name.split()] in rows


@pytest.mark.parametrize("reference", ["id", "slug"])
def test_company_show(cli_company, make_key, make_job, reference):
    make_job(make_key(cli_company))
    value = str(cli_company.pk) if reference == "id" else cli_company.slug

    stdout = assert_ok(run_cli("company", "show", value))

    assert stdout.splitlines() == [
        f"id:            {cli_company.pk}",
        f"name:          {cli_company.name}",
        f"slug:          {cli_company.slug}",
        "job limit:     5 (1 active)",
        "rate limit:    30",
        "API access:    enabled",
        "API keys:      1",
    ]


@pytest.mark.parametrize("reference", ["no-such-company", "999999999", "99999999999999999999", "²"])
def test_company_show_unknown(reference):
    assert_one_line_error(run_cli("company", "show", reference), f"no company with id or slug {reference!r}")


# Keys: create


def test_key_create_prints_plaintext(cli_company):
    result = run_cli("key", "create", "--company", cli_company.slug, "--name", "CLI key")

    stdout = assert_ok(result)
    plaintext = PLAINTEXT_LINE.search(stdout).group(1)
    key = ApiKey.objects.get(key_hash=keys.hash_key(plaintext))
    assert stdout.splitlines() == [
        f"Created API key {key.pk} ({plaintext[:8]}…) for {cli_company.name}.",
        "The key is shown only now; store it safely:",
        f"  {plaintext}",
    ]
    assert keys.is_well_formed(plaintext, keys.COMPANY_KEY_PREFIX)
    assert key.prefix == plaintext[:8]
    assert key.permissions == ["read"]
    assert key.ip_allowlist == []
    assert key.expires_at is None
    assert key.rate_limit is None


def test_key_plaintext_not_stored(cli_company):
    _key, plaintext = create_key(cli_company)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(ApiKey._meta.db_table)}")
        dump = "\n".join(str(value) for row in cursor.fetchall() for value in row)

    assert plaintext not in dump
    assert plaintext[8:] not in dump


def test_key_create_by_company_id(cli_company):
    stdout = assert_ok(run_cli("key", "create", "--company", str(cli_company.pk), "--name", "By id"))

    plaintext = PLAINTEXT_LINE.search(stdout).group(1)
    assert ApiKey.objects.get(key_hash=keys.hash_key(plaintext)).company_id == cli_company.pk


def test_key_create_options(cli_company):
    key, _plaintext = create_key(
        cli_company,
        "--permissions",
        "delete, read,create",
        "--ip",
        "10.1.2.3/8",
        "--ip",
        "2001:DB8::/32",
        "--expires",
        "2030-01-31",
        "--rate-limit",
        "30",
    )

    assert key.permissions == ["read", "create", "delete"]
    assert key.ip_allowlist == ["10.0.0.0/8", "2001:db8::/32"]
    assert key.expires_at == datetime.datetime(2030, 1, 31, 23, 59, 59, tzinfo=BERLIN)
    assert key.rate_limit == 30


def test_key_create_expiry_with_offset(cli_company):
    key, _plaintext = create_key(cli_company, "--expires", "2030-06-30T18:00:00+02:00")

    assert key.expires_at == datetime.datetime(2030, 6, 30, 16, 0, tzinfo=datetime.UTC)


def test_created_key_works(client_for, cli_company):
    _key, plaintext = create_key(cli_company, "--permissions", "read,create")

    response = client_for(plaintext).get("/status")

    assert response.status_code == 200
    assert response.json()["data"]["key"]["permissions"] == ["read", "create"]
    assert response.json()["data"]["company"]["id"] == cli_company.pk


@pytest.mark.parametrize(
    ("options", "text"),
    [
        (["--permissions", "read,publish"], "permissions: Unknown permissions: publish. Allowed: read, create, update, delete."),
        (["--ip", "nonsense"], "ip_allowlist: nonsense is not a valid IPv4 or IPv6 address or CIDR network."),
        (["--expires", "31.01.2030"], "--expires: '31.01.2030' is not YYYY-MM-DD or an ISO 8601 date-time"),
        (["--expires", "2030-01-31T18:00:00"], "--expires: '2030-01-31T18:00:00' needs a UTC offset"),
        (["--expires", "2020-01-31"], "--expires: '2020-01-31' is in the past"),
        (["--rate-limit", "99999999999999999999"], "rate_limit: The rate limit must be at most 2147483647"),
    ],
    ids=["permission", "ip", "expiry-format", "expiry-offset", "expiry-past", "rate-limit"],
)
def test_key_create_bad_data(cli_company, options, text):
    before = ApiKey.objects.filter(company=cli_company).count()

    result = run_cli("key", "create", "--company", cli_company.slug, "--name", "CLI key", *options)

    assert_one_line_error(result, text)
    assert ApiKey.objects.filter(company=cli_company).count() == before


@pytest.mark.parametrize(
    ("name", "text"),
    [("   ", "name: A name is required."), ("x" * 101, "name: The name may have at most 100 characters.")],
    ids=["blank", "too-long"],
)
def test_key_create_bad_name(cli_company, name, text):
    result = run_cli("key", "create", "--company", cli_company.slug, "--name", name)

    assert_one_line_error(result, text)


def test_key_create_unknown_company():
    result = run_cli("key", "create", "--company", "no-such-company", "--name", "CLI key")

    assert_one_line_error(result, "no company with id or slug 'no-such-company'")


# Keys: list and show


def test_key_list_filters_company(cli_company, make_company):
    other = make_company(name=_unique_name())
    own_key, _plaintext = create_key(cli_company)
    other_key, _plaintext = create_key(other)

    everything = assert_ok(run_cli("key", "list"))
    filtered = assert_ok(run_cli("key", "list", "--company", cli_company.slug))

    assert own_key.prefix in everything
    assert other_key.prefix in everything
    assert own_key.prefix in filtered
    assert other_key.prefix not in filtered
    assert filtered.splitlines()[0].split() == ["ID", "PREFIX", "STATUS", "PERMISSIONS", "EXPIRES", "COMPANY", "NAME"]


def test_key_list_row(cli_company):
    key, _plaintext = create_key(cli_company, "--permissions", "read,update", "--expires", "2030-02-01T00:30:00+01:00")

    stdout = assert_ok(run_cli("key", "list", "--company", cli_company.slug))

    row = [line.split() for line in stdout.splitlines() if key.prefix in line]
    # The expiry is 2030-01-31 in UTC, but the list shows the platform time zone's date.
    assert row == [[str(key.pk), key.prefix, "active", "read,update", "2030-02-01", str(cli_company.pk), "CLI", "key"]]


def test_key_list_without_permissions(cli_company):
    key, _plaintext = create_key(cli_company, "--permissions", "")

    stdout = assert_ok(run_cli("key", "list", "--company", cli_company.slug))

    row = [line.split() for line in stdout.splitlines() if key.prefix in line]
    assert key.permissions == []
    assert row == [[str(key.pk), key.prefix, "active", "-", "-", str(cli_company.pk), "CLI", "key"]]


def test_key_show_details(client_for, cli_company):
    key, plaintext = create_key(cli_company, "--ip", "127.0.0.0/8")
    source = next_source_address()
    assert client_for(plaintext, source=source).get("/status").status_code == 200
    usage = usage_of(credential=key, today=timezone.localdate())

    stdout = assert_ok(run_cli("key", "show", str(key.pk)))

    assert stdout.splitlines() == [
        f"id:            {key.pk}",
        "name:          CLI key",
        f"prefix:        {key.prefix}",
        f"company:       {cli_company.name} ({cli_company.pk})",
        "status:        active",
        "permissions:   read",
        "IP allow-list: 127.0.0.0/8",
        "expires:       never",
        "rate limit:    company or platform default",
        f"created:       {key.created_at.isoformat()}",
        f"last used:     {usage.last_used_at.isoformat()} from {source}",
        "requests:      1",
    ]


def test_key_show_never_used(cli_company):
    key, _plaintext = create_key(cli_company)

    stdout = assert_ok(run_cli("key", "show", str(key.pk)))

    assert "last used:     never" in stdout.splitlines()


@pytest.mark.parametrize("action", ["show", "deactivate", "activate", "revoke"])
def test_key_action_unknown_id(action):
    assert_one_line_error(run_cli("key", action, "999999999"), "no API key with id 999999999")


# Keys: state changes reach the live server at once


def _assert_every_request(server_url: str, plaintext: str, status: int, code: str | None = None) -> None:
    """Send several requests, each on a new connection and from a new address, so that both workers serve some."""
    for _ in range(6):
        with make_client(server_url, key=plaintext) as client:
            response = client.get("/jobs")
        if code is None:
            assert response.status_code == status, response.text
        else:
            assert_error(response, status, code)


def test_key_deactivate_and_activate(server_url, cli_company):
    key, plaintext = create_key(cli_company)
    _assert_every_request(server_url, plaintext, 200)

    stdout = assert_ok(run_cli("key", "deactivate", str(key.pk)))

    assert stdout == f"API key {key.pk} ({key.prefix}…) deactivated.\n"
    _assert_every_request(server_url, plaintext, 403, "API_KEY_INACTIVE")

    stdout = assert_ok(run_cli("key", "activate", str(key.pk)))

    assert stdout == f"API key {key.pk} ({key.prefix}…) reactivated.\n"
    _assert_every_request(server_url, plaintext, 200)


def test_key_revoke(server_url, cli_company):
    key, plaintext = create_key(cli_company)
    _assert_every_request(server_url, plaintext, 200)

    stdout = assert_ok(run_cli("key", "revoke", str(key.pk)))

    assert stdout == f"API key {key.pk} ({key.prefix}…) revoked.\n"
    key.refresh_from_db()
    assert key.status == KeyStatus.REVOKED
    assert key.revoked_at is not None
    _assert_every_request(server_url, plaintext, 403, "API_KEY_REVOKED")


@pytest.mark.parametrize("action", ["activate", "deactivate"])
def test_revoked_key_stays_revoked(cli_company, action):
    key, _plaintext = create_key(cli_company)
    assert_ok(run_cli("key", "revoke", str(key.pk)))

    result = run_cli("key", action, str(key.pk))

    assert_one_line_error(result, "status: A revoked key cannot be used again. Create a new one.")
    key.refresh_from_db()
    assert key.status == KeyStatus.REVOKED


# Serve


def test_serve_prints_ipv6_url():
    try:
        process, base_url, log_path = start_server(workers=1, host="::1", log_name="server-cli-ipv6")
    except OSError as error:
        pytest.skip(f"cannot serve on ::1: {error}")
    stop_server(process)

    first_line = log_path.read_text().splitlines()[0]

    assert first_line == f"Jobriver serves on {base_url}/api/v1/ with 1 worker(s)"
    assert base_url.startswith("http://[::1]:")
