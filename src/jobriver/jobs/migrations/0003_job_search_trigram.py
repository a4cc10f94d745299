"""On PostgreSQL only: a trigram index on the jobs' search text.

`search_text LIKE '%term%'` cannot use a B-tree index. With a GIN index of
pg_trgm's trigrams, the planner can AND the jobs that contain a rare term
with the company's jobs from `job_company_newest`, and read only the rows
in both. For a common term it scans the company's jobs through the B-tree
index instead. Either way a search reads no more rows than the company has
jobs or the platform has matches, whichever is fewer. (A GIN index over
company_id and the trigrams together, with btree_gin, was not chosen by
PostgreSQL 15's planner even for a rare term, so it is not used.)

CREATE EXTENSION needs a superuser, or, since PostgreSQL 13, where pg_trgm
is a trusted extension, a user with the CREATE privilege on the database.
An operator can create the extension beforehand instead; IF NOT EXISTS
then skips the step. pg_trgm ships with PostgreSQL's contrib modules
(Debian's `postgresql` package). On SQLite this migration does nothing:
there a search filters the company's jobs, found by their index.

Building the index blocks writes to jobs_job until it is done. On a large
platform, create it beforehand with CREATE INDEX CONCURRENTLY and the same
definition; this migration then leaves it as it is.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS job_search_trgm ON jobs_job USING gin (search_text gin_trgm_ops)",
]
# The extension stays: other objects may use it.
DROP = ["DROP INDEX IF EXISTS job_search_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0002_job_counts"),
    ]

    operations = [
        migrations.RunPython(_run(CREATE), _run(DROP)),
    ]
