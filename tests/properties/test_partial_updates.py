"""Properties of partial updates: the salary rule is checked on the merged record, and a rejected update changes nothing."""

import pytest
from django.forms.models import model_to_dict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobriver.access.models import ALL_PERMISSIONS
from jobriver.access.services import api_key_create
from jobriver.api.errors import ApiError, ErrorCode
from jobriver.companies.services import company_create
from jobriver.jobs.models import SALARY_MAX, Job
from jobriver.jobs.schemas import JobCreateIn, JobWriteIn
from jobriver.jobs.services import job_create, job_update
from tests.conftest import BASE_JOB

salaries = st.one_of(st.none(), st.integers(min_value=0, max_value=SALARY_MAX))


@st.composite
def current_salaries(draw) -> tuple[int | None, int | None]:
    """Return a salary pair that a stored job can have: min ≤ max when both are set."""
    low, high = draw(salaries), draw(salaries)
    if low is not None and high is not None and low > high:
        low, high = high, low
    return low, high


@st.composite
def patch_bodies(draw) -> dict:
    """Return a PATCH body with any of salary_min, salary_max (values or null) and a title."""
    body = {}
    for field in ("salary_min", "salary_max"):
        if draw(st.booleans()):
            body[field] = draw(salaries)
    if draw(st.booleans()):
        body["title"] = draw(st.sampled_from(["Backend Developer", "Datenbank-Administratorin (m/w/d)"]))
    return body


@pytest.fixture(scope="module")
def key(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        company = company_create(name="Eigenschaften GmbH")
        return api_key_create(company=company, name="Properties", permissions=ALL_PERMISSIONS).credential


def stored(job_id: int) -> dict:
    job = Job.objects.get(pk=job_id)
    values = model_to_dict(job)
    values["technologies"] = sorted(technology.pk for technology in values["technologies"])
    values["updated_at"] = job.updated_at
    return values


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(current=current_salaries(), body=patch_bodies())
def test_salary_rule_on_merged_record(key, current, body):
    low, high = current
    job = job_create(api_key=key, data=JobCreateIn.model_validate({**BASE_JOB, "salary_min": low, "salary_max": high}))
    before = stored(job.pk)
    merged_low = body.get("salary_min", low)
    merged_high = body.get("salary_max", high)
    valid = merged_low is None or merged_high is None or merged_low <= merged_high

    try:
        job_update(job=job, data=JobWriteIn.model_validate(body))
    except ApiError as error:
        assert not valid, (current, body)
        assert error.code is ErrorCode.VALIDATION_ERROR
        assert set(error.details["errors"]) <= {"salary_min", "salary_max"}
        assert len(error.details["errors"]) == 1
        assert stored(job.pk) == before
    else:
        assert valid, (current, body)
        after = Job.objects.get(pk=job.pk)
        assert after.salary_min == merged_low
        assert after.salary_max == merged_high
        assert after.title == body.get("title", BASE_JOB["title"])

    job.delete()
