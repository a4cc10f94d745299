"""The company dashboard in a real headless Chromium against the live server.

A company user signs in, creates a key whose allow-list contains the test's own
loopback source address, copies it, uses it on the API, revokes it in the
browser and sees the next API call rejected. The flow runs in German (the
default) and in English, chosen with the language switcher.
"""

import re

from jobriver.crm.models import Lead
from tests.conftest import assert_error, make_client, next_source_address
from tests.e2e.conftest import PASSWORD, screenshot

KEY_PATTERN = re.compile(r"jrv_[0-9A-Za-z]{46}")


def sign_in(page, server_url: str, username: str) -> None:
    page.goto(f"{server_url}/dashboard/")
    assert page.url == f"{server_url}/dashboard/sign-in/?next=/dashboard/"
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{server_url}/dashboard/")


def create_key(page, server_url: str, name: str, allowlist: str) -> str:
    page.click("nav.main-nav a[href='/dashboard/keys/']")
    page.wait_for_url(f"{server_url}/dashboard/keys/")
    page.click("a.button-primary[href='/dashboard/keys/new/']")
    page.fill("#id_name", name)
    page.check("input[name=permissions][value=create]")
    page.fill("#id_ip_allowlist", allowlist)
    page.click("form button.button-primary")
    page.wait_for_url(re.compile(r".*/dashboard/keys/\d+/created/$"))
    return page.input_value("#new-key")


def copy_key(browser, page, server_url: str) -> str:
    """Press the copy button and return the clipboard's text."""
    browser.grant_permissions(["clipboard-read", "clipboard-write"], origin=server_url)
    page.click("button[data-copy-target=new-key]")
    copied_text = page.get_attribute("button[data-copy-target=new-key]", "data-copied-text")
    page.wait_for_function(
        "expected => document.getElementById('copy-status').textContent === expected", arg=copied_text
    )
    return page.evaluate("navigator.clipboard.readText()")


def revoke_key(page, server_url: str, prefix: str, shot_prefix: str) -> None:
    page.goto(f"{server_url}/dashboard/keys/")
    screenshot(page, f"{shot_prefix}-key-list")
    page.click(f"tr[data-key-prefix='{prefix}'] a.danger-link")
    page.wait_for_url(re.compile(r".*/dashboard/keys/\d+/revoke/$"))
    screenshot(page, f"{shot_prefix}-revoke-confirmation")
    page.click("form button.button-danger")
    page.wait_for_url(f"{server_url}/dashboard/keys/")


def run_key_flow(browser, page, server_url: str, company, shot_prefix: str) -> str:
    """Create a key in the browser, use it, revoke it; return the page text after the revocation."""
    source = next_source_address()
    key = create_key(page, server_url, "Browser key", f"{source}/32\n  2001:db8::/32\n")
    screenshot(page, f"{shot_prefix}-key-created")

    assert KEY_PATTERN.fullmatch(key)
    assert copy_key(browser, page, server_url) == key

    with make_client(server_url, key=key, source=source) as api:
        status = api.get("/status")
        assert status.status_code == 200, status.text
        data = status.json()["data"]
        assert data["ip_whitelist"] == [f"{source}/32", "2001:db8::/32"]
        assert data["company"]["id"] == company.pk
        assert data["key"]["permissions"] == ["read", "create"]

        page.reload()
        assert page.locator("#new-key").count() == 0
        assert key not in page.content()

        revoke_key(page, server_url, key[:8], shot_prefix)
        assert_error(api.get("/status"), 403, "API_KEY_REVOKED")

    row = page.locator(f"tr[data-key-prefix='{key[:8]}']")
    assert row.locator(".status-revoked").count() == 1
    assert row.locator("a.danger-link").count() == 0
    return page.inner_text("main")


def test_key_flow_in_german(browser, page, server_url, company_user, make_key, make_job):
    user, company = company_user
    jobs_key = make_key(company)
    make_job(jobs_key, title="Python-Entwickler (m/w/d)")
    make_job(jobs_key, title="DevOps Engineer (m/w/d)", is_active=False)

    page.goto(f"{server_url}/dashboard/")
    assert page.get_attribute("html", "lang") == "de"
    assert page.inner_text("label[for=id_username]") == "Benutzername:"
    assert page.inner_text("label[for=id_password]") == "Passwort:"
    screenshot(page, "de-sign-in")
    sign_in(page, server_url, user.username)
    assert page.inner_text("h1") == company.name
    assert page.inner_text("#stat-jobs") == "1 / 25"

    run_key_flow(browser, page, server_url, company, "de")

    page.goto(f"{server_url}/dashboard/")
    assert page.inner_text("#stat-today") == "1"
    assert page.locator("svg.chart-svg rect.chart-bar").count() == 30
    screenshot(page, "de-overview")
    page.goto(f"{server_url}/dashboard/jobs/")
    assert page.locator("table.job-table tbody tr").count() == 2
    screenshot(page, "de-jobs")


def test_pages_fit_small_screen(browser, page, server_url, company_user, make_key):
    user, company = company_user
    make_key(company, name="Telefon-Schnittstelle", ip_allowlist=["2001:db8:1234:5678::/64"])
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, server_url, user.username)

    for path, name in [("/dashboard/", "overview"), ("/dashboard/keys/", "key-list"), ("/dashboard/keys/new/", "key-form")]:
        page.goto(f"{server_url}{path}")
        screenshot(page, f"de-small-{name}")

        # Wide tables scroll inside their own box; the page itself never scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path


def test_key_flow_in_english(browser, page, server_url, company_user):
    user, company = company_user

    page.goto(f"{server_url}/dashboard/sign-in/")
    page.select_option("#language-select", "en")
    page.click("form.language-form button")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("main h1") == "Log in"
    screenshot(page, "en-sign-in")
    sign_in(page, server_url, user.username)
    assert page.inner_text("#stat-jobs") == "0 / 25"

    main_text = run_key_flow(browser, page, server_url, company, "en")

    assert "Key “Browser key” revoked. It is rejected from now on, for good." in main_text
    page.goto(f"{server_url}/dashboard/")
    assert page.inner_text("#stat-today") == "1"
    screenshot(page, "en-overview")
    page.goto(f"{server_url}/dashboard/jobs/")
    assert "Your company has no jobs yet." in page.inner_text("main")
    screenshot(page, "en-jobs")


def test_key_form_errors_in_browser(browser, page, server_url, company_user):
    user, _company = company_user
    sign_in(page, server_url, user.username)
    page.goto(f"{server_url}/dashboard/keys/new/")

    page.fill("#id_name", "")
    page.uncheck("input[name=permissions][value=read]")
    page.fill("#id_ip_allowlist", "10.0.0.0/8\nnot-an-address")
    page.click("form button.button-primary")

    assert page.url == f"{server_url}/dashboard/keys/new/"
    assert page.inner_text("#id_name_error") == "Dieses Feld ist zwingend erforderlich."
    assert "„not-an-address“" in page.inner_text("#id_ip_allowlist_error")
    assert "10.0.0.0/8" not in page.inner_text("#id_ip_allowlist_error")
    screenshot(page, "de-key-form-errors")


def test_request_access_creates_lead(browser, page, server_url, unique):
    page.goto(f"{server_url}/dashboard/request-access/")
    # The honeypot field is moved off the screen, where people never see it.
    assert page.locator("input[name=website]").bounding_box()["x"] < 0
    screenshot(page, "de-request-access")

    page.fill("#id_first_name", "Jonas")
    page.fill("#id_last_name", f"Becker-{unique}")
    page.fill("#id_company", "Becker Logistik GmbH")
    page.fill("#id_email", "jonas.becker@logistik.example")
    page.fill("#id_phone", "+49 221 555 0100")
    page.fill("#id_message", "Wir nutzen Personio und möchten 40 Stellen übertragen.")
    page.click("form button.button-primary")
    page.wait_for_url(f"{server_url}/dashboard/request-access/sent/")
    screenshot(page, "de-request-access-sent")

    lead = Lead.objects.get(nachname=f"Becker-{unique}")
    assert lead.status == "neu"
    assert lead.vorname == "Jonas"
    assert lead.firma == "Becker Logistik GmbH"
    assert lead.email == "jonas.becker@logistik.example"
    assert lead.telefon == "+49 221 555 0100"
    assert lead.notizen.endswith("Wir nutzen Personio und möchten 40 Stellen übertragen.")
