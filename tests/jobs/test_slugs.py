"""Slugs: transliteration and suffixes in `jobriver.slugs`, and how the API assigns them."""

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobriver.jobs import services
from jobriver.jobs.models import Job
from jobriver.slugs import SLUG_BASE_MAX_LENGTH, first_free_slug, slug_base
from tests.conftest import BASE_JOB

SLUG_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


# slug_base


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Müller & Söhne: Straßenbau-Ingenieur (m/w/d)", "mueller-soehne-strassenbau-ingenieur-m-w-d"),
        ("ÄÖÜ äöü ß ẞ", "aeoeue-aeoeue-ss-ss"),
        ("STRASSE Straße", "strasse-strasse"),
        ("Ærø Café Łódź", "aero-cafe-lodz"),
        ("  C++ / C#  Entwickler  ", "c-c-entwickler"),
        ("Developer 2", "developer-2"),
        ("Senior Backend Developer", "senior-backend-developer"),
        ("100% Remote: Python Developer", "100-remote-python-developer"),
        ("Python_Entwickler Backend", "python-entwickler-backend"),
    ],
)
def test_slug_base_transliterates(title, slug):
    assert slug_base(title, fallback="job") == slug


def test_slug_base_normalises_nfc():
    precomposed = "M\u00fcller \u00c4rztin"
    decomposed = "Mu\u0308ller A\u0308rztin"

    assert slug_base(decomposed, fallback="job") == slug_base(precomposed, fallback="job") == "mueller-aerztin"


@pytest.mark.parametrize("title", ["", "   ", "---", "!!!", "🚀🚀🚀", "(/)"])
def test_slug_base_fallback(title):
    assert slug_base(title, fallback="job") == "job"


def test_slug_base_cuts_at_word_boundary():
    slug = slug_base("wort " * 100, fallback="job")

    assert len(slug) <= SLUG_BASE_MAX_LENGTH
    assert set(slug.split("-")) == {"wort"}


def test_slug_base_cuts_one_long_word():
    slug = slug_base("x" * 255, fallback="job")

    assert slug == "x" * SLUG_BASE_MAX_LENGTH


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_slug_base_always_url_safe(title):
    slug = slug_base(title, fallback="job")

    assert SLUG_PATTERN.fullmatch(slug), slug
    assert len(slug) <= SLUG_BASE_MAX_LENGTH
    assert slug_base(unicodedata.normalize("NFD", title), fallback="job") == slug


# first_free_slug


@pytest.fixture
def add_slugs(company):
    """Store jobs with exactly these slugs, bypassing the service."""

    def factory(*slugs: str) -> None:
        for slug in slugs:
            Job.objects.create(company=company, slug=slug, **BASE_JOB)

    return factory


def test_first_free_slug_untaken(unique):
    assert first_free_slug(Job, f"frei-{unique}") == f"frei-{unique}"


def test_first_free_slug_base_taken(add_slugs, unique):
    base = f"stelle-{unique}"
    add_slugs(base)

    assert first_free_slug(Job, base) == f"{base}-2"


def test_first_free_slug_next_suffix(add_slugs, unique):
    base = f"stelle-{unique}"
    add_slugs(base, f"{base}-2", f"{base}-3")

    assert first_free_slug(Job, base) == f"{base}-4"


def test_first_free_slug_fills_gap(add_slugs, unique):
    base = f"stelle-{unique}"
    add_slugs(base, f"{base}-3")

    assert first_free_slug(Job, base) == f"{base}-2"


def test_first_free_slug_suffix_without_base(add_slugs, unique):
    base = f"stelle-{unique}"
    add_slugs(f"{base}-2")

    assert first_free_slug(Job, base) == base


def test_first_free_slug_ignores_longer_slugs(add_slugs, unique):
    base = f"stelle-{unique}"
    add_slugs(base, f"{base}-2-2", f"{base}-koeln", f"{base}2", f"{base}-10")

    assert first_free_slug(Job, base) == f"{base}-2"


def test_first_free_slug_other_model(make_company, unique):
    company = make_company(name=f"Bäckerei {unique}")

    assert company.slug == f"baeckerei-{unique}"
    assert first_free_slug(type(company), company.slug) == f"baeckerei-{unique}-2"


# Slugs assigned through the API.


def test_slug_fixed_when_title_changes(api, unique):
    job = api.post("/jobs", json={**BASE_JOB, "title": f"Koch {unique}"}).json()["data"]

    patched = api.patch(f"/jobs/{job['id']}", json={"title": f"Köchin {unique}"}).json()["data"]
    put = api.put(f"/jobs/{job['id']}", json={"title": f"Chefkoch {unique}"}).json()["data"]

    assert job["slug"] == f"koch-{unique}"
    assert patched["slug"] == job["slug"]
    assert put["slug"] == job["slug"]
    assert Job.objects.get(pk=job["id"]).slug == job["slug"]


def test_slug_follows_old_title_base(api, unique):
    first = api.post("/jobs", json={**BASE_JOB, "title": f"Maurer {unique}"}).json()["data"]
    api.patch(f"/jobs/{first['id']}", json={"title": f"Zimmerer {unique}"})

    second = api.post("/jobs", json={**BASE_JOB, "title": f"Maurer {unique}"}).json()["data"]
    third = api.post("/jobs", json={**BASE_JOB, "title": f"Zimmerer {unique}"}).json()["data"]

    assert second["slug"] == f"maurer-{unique}-2"
    assert third["slug"] == f"zimmerer-{unique}"


def test_slug_fallback_for_symbols(api):
    Job.objects.filter(slug__regex=r"^job(-[0-9]+)*$").delete()

    first = api.post("/jobs", json={**BASE_JOB, "title": "🚀🚀🚀"})
    second = api.post("/jobs", json={**BASE_JOB, "title": "!?!"})

    assert first.status_code == 201
    assert second.status_code == 201
    assert first.json()["data"]["slug"] == "job"
    assert second.json()["data"]["slug"] == "job-2"


def test_slug_freed_by_delete(api, unique):
    body = {**BASE_JOB, "title": f"Elektriker {unique}"}
    first = api.post("/jobs", json=body).json()["data"]
    second = api.post("/jobs", json=body).json()["data"]

    api.delete(f"/jobs/{first['id']}")
    third = api.post("/jobs", json=body).json()["data"]

    assert second["slug"] == f"elektriker-{unique}-2"
    assert third["slug"] == f"elektriker-{unique}"


def test_slug_global_across_companies(api, client_for, make_key, unique):
    body = {**BASE_JOB, "title": f"Tischler {unique}"}
    other = client_for(make_key().plaintext)

    own = api.post("/jobs", json=body).json()["data"]
    foreign = other.post("/jobs", json=body).json()["data"]

    assert own["slug"] == f"tischler-{unique}"
    assert foreign["slug"] == f"tischler-{unique}-2"


def test_slug_for_longest_title(api, unique):
    title = f"{unique} " + "Fachkraft " * 24 + "X" * 6
    assert len(title) == 255
    body = {**BASE_JOB, "title": title}

    first = api.post("/jobs", json=body).json()["data"]
    second = api.post("/jobs", json=body).json()["data"]

    assert first["slug"].startswith(f"{unique}-fachkraft-")
    assert len(first["slug"]) <= SLUG_BASE_MAX_LENGTH
    assert second["slug"] == f"{first['slug']}-2"


@pytest.mark.parametrize(
    "existing",
    [[], [""], ["", "-2", "-3"], ["", "-3"], ["-2"], ["", "-2-2", "-koeln", "2", "-10"], ["", "-9", "-10", "-11"]],
    ids=["untaken", "taken", "next", "gap", "suffix-only", "longer", "two-digits"],
)
def test_job_slug_matches_shared_rule(add_slugs, unique, existing):
    base = f"bote-{unique}"
    add_slugs(*(base + tail for tail in existing))

    assert services._first_free_job_slug(base) == first_free_slug(Job, base)
