"""The NinjaAPI instances mounted in urls.py."""

from ninja import NinjaAPI

from jobriver.access.api import router as status_router
from jobriver.api.errors import ErrorCode
from jobriver.api.handlers import install_exception_handlers
from jobriver.crm.api import router as leads_router
from jobriver.jobs.api import router as jobs_router

company_api = NinjaAPI(
    title="Jobriver company API",
    version="1",
    description="Manage a company's job listings with an API key.",
    urls_namespace="company-api",
    docs_url=None,
)
install_exception_handlers(company_api, unauthenticated=ErrorCode.MISSING_API_KEY, internal=ErrorCode.INTERNAL_ERROR)
company_api.add_router("", status_router)
company_api.add_router("", jobs_router)

# Unexpected faults are INTERNAL_ERROR here too. The lead service raises
# CREATION_FAILED itself for a database error while it writes, and that code
# would be wrong for a route that does not create a lead.
admin_api = NinjaAPI(
    title="Jobriver Admin API",
    version="1",
    description="Manage the platform's sales leads with an admin token.",
    urls_namespace="admin-api",
    docs_url=None,
)
install_exception_handlers(admin_api, unauthenticated=ErrorCode.UNAUTHORIZED, internal=ErrorCode.INTERNAL_ERROR)
admin_api.add_router("", leads_router)
