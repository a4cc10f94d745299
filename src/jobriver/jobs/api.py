"""Routes of the company API for jobs, categories and technologies."""

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from jobriver.access.authentication import CompanyKeyAuth
from jobriver.api.body import read_json_object, validate_payload
from jobriver.api.envelope import success_response
from jobriver.api.errors import ErrorCode
from jobriver.api.openapi import Api, json_body, operation_contract
from jobriver.api.openapi_codes import (
    COMPANY_AUTHENTICATION,
    COMPANY_JOB_ID,
    COMPANY_JSON_BODY,
    COMPANY_PERMISSION,
    COMPANY_QUERY,
)
from jobriver.jobs import selectors, services
from jobriver.jobs.schemas import (
    CategoryListOut,
    CategoryListQuery,
    JobCreateIn,
    JobDeletedOut,
    JobListOut,
    JobListQuery,
    JobOut,
    JobPathId,
    JobWriteIn,
    TechnologyListOut,
    TechnologyListQuery,
    category_to_dict,
    job_to_dict,
    technology_to_dict,
)

router = Router(tags=["jobs"])

_READ = (*COMPANY_AUTHENTICATION, *COMPANY_PERMISSION)
_JOB_LIMIT = (ErrorCode.JOB_LIMIT_EXCEEDED,)

JOB_CREATE_EXAMPLE = {
    "title": "Python Developer (m/w/d)",
    "description": "Wir suchen eine Python-Entwicklerin oder einen Python-Entwickler für unser Plattform-Team in München.",
    "location": "München",
    "location_type": "remote",
    "salary_min": 55000,
    "salary_max": 75000,
}
_WRITE_BODY_DESCRIPTION = (
    "Partial: fields left out keep their value, null clears an optional field. "
    "Rules across fields (salary range, application target) apply to the job as it would be after the change."
)


@router.get(
    "/jobs",
    auth=CompanyKeyAuth("read"),
    summary="List the company's jobs",
    description="Newest first. A page past the end is empty and still reports the totals.",
    **operation_contract(
        Api.COMPANY,
        status=200,
        data=JobListOut,
        envelope_name="JobListResponse",
        errors=(*_READ, *COMPANY_QUERY),
    ),
)
def jobs_list(request: HttpRequest, filters: Query[JobListQuery]) -> HttpResponse:
    jobs, pagination = selectors.job_list(
        company_id=request.auth.company_id,
        page=filters.page,
        per_page=filters.per_page,
        is_active=filters.is_active,
        category_id=filters.category_id,
        search=filters.search,
    )
    return success_response(request, {"jobs": [job_to_dict(job) for job in jobs], "pagination": pagination})


@router.post(
    "/jobs",
    auth=CompanyKeyAuth("create"),
    summary="Create a job",
    description="The slug comes from the title and is unique across the platform. The job limit is checked last.",
    **operation_contract(
        Api.COMPANY,
        status=201,
        data=JobOut,
        envelope_name="JobResponse",
        errors=(*_READ, *COMPANY_JSON_BODY, *_JOB_LIMIT),
        request_body=json_body(
            "JobCreateIn",
            description="title, description and location are required.",
            examples={"remote_developer": JOB_CREATE_EXAMPLE},
        ),
    ),
)
def jobs_create(request: HttpRequest) -> HttpResponse:
    data = validate_payload(read_json_object(request), JobCreateIn)
    job = services.job_create(api_key=request.auth.credential, data=data)
    job = selectors.job_detail(company_id=request.auth.company_id, job_id=str(job.pk))
    return success_response(request, job_to_dict(job), status=201)


@router.get(
    "/jobs/{job_id}",
    auth=CompanyKeyAuth("read"),
    summary="Get one job",
    description="Another company's job returns 404 JOB_NOT_FOUND, like a job that does not exist.",
    **operation_contract(
        Api.COMPANY, status=200, data=JobOut, envelope_name="JobResponse", errors=(*_READ, *COMPANY_JOB_ID)
    ),
)
def jobs_detail(request: HttpRequest, job_id: JobPathId) -> HttpResponse:
    job = selectors.job_detail(company_id=request.auth.company_id, job_id=job_id)
    return success_response(request, job_to_dict(job))


def _update(request: HttpRequest, job_id: str) -> HttpResponse:
    job = selectors.job_get(company_id=request.auth.company_id, job_id=job_id)
    data = validate_payload(read_json_object(request), JobWriteIn)
    services.job_update(job=job, data=data)
    job = selectors.job_detail(company_id=request.auth.company_id, job_id=job_id)
    return success_response(request, job_to_dict(job))


def _update_contract() -> dict:
    return operation_contract(
        Api.COMPANY,
        status=200,
        data=JobOut,
        envelope_name="JobResponse",
        errors=(*_READ, *COMPANY_JOB_ID, *COMPANY_JSON_BODY, *_JOB_LIMIT, ErrorCode.UPDATE_FAILED),
        request_body=json_body(
            "JobWriteIn",
            description=_WRITE_BODY_DESCRIPTION,
            examples={"raise_salary": {"salary_max": 80000}, "deactivate": {"is_active": False}},
        ),
    )


@router.put(
    "/jobs/{job_id}",
    auth=CompanyKeyAuth("update"),
    summary="Update a job (partial, like PATCH)",
    **_update_contract(),
)
def jobs_replace(request: HttpRequest, job_id: JobPathId) -> HttpResponse:
    return _update(request, job_id)


@router.patch("/jobs/{job_id}", auth=CompanyKeyAuth("update"), summary="Update a job", **_update_contract())
def jobs_update(request: HttpRequest, job_id: JobPathId) -> HttpResponse:
    return _update(request, job_id)


@router.delete(
    "/jobs/{job_id}",
    auth=CompanyKeyAuth("delete"),
    summary="Delete a job for good",
    **operation_contract(
        Api.COMPANY,
        status=200,
        data=JobDeletedOut,
        envelope_name="JobDeletedResponse",
        errors=(*_READ, *COMPANY_JOB_ID, ErrorCode.DELETE_FAILED),
    ),
)
def jobs_delete(request: HttpRequest, job_id: JobPathId) -> HttpResponse:
    job = selectors.job_get(company_id=request.auth.company_id, job_id=job_id)
    deleted_id = job.pk
    services.job_delete(job=job)
    return success_response(request, {"deleted": True, "job_id": deleted_id})


@router.get(
    "/categories",
    auth=CompanyKeyAuth("read"),
    tags=["catalogue"],
    summary="List the active categories",
    description="By sort order, with the number of active jobs across the platform.",
    **operation_contract(
        Api.COMPANY,
        status=200,
        data=CategoryListOut,
        envelope_name="CategoryListResponse",
        errors=(*_READ, *COMPANY_QUERY),
    ),
)
def categories_list(request: HttpRequest, filters: Query[CategoryListQuery]) -> HttpResponse:
    categories = selectors.category_list(search=filters.search)
    data = {"categories": [category_to_dict(category) for category in categories], "total": len(categories)}
    return success_response(request, data)


@router.get(
    "/technologies",
    auth=CompanyKeyAuth("read"),
    tags=["catalogue"],
    summary="List the technologies",
    description="By name, with the number of active jobs across the platform.",
    **operation_contract(
        Api.COMPANY,
        status=200,
        data=TechnologyListOut,
        envelope_name="TechnologyListResponse",
        errors=(*_READ, *COMPANY_QUERY),
    ),
)
def technologies_list(request: HttpRequest, filters: Query[TechnologyListQuery]) -> HttpResponse:
    technologies = selectors.technology_list(
        category=filters.category, trending=filters.trending, search=filters.search
    )
    data = {"technologies": [technology_to_dict(technology) for technology in technologies], "total": len(technologies)}
    return success_response(request, data)
