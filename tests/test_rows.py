"""RowLookup: one model instance by one column, as a queryset would build it."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from jobriver.access.models import ApiKey
from jobriver.rows import RowLookup

pytestmark = pytest.mark.django_db

KEY_BY_HASH = RowLookup(ApiKey, by="key_hash")
USAGE_BY_ID = RowLookup(ApiKey, by="id", fields=["id", "requests_total", "last_used_at"])


@pytest.fixture
def key(make_key):
    issued = make_key(permissions=["read", "create"], ip_allowlist=["10.0.0.0/8"])
    ApiKey.objects.filter(pk=issued.credential.pk).update(
        requests_total=7, last_used_at=datetime.datetime(2026, 12, 4, 9, 30, tzinfo=datetime.UTC)
    )
    return ApiKey.objects.get(pk=issued.credential.pk)


def test_lookup_equals_orm_instance(key):
    found = KEY_BY_HASH.get(key.key_hash)

    assert found.pk == key.pk
    assert found.company_id == key.company_id
    assert found.permissions == ["read", "create"]
    assert found.ip_allowlist == ["10.0.0.0/8"]
    assert found.last_used_at == datetime.datetime(2026, 12, 4, 9, 30, tzinfo=datetime.UTC)
    assert found.created_at == key.created_at
    assert found.requests_total == 7


def test_lookup_unknown_value_is_none(key):
    assert KEY_BY_HASH.get("0" * 64) is None


def test_lookup_defers_fields_left_out(key):
    with CaptureQueriesContext(connection) as queries:
        found = USAGE_BY_ID.get(key.pk)
        requests_total = found.requests_total
    assert requests_total == 7
    assert len(queries) == 1

    with CaptureQueriesContext(connection) as queries:
        name = found.name
    assert name == "Test key"
    assert len(queries) == 1


def test_lookup_for_update_locks(key):
    lookup = RowLookup(ApiKey, by="id", fields=["id", "jobs_created"], for_update=True)

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        found = lookup.get(key.pk)

    assert found.pk == key.pk
    assert found.jobs_created == 0
    (query,) = queries.captured_queries
    assert query["sql"].endswith(" FOR UPDATE") == connection.features.has_select_for_update
