"""The slug sequences of jobs, filled from the slugs that exist.

For every base, the sequence starts at the highest suffix in use, where
`base` alone counts as 1, so that the next create of a base does not read
its slugs, with the one exception below.

A slug with a numeric tail, such as `developer-2`, counts for the base
without the tail (`developer`) only. It is almost always a later job of
that base, and counting it also as a base of its own would add a row for
nearly every job. A title that does end in the number ("Developer 2")
finds `developer-2` taken at its next create, once; the job service then
skips past the slugs in use.
"""

import re

from django.db import migrations, models

# The same rule as jobriver.jobs.slug_sequence.SUFFIX_PATTERN, copied so
# that this migration keeps working when the app's code changes.
SUFFIXED_SLUG = re.compile(r"(.+)-([1-9][0-9]{0,8})")
# At most WRITE_ROWS bases are held in memory before they are written, so
# the memory needed does not grow with the platform. Slugs are read
# READ_ROWS at a time.
WRITE_ROWS = 10_000
READ_ROWS = 5_000


def _write_highest(connection, table: str, highest: dict[str, int]) -> None:
    """Raise each base's sequence to `highest[base]`, inserting missing rows; a higher value stays."""
    quote = connection.ops.quote_name
    table, base_column, suffix_column = quote(table), quote("base"), quote("last_suffix")
    sql = (
        f"INSERT INTO {table} ({base_column}, {suffix_column}) VALUES (%s, %s) "
        f"ON CONFLICT ({base_column}) DO UPDATE SET {suffix_column} = CASE "
        f"WHEN excluded.{suffix_column} > {table}.{suffix_column} THEN excluded.{suffix_column} "
        f"ELSE {table}.{suffix_column} END"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(highest.items()))


def fill_slug_sequences(apps, schema_editor):
    """Set every base's sequence to the highest suffix of it among the jobs' slugs."""
    Job = apps.get_model("jobs", "Job")
    JobSlugSequence = apps.get_model("jobs", "JobSlugSequence")
    connection = schema_editor.connection
    table = JobSlugSequence._meta.db_table

    highest: dict[str, int] = {}
    for slug in Job.objects.values_list("slug", flat=True).iterator(chunk_size=READ_ROWS):
        match = SUFFIXED_SLUG.fullmatch(slug)
        base, suffix = (match[1], int(match[2])) if match else (slug, 1)
        highest[base] = max(highest.get(base, 0), suffix)
        if len(highest) >= WRITE_ROWS:
            _write_highest(connection, table, highest)
            highest.clear()
    if highest:
        _write_highest(connection, table, highest)


class Migration(migrations.Migration):

    dependencies = [
        ('jobs', '0003_job_search_trigram'),
    ]

    operations = [
        migrations.CreateModel(
            name='JobSlugSequence',
            fields=[
                ('base', models.CharField(max_length=255, primary_key=True, serialize=False, verbose_name='slug base')),
                ('last_suffix', models.PositiveIntegerField(verbose_name='last suffix')),
            ],
            options={
                'verbose_name': 'job slug sequence',
                'verbose_name_plural': 'job slug sequences',
            },
        ),
        migrations.RunPython(fill_slug_sequences, migrations.RunPython.noop),
    ]
