"""The read-only job list: the company's own jobs, paginated."""

from django.urls import reverse

from jobriver.dashboard.selectors import JOBS_PER_PAGE


def test_jobs_list_own_jobs(signed_in, make_key, make_job, make_category):
    client, user = signed_in(language="en")
    key = make_key(user.company_membership.company)
    category = make_category(name="Data Science")
    make_job(key, title="Data Engineer (m/w/d)", category_id=category.pk)
    make_job(key, title="Backend Developer (m/w/d)", is_active=False)
    make_job(make_key(), title="Foreign Job (m/w/d)")

    response = client.get(reverse("dashboard:job_list"))

    body = response.content.decode()
    assert response.status_code == 200
    assert [job.title for job in response.context["page"].object_list] == [
        "Backend Developer (m/w/d)",
        "Data Engineer (m/w/d)",
    ]
    assert "Foreign Job" not in body
    assert "Data Science" in body
    assert '<span class="status status-inactive">inactive</span>' in body
    assert '<span class="status status-active">active</span>' in body


def test_jobs_show_applications(signed_in, make_key, make_job):
    client, user = signed_in(language="en")
    job = make_job(make_key(user.company_membership.company))
    type(job).objects.filter(pk=job.pk).update(applications_count=17)

    body = client.get(reverse("dashboard:job_list")).content.decode()

    assert '<td class="number">17</td>' in body


def test_jobs_paginated(signed_in, make_key, make_job):
    client, user = signed_in(language="en")
    key = make_key(user.company_membership.company)
    for number in range(JOBS_PER_PAGE + 3):
        make_job(key, title=f"Job number {number:02d}")

    first = client.get(reverse("dashboard:job_list"))
    second = client.get(reverse("dashboard:job_list"), {"page": 2})
    beyond = client.get(reverse("dashboard:job_list"), {"page": "99"})
    garbage = client.get(reverse("dashboard:job_list"), {"page": "abc"})

    assert len(first.context["page"].object_list) == JOBS_PER_PAGE
    assert first.context["page"].object_list[0].title == f"Job number {JOBS_PER_PAGE + 2:02d}"
    assert [job.title for job in second.context["page"].object_list] == ["Job number 02", "Job number 01", "Job number 00"]
    assert "Page 2 of 2" in second.content.decode()
    assert 'href="?page=1" rel="prev"' in second.content.decode()
    assert beyond.context["page"].number == 2
    assert garbage.context["page"].number == 1


def test_jobs_empty(user_client):
    body = user_client.get(reverse("dashboard:job_list")).content.decode()

    assert "Your company has no jobs yet." in body
