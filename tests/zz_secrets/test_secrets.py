"""At the end of the session: no key or token plaintext in any table or server log.

pytest runs this folder last, because it sorts after every other entry of
tests/. Two searches run over every column of every table (as text, with
Django's sessions decoded) and over the log of every server the session
started: for the exact plaintexts the session created through the
services, and for anything shaped like a key with a valid checksum, which
also finds keys that the servers created for the dashboards and the CLI.
"""

import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from jobriver.access import keys
from tests.conftest import CREATED_SECRETS, SERVER_LOGS

KEY_SHAPE = re.compile(r"jr[av]_[0-9A-Za-z]{%d}" % (keys.RANDOM_LENGTH + keys.CHECKSUM_LENGTH))
SESSION_TABLE = "django_session"


def well_formed_keys(text: str) -> set[str]:
    """Return the substrings of `text` that are keys with a valid checksum."""
    return {
        found
        for found in KEY_SHAPE.findall(text)
        if keys.is_well_formed(found, keys.COMPANY_KEY_PREFIX) or keys.is_well_formed(found, keys.ADMIN_TOKEN_PREFIX)
    }


def leaks(text: str, secrets: set[str]) -> set[str]:
    return {secret for secret in secrets if secret in text} | well_formed_keys(text)


def table_texts():
    """Yield (table, column, text) for every column value of every table."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    text = value.decode("utf-8", "replace") if isinstance(value, (bytes, memoryview)) else str(value)
                    if table == SESSION_TABLE and column == "session_data":
                        # Session data is signed and base64-encoded, so a plaintext in it is not visible as text.
                        text += str(SessionStore().decode(text))
                    yield table, column, text


@pytest.fixture(scope="module")
def secrets() -> set[str]:
    if not CREATED_SECRETS:
        pytest.skip("no test of this session created a key or token")
    return set(CREATED_SECRETS)


def test_recorded_secrets_are_keys(secrets):
    for secret in secrets:
        assert keys.is_well_formed(secret, secret[:4]), secret[:8]


def test_search_finds_keys():
    company_key = keys.generate_key(keys.COMPANY_KEY_PREFIX)
    admin_token = keys.generate_key(keys.ADMIN_TOKEN_PREFIX)
    mistyped = company_key[:-1] + ("A" if company_key[-1] != "A" else "B")

    assert leaks(f'"X-API-Key: {company_key}"', set()) == {company_key}
    assert leaks(f"token={admin_token}&", set()) == {admin_token}
    assert leaks(f"{mistyped} only", set()) == set()
    assert leaks(f"{mistyped} only", {mistyped}) == {mistyped}


def test_no_secret_in_database(secrets):
    found = []
    cells = 0

    for table, column, text in table_texts():
        cells += 1
        for secret in leaks(text, secrets):
            found.append((table, column, secret[:8]))

    assert cells > 0
    assert found == []


def test_no_secret_in_logs(secrets):
    found = []
    existing = [path for path in SERVER_LOGS if path.exists()]

    for path in existing:
        text = path.read_bytes().decode("utf-8", "replace")
        for secret in leaks(text, secrets):
            found.append((path.name, secret[:8]))

    assert existing, "no server log was written"
    assert found == []
