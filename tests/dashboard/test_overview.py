"""The overview: active jobs against the job limit, requests today and this month, rate limit, chart."""

import datetime
import re

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from jobriver.access.models import ApiKeyUsageDay
from jobriver.access.services import api_key_deactivate
from jobriver.dashboard.charts import bar_chart, nice_maximum
from jobriver.dashboard.selectors import company_usage


def stat(body: str, name: str) -> str:
    match = re.search(rf'<p class="stat-value" id="stat-{name}">(.*?)</p>', body, re.DOTALL)
    assert match is not None, name
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def add_usage(api_key, day: datetime.date, requests: int) -> None:
    ApiKeyUsageDay.objects.create(api_key=api_key, day=day, requests=requests)


def test_overview_counts_requests(signed_in, make_key, make_company):
    client, user = signed_in(language="en")
    company = user.company_membership.company
    first_key = make_key(company).credential
    second_key = make_key(company).credential
    today = timezone.localdate()
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    add_usage(first_key, today, 5)
    add_usage(second_key, today, 2)
    add_usage(first_key, last_month, 11)
    add_usage(first_key, today - datetime.timedelta(days=40), 13)
    add_usage(make_key(make_company()).credential, today, 100)
    earlier_this_month = 0
    if today.day > 1:
        add_usage(second_key, today.replace(day=1), 3)
        earlier_this_month = 3

    body = client.get(reverse("dashboard:overview")).content.decode()

    assert stat(body, "today") == "7"
    assert stat(body, "month") == str(7 + earlier_this_month)


def test_overview_job_limit(signed_in, make_company, make_key, make_job):
    company = make_company(job_limit=10)
    client, _user = signed_in(company=company, language="en")
    key = make_key(company)
    make_job(key)
    make_job(key)
    make_job(key, is_active=False)

    body = client.get(reverse("dashboard:overview")).content.decode()

    assert stat(body, "jobs") == "2 / 10"


def test_overview_unlimited_jobs(signed_in):
    client, _user = signed_in(language="en")

    body = client.get(reverse("dashboard:overview")).content.decode()

    assert stat(body, "jobs") == "0 / unlimited"


@override_settings(JOBRIVER_DEFAULT_RATE_LIMIT=75)
def test_overview_rate_limit(signed_in, make_company):
    default_client, _user = signed_in(language="en")
    own_client, _user = signed_in(company=make_company(rate_limit=240), language="en")

    default_body = default_client.get(reverse("dashboard:overview")).content.decode()
    own_body = own_client.get(reverse("dashboard:overview")).content.decode()

    assert stat(default_body, "rate") == "75"
    assert stat(own_body, "rate") == "240"
    assert "requests per minute for each key, unless a key has its own limit" in own_body


def test_overview_counts_active_keys(signed_in, make_key):
    client, user = signed_in(language="en")
    company = user.company_membership.company
    make_key(company)
    make_key(company)
    api_key_deactivate(api_key=make_key(company).credential)

    body = client.get(reverse("dashboard:overview")).content.decode()

    assert stat(body, "keys") == "2"


def test_overview_warns_without_api_access(signed_in, make_company):
    client, _user = signed_in(company=make_company(api_access_enabled=False), language="en")

    body = client.get(reverse("dashboard:overview")).content.decode()

    assert "API access is switched off for your company: every key is rejected." in body
    assert 'href="/dashboard/request-access/"' in body


def test_overview_chart_has_30_bars(signed_in, make_key):
    client, user = signed_in(language="en")
    add_usage(make_key(user.company_membership.company).credential, timezone.localdate(), 9)

    body = client.get(reverse("dashboard:overview")).content.decode()

    assert body.count('<rect class="chart-bar') == 30
    assert body.count('<rect class="chart-bar chart-bar-today"') == 1
    assert '<svg viewBox="0 0 720 240" role="img"' in body
    assert f"<title>{timezone.localdate():%m/%d/%Y}: 9</title>" in body


def test_overview_in_german(signed_in):
    client, _user = signed_in()

    body = client.get(reverse("dashboard:overview")).content.decode()

    assert '<html lang="de">' in body
    assert "Abmelden" in body
    assert "Passwort ändern" in body


def test_usage_fills_missing_days(make_key):
    api_key = make_key().credential
    today = datetime.date(2025, 3, 10)
    add_usage(api_key, datetime.date(2025, 3, 8), 4)

    usage = company_usage(company_id=api_key.company_id, today=today, days=5)

    assert usage.per_day == [
        (datetime.date(2025, 3, 6), 0),
        (datetime.date(2025, 3, 7), 0),
        (datetime.date(2025, 3, 8), 4),
        (datetime.date(2025, 3, 9), 0),
        (datetime.date(2025, 3, 10), 0),
    ]
    assert usage.today == 0
    assert usage.this_month == 4


def test_usage_month_starts_before_chart(make_key):
    api_key = make_key().credential
    today = datetime.date(2025, 1, 31)
    add_usage(api_key, datetime.date(2025, 1, 1), 6)
    add_usage(api_key, datetime.date(2024, 12, 31), 8)

    usage = company_usage(company_id=api_key.company_id, today=today, days=3)

    assert usage.this_month == 6
    assert [requests for _day, requests in usage.per_day] == [0, 0, 0]


def test_nice_maximum():
    assert nice_maximum(0) == 4
    assert nice_maximum(3) == 4
    assert nice_maximum(5) == 8
    assert nice_maximum(9) == 20
    assert nice_maximum(41) == 80
    assert nice_maximum(1234) == 2000


def test_bar_chart_geometry():
    days = [datetime.date(2025, 3, day) for day in range(1, 9)]
    chart = bar_chart(list(zip(days, [0, 10, 20, 40, 0, 0, 0, 5])))

    assert [tick.value for tick in chart.ticks] == [0, 10, 20, 30, 40]
    assert chart.bars[0].height == 0
    assert chart.bars[3].y == 12
    assert chart.bars[3].height == chart.baseline - 12
    assert [bar.show_label for bar in chart.bars] == [True, False, False, False, False, False, False, True]
    assert all(bar.x + bar.width <= chart.plot_right for bar in chart.bars)
