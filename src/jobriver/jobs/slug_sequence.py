"""Slugs of new jobs, handed out by a sequence per slug base.

Advancing a base's `JobSlugSequence` row is one statement, so a create
costs the same however many jobs share its title's base. The slugs in use
are read only when the next slug turns out to be taken.
"""

import re

from django.db import connection
from django.db.models import Q

from jobriver.jobs.models import Job, JobSlugSequence

# A numeric tail of one to nine digits, without a leading zero, counts as a
# suffix, so every value fits JobSlugSequence.last_suffix (at most 2**31 - 1
# on PostgreSQL). A longer tail, as in a title with a long number, is only
# part of the base. Migration 0004 uses the same rule.
SUFFIX_PATTERN = r"[1-9][0-9]{0,8}"


def job_slug(base: str, suffix: int) -> str:
    """Return the slug of `base` with `suffix`: `base` for 1, `base-n` otherwise."""
    return base if suffix == 1 else f"{base}-{suffix}"


def slug_sequence_advance(base: str, *, at_least: int = 1) -> int:
    """Advance the base's sequence to its next value, or to `at_least` if that is larger; return the new value.

    A base without a row starts at `at_least`. The upsert needs SQLite 3.35
    or later (RETURNING) or PostgreSQL. On PostgreSQL it keeps the row locked
    until the caller's transaction ends, so concurrent creates of one base
    take their values one after another and never get the same one. On
    SQLite, the IMMEDIATE transactions serialise every writer anyway.
    """
    quote = connection.ops.quote_name
    table, base_column, suffix_column = quote(JobSlugSequence._meta.db_table), quote("base"), quote("last_suffix")
    sql = (
        f"INSERT INTO {table} ({base_column}, {suffix_column}) VALUES (%s, %s) "
        f"ON CONFLICT ({base_column}) DO UPDATE SET {suffix_column} = CASE "
        f"WHEN {table}.{suffix_column} + 1 > excluded.{suffix_column} THEN {table}.{suffix_column} + 1 "
        f"ELSE excluded.{suffix_column} END "
        f"RETURNING {suffix_column}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [base, at_least])
        return cursor.fetchone()[0]


def slug_highest_suffix(base: str) -> int:
    """Return the highest suffix of `base` among the jobs' slugs: 1 for `base` alone, 0 if neither exists.

    It reads every slug that starts with `base-` through the slug index, so
    its cost grows with the jobs of the base.
    """
    if connection.vendor == "sqlite":
        # SQLite's LIKE folds case and so cannot use the index. Slugs are
        # lower-case ASCII, so those that start with "base-" are exactly the
        # ones from "base-" up to "base." ("." follows "-" in ASCII).
        family = Q(slug__gte=f"{base}-", slug__lt=f"{base}.")
    else:
        # PostgreSQL's LIKE 'base-%' uses the varchar_pattern_ops index that Django creates for the slug.
        family = Q(slug__startswith=f"{base}-")
    pattern = re.compile(rf"{re.escape(base)}-({SUFFIX_PATTERN})")

    highest = 0
    for slug in Job.objects.filter(Q(slug=base) | family).values_list("slug", flat=True).iterator():
        if slug == base:
            highest = max(highest, 1)
            continue
        match = pattern.fullmatch(slug)
        if match:
            highest = max(highest, int(match[1]))
    return highest
