"""The fields of a credential's usage hash in Redis, and their encoding.

`requests_total`, `jobs_created`: absolute counts. `last_used_at`: epoch
microseconds, `last_used_ip`: the address of that use. `day:YYYY-MM-DD`:
requests on that calendar day in TIME_ZONE. `version`: incremented by every
change, so a flush can tell whether the hash changed while it was written.
"""

import datetime

# How long a usage hash stays in Redis once the database row contains all
# of its counts. A missing hash is seeded again from the row.
CLEAN_USAGE_TTL_SECONDS = 3600

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
ONE_MICROSECOND = datetime.timedelta(microseconds=1)
DAY_FIELD_PREFIX = "day:"


def to_microseconds(moment: datetime.datetime) -> int:
    return (moment - EPOCH) // ONE_MICROSECOND


def from_microseconds(value: int) -> datetime.datetime:
    return EPOCH + value * ONE_MICROSECOND


def day_field(day: datetime.date) -> str:
    return f"{DAY_FIELD_PREFIX}{day.isoformat()}"


def parse_day_field(field: str) -> datetime.date | None:
    """Return the day of a `day:` field, or None for the other fields."""
    if not field.startswith(DAY_FIELD_PREFIX):
        return None
    return datetime.date.fromisoformat(field[len(DAY_FIELD_PREFIX) :])
