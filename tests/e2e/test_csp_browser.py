"""The pages under their Content-Security-Policy in Chromium: nothing blocked, and the API docs render."""

import uuid

import pytest
from django.contrib.auth import get_user_model

from tests.e2e.conftest import PASSWORD, screenshot

# Records every violation that Chromium reports; Playwright injects it, so
# the page's own policy does not block it.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def recording_page(browser, page):
    browser.add_init_script(RECORD_VIOLATIONS)
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__violations")


def test_api_docs_render(recording_page, server_url):
    page = recording_page

    page.goto(f"{server_url}/api/v1/docs")
    page.wait_for_selector("text=List the company's jobs")
    page.click("text=List the company's jobs")
    page.wait_for_selector("text=VALIDATION_ERROR")

    screenshot(page, "api-docs")
    assert page.title() == "Jobriver API"
    assert page.locator(".opblock").count() == 10
    assert violations(page) == []


def test_admin_pages_within_policy(recording_page, server_url):
    page = recording_page
    username = f"csp-{uuid.uuid4().hex[:8]}"
    get_user_model().objects.create_superuser(username=username, email=f"{username}@example.com", password=PASSWORD)

    page.goto(f"{server_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{server_url}/admin/")
    for path in ["/admin/", "/admin/crm/lead/", "/admin/crm/lead/add/", "/admin/access/apikey/add/"]:
        page.goto(f"{server_url}{path}")
        page.wait_for_load_state("load")
        assert violations(page) == [], path

    screenshot(page, "admin-key-form")


def test_dashboard_sign_in_within_policy(recording_page, server_url):
    page = recording_page

    page.goto(f"{server_url}/dashboard/sign-in/")
    page.wait_for_load_state("load")

    assert violations(page) == []
