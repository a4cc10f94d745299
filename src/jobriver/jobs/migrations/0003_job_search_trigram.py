"""On PostgreSQL only: a trigram index for search within one company's jobs.

`search_text LIKE '%term%'` cannot use a B-tree index. A GIN index over
(company_id, search_text gin_trgm_ops) finds the rows of one company that
contain the term's trigrams, so a search reads only candidate rows of that
company, however many jobs the platform has. The company column in a GIN
index needs the btree_gin extension, the trigrams need pg_trgm; both ship
with PostgreSQL's contrib modules (Debian's `postgresql` package).

CREATE EXTENSION needs a superuser, or, since PostgreSQL 13, where both
extensions are trusted, a user with the CREATE privilege on the database.
An operator can create them beforehand instead; IF NOT EXISTS then skips
the step. On SQLite this migration does nothing: there a search filters the
company's rows, found by the index on (company_id, id).

Building the index locks writes to jobs_job until it is done: on a large
platform, create it first with CREATE INDEX CONCURRENTLY under the same
name, and this migration then leaves it as it is.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "CREATE INDEX IF NOT EXISTS job_company_search_trgm ON jobs_job USING gin (company_id, search_text gin_trgm_ops)",
]
# The extensions stay: other objects may use them.
DROP = ["DROP INDEX IF EXISTS job_company_search_trgm"]


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
