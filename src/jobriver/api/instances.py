"""The NinjaAPI instances mounted in urls.py.

The company API also serves the one OpenAPI document of both APIs at
/api/v1/openapi.json and its Swagger UI at /api/v1/docs. The Admin API
serves neither of its own. Both pages are public, because the document
describes the API and contains no data.
"""

from functools import lru_cache
from typing import Any

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from jobriver.access.api import router as status_router
from jobriver.api.errors import ErrorCode
from jobriver.api.handlers import install_exception_handlers
from jobriver.api.openapi_document import build_document
from jobriver.crm.api import router as leads_router
from jobriver.jobs.api import router as jobs_router

# Swagger UI's default checks the document with a validator on the
# internet and shows its badge; the page must not reach outside this server.
SWAGGER_SETTINGS = {"validatorUrl": None, "tryItOutEnabled": False, "persistAuthorization": False}


class JobriverAPI(NinjaAPI):
    """A NinjaAPI whose operation ids are the view names (`jobs_list`), unique across both APIs."""

    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__


class CompanyAPI(JobriverAPI):
    """The company API, whose OpenAPI document covers the Admin API too."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> dict[str, Any]:
        return _document()


@lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    # The document depends only on the code, so each worker builds it once.
    return build_document(company_api, admin_api)


company_api = CompanyAPI(
    title="Jobriver API",
    version="1",
    description="Manage a company's job listings with an API key.",
    urls_namespace="company-api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=Swagger(settings=SWAGGER_SETTINGS),
)
install_exception_handlers(company_api, unauthenticated=ErrorCode.MISSING_API_KEY, internal=ErrorCode.INTERNAL_ERROR)
company_api.add_router("", status_router)
company_api.add_router("", jobs_router)

# Unexpected faults are INTERNAL_ERROR here too. The lead service raises
# CREATION_FAILED itself for a database error while it writes, and that code
# would be wrong for a route that does not create a lead.
admin_api = JobriverAPI(
    title="Jobriver Admin API",
    version="1",
    description="Manage the platform's sales leads with an admin token.",
    urls_namespace="admin-api",
    openapi_url=None,
    docs_url=None,
)
install_exception_handlers(admin_api, unauthenticated=ErrorCode.UNAUTHORIZED, internal=ErrorCode.INTERNAL_ERROR)
admin_api.add_router("", leads_router)
