"""Routes of the company API for jobs, categories and technologies."""

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from jobriver.access.authentication import CompanyKeyAuth
from jobriver.api.body import read_json_object, validate_payload
from jobriver.api.envelope import success_response
from jobriver.jobs import selectors, services
from jobriver.jobs.schemas import (
    CategoryListQuery,
    JobCreateIn,
    JobListQuery,
    JobWriteIn,
    TechnologyListQuery,
    category_to_dict,
    job_to_dict,
    technology_to_dict,
)

router = Router(tags=["jobs"])


@router.get("/jobs", auth=CompanyKeyAuth("read"))
def jobs_list(request: HttpRequest, filters: Query[JobListQuery]) -> HttpResponse:
    jobs = selectors.job_list(
        company_id=request.auth.company_id,
        is_active=filters.is_active,
        category_id=filters.category_id,
        search=filters.search,
    )
    page, pagination = selectors.paginate(jobs, page=filters.page, per_page=filters.per_page)
    return success_response(request, {"jobs": [job_to_dict(job) for job in page], "pagination": pagination})


@router.post("/jobs", auth=CompanyKeyAuth("create"))
def jobs_create(request: HttpRequest) -> HttpResponse:
    data = validate_payload(read_json_object(request), JobCreateIn)
    job = services.job_create(api_key=request.auth.credential, data=data)
    job = selectors.job_get(company_id=request.auth.company_id, job_id=str(job.pk))
    return success_response(request, job_to_dict(job), status=201)


@router.get("/jobs/{job_id}", auth=CompanyKeyAuth("read"))
def jobs_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    job = selectors.job_get(company_id=request.auth.company_id, job_id=job_id)
    return success_response(request, job_to_dict(job))


def _update(request: HttpRequest, job_id: str) -> HttpResponse:
    job = selectors.job_get(company_id=request.auth.company_id, job_id=job_id)
    data = validate_payload(read_json_object(request), JobWriteIn)
    services.job_update(job=job, data=data)
    job = selectors.job_get(company_id=request.auth.company_id, job_id=job_id)
    return success_response(request, job_to_dict(job))


@router.put("/jobs/{job_id}", auth=CompanyKeyAuth("update"))
def jobs_replace(request: HttpRequest, job_id: str) -> HttpResponse:
    return _update(request, job_id)


@router.patch("/jobs/{job_id}", auth=CompanyKeyAuth("update"))
def jobs_update(request: HttpRequest, job_id: str) -> HttpResponse:
    return _update(request, job_id)


@router.delete("/jobs/{job_id}", auth=CompanyKeyAuth("delete"))
def jobs_delete(request: HttpRequest, job_id: str) -> HttpResponse:
    job = selectors.job_get(company_id=request.auth.company_id, job_id=job_id)
    deleted_id = job.pk
    services.job_delete(job=job)
    return success_response(request, {"deleted": True, "job_id": deleted_id})


@router.get("/categories", auth=CompanyKeyAuth("read"))
def categories_list(request: HttpRequest, filters: Query[CategoryListQuery]) -> HttpResponse:
    categories = selectors.category_list(search=filters.search)
    data = {"categories": [category_to_dict(category) for category in categories], "total": len(categories)}
    return success_response(request, data)


@router.get("/technologies", auth=CompanyKeyAuth("read"))
def technologies_list(request: HttpRequest, filters: Query[TechnologyListQuery]) -> HttpResponse:
    technologies = selectors.technology_list(
        category=filters.category, trending=filters.trending, search=filters.search
    )
    data = {"technologies": [technology_to_dict(technology) for technology in technologies], "total": len(technologies)}
    return success_response(request, data)
