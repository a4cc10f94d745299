"""CompiledQuery and CompiledWrites: Django's SQL run again with other parameters, values converted as the ORM converts them."""

import datetime

import pytest
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import F

from jobriver.compiled import CompiledQuery, CompiledWrites
from jobriver.jobs.models import Category, Job

# Columns whose values the database returns in another type than the ORM
# gives: dates and timestamps, JSON lists, booleans and floats.
COLUMNS = (
    "id",
    "title",
    "latitude",
    "is_featured",
    "start_date",
    "languages_required",
    "published_at",
    "created_at",
    "category__name",
)


@pytest.fixture
def two_jobs(make_job, make_category):
    category = make_category()
    first = make_job(
        title="Erste Stelle",
        latitude=50.9375,
        is_featured=True,
        start_date="2027-03-01",
        languages_required=["Deutsch", "Englisch"],
        category_id=category.pk,
    )
    second = make_job(title="Zweite Stelle")
    return first, second


def test_rows_equal_orm_rows(two_jobs):
    first, second = two_jobs
    compiled = CompiledQuery.of_rows(Job.objects.filter(pk=first.pk).values_list(*COLUMNS), params=[first.pk])

    for job in (first, second):
        expected = [list(row) for row in Job.objects.filter(pk=job.pk).values_list(*COLUMNS)]
        assert compiled.rows([job.pk]) == expected


def test_rows_converted(two_jobs):
    first, _second = two_jobs
    compiled = CompiledQuery.of_rows(Job.objects.filter(pk=first.pk).values_list(*COLUMNS), params=[first.pk])

    ((_id, title, latitude, is_featured, start_date, languages, published_at, created_at, category),) = compiled.rows(
        [first.pk]
    )

    assert title == "Erste Stelle"
    assert latitude == 50.9375
    assert is_featured is True
    assert start_date == datetime.date(2027, 3, 1)
    assert languages == ["Deutsch", "Englisch"]
    assert published_at.tzinfo is not None
    assert created_at.tzinfo is not None
    assert category.startswith("Kategorie ")


def test_rows_wrong_params_rejected(two_jobs):
    first, second = two_jobs

    with pytest.raises(ValueError, match=r"derived parameters \[%d\] differ" % second.pk):
        CompiledQuery.of_rows(Job.objects.filter(pk=first.pk).values_list("id"), params=[second.pk])


def test_count_reruns_for_other_company(make_company, make_key, make_job):
    busy, quiet = make_company(), make_company()
    busy_key, quiet_key = make_key(busy), make_key(quiet)
    for _ in range(3):
        make_job(key=busy_key)
    make_job(key=quiet_key)

    compiled, count = CompiledQuery.of_count(Job.objects.filter(company_id=busy.pk), params=[busy.pk])

    assert count == 3
    assert compiled.rows([quiet.pk]) == [[1]]
    assert compiled.rows([busy.pk]) == [[3]]


def test_count_wrong_params_rejected(company):
    with pytest.raises(ValueError, match="differ from the compiled"):
        CompiledQuery.of_count(Job.objects.filter(company_id=company.pk), params=[company.pk, True])


def _add_to_job_count(writes: CompiledWrites, category_ids: list[int], change: int) -> None:
    writes.run(
        len(category_ids),
        lambda: Category.objects.filter(pk__in=category_ids).update(job_count=F("job_count") + change),
        alias=DEFAULT_DB_ALIAS,
        params=[change, *category_ids],
    )


def test_writes_rerun_compiled_sql(make_category):
    first, second, third = make_category(), make_category(), make_category()
    writes = CompiledWrites(max_shapes=4)

    sent = []

    def record(execute, sql, params, many, context):
        sent.append((sql, list(params)))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        _add_to_job_count(writes, [first.pk], 2)
        _add_to_job_count(writes, [second.pk], -3)
    _add_to_job_count(writes, [first.pk, third.pk], 5)

    ((orm_sql, orm_params), (compiled_sql, compiled_params)) = sent
    assert compiled_sql == orm_sql
    assert orm_params == [2, first.pk]
    assert compiled_params == [-3, second.pk]
    counts = dict(Category.objects.filter(pk__in=[first.pk, second.pk, third.pk]).values_list("pk", "job_count"))
    assert counts == {first.pk: 7, second.pk: -3, third.pk: 5}


def test_writes_beyond_max_shapes_still_run(make_category):
    first, second = make_category(), make_category()
    writes = CompiledWrites(max_shapes=1)

    _add_to_job_count(writes, [first.pk], 1)
    for _ in range(3):
        _add_to_job_count(writes, [first.pk, second.pk], 1)

    counts = dict(Category.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "job_count"))
    assert counts == {first.pk: 4, second.pk: 3}


def test_writes_wrong_params_rejected(make_category):
    category = make_category()
    writes = CompiledWrites(max_shapes=1)

    with pytest.raises(ValueError, match="differ from the compiled"):
        writes.run(
            1,
            lambda: Category.objects.filter(pk=category.pk).update(job_count=F("job_count") + 1),
            alias=DEFAULT_DB_ALIAS,
            params=[category.pk, 1],
        )
