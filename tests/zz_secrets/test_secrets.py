"""At the end of the session: no key or token plaintext in any table or server log.

pytest runs this folder last, because it sorts after every other entry of
tests/. Two searches run over every column of every table (as text, with
Django's sessions decoded) and over the log of every server the session
started: for the exact plaintexts the session created through the
services, and for anything shaped like a key with a valid checksum, which
also finds keys that the servers created for the dashboards and the CLI.
"""

import datetime
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from jobriver.access import keys
from jobriver.crm.models import Lead
from tests.conftest import CREATED_SECRETS, SERVER_LOGS

KEY_SHAPE = re.compile(r"jr[av]_[0-9A-Za-z]{%d}" % (keys.RANDOM_LENGTH + keys.CHECKSUM_LENGTH))
SESSION_TABLE = "django_session"
# `jr`, any one character, then a literal underscore: the start of every key.
KEY_PREFIX_LIKE = "%jr_!_%"


def well_formed_keys(text: str) -> set[str]:
    """Return the substrings of `text` that are keys with a valid checksum."""
    return {
        found
        for found in KEY_SHAPE.findall(text)
        if keys.is_well_formed(found, keys.COMPANY_KEY_PREFIX) or keys.is_well_formed(found, keys.ADMIN_TOKEN_PREFIX)
    }


def leaks(text: str, secrets: set[str]) -> set[str]:
    return {secret for secret in secrets if secret in text} | well_formed_keys(text)


def _candidate_rows(cursor, table: str) -> tuple[list[str], list[tuple]]:
    """Return the column names and the rows of `table` in which some column contains `jr?_`.

    Every key starts with jrv_ or jra_, so the database filters the rows
    first: the tables of a whole session are too large to read into Python.
    The session table is read whole, because its data is encoded.
    """
    quoted_table = connection.ops.quote_name(table)
    columns = [column.name for column in connection.introspection.get_table_description(cursor, table)]
    if table == SESSION_TABLE:
        cursor.execute(f"SELECT * FROM {quoted_table}")
    else:
        condition = " OR ".join(
            f"CAST({connection.ops.quote_name(column)} AS TEXT) LIKE %s ESCAPE '!'" for column in columns
        )
        cursor.execute(f"SELECT * FROM {quoted_table} WHERE {condition}", [KEY_PREFIX_LIKE] * len(columns))
    return [column[0] for column in cursor.description], cursor.fetchall()


def table_texts():
    """Yield (table, column, text) for every column value of the rows that may contain a key."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns, rows = _candidate_rows(cursor, table)
            for row in rows:
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

    # Key prefixes (the first 8 characters) are stored, so rows do match the filter.
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


def test_search_finds_stored_key():
    # Runs after the scans above, and removes its row again.
    planted = keys.generate_key(keys.COMPANY_KEY_PREFIX)
    lead = Lead.objects.create(
        vorname="Geheim", nachname="Test", datum_eingang=datetime.date(2026, 2, 16), notizen=f"Schlüssel: {planted}"
    )
    try:
        found = {(table, column) for table, column, text in table_texts() if planted in leaks(text, set())}
    finally:
        lead.delete()

    assert found == {(Lead._meta.db_table, "notizen")}
