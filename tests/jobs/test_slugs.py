"""Slugs: transliteration and suffixes in `jobriver.slugs`, the job slug sequences, and how the API assigns slugs."""

import importlib
import re
import threading
import unicodedata

import httpx
import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from jobriver.access.services import IssuedKey
from jobriver.jobs.models import Job, JobSlugSequence
from jobriver.jobs.slug_sequence import slug_highest_suffix, slug_sequence_advance
from jobriver.slugs import SLUG_BASE_MAX_LENGTH, first_free_slug, slug_base
from tests.conftest import BASE_JOB, make_client, remove_jobs_with_slug_base

fill_migration = importlib.import_module("jobriver.jobs.migrations.0004_job_slug_sequence")

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


# The sequence of a base.


def sequence_value(base: str) -> int | None:
    return JobSlugSequence.objects.filter(base=base).values_list("last_suffix", flat=True).first()


def test_sequence_advance_starts_at_one(unique):
    base = f"start-{unique}"

    assert slug_sequence_advance(base) == 1
    assert slug_sequence_advance(base) == 2
    assert sequence_value(base) == 2


def test_sequence_advance_at_least(unique):
    base = f"sprung-{unique}"

    assert slug_sequence_advance(base, at_least=7) == 7
    assert slug_sequence_advance(base, at_least=3) == 8
    assert slug_sequence_advance(base, at_least=20) == 20
    assert slug_sequence_advance(base) == 21


@pytest.mark.parametrize(
    ("existing", "highest"),
    [
        ([], 0),
        ([""], 1),
        (["", "-2", "-3"], 3),
        (["", "-3"], 3),
        (["-2"], 2),
        (["", "-2-2", "-koeln", "2", "-10"], 10),
        (["", "-9", "-10", "-11"], 11),
        (["", "-02", "-0"], 1),
        (["", "-1234567890"], 1),
    ],
    ids=["none", "base", "next", "gap", "suffix-only", "longer", "two-digits", "leading-zero", "ten-digits"],
)
def test_highest_suffix(add_slugs, unique, existing, highest):
    base = f"bote-{unique}"
    add_slugs(*(base + tail for tail in existing))

    assert slug_highest_suffix(base) == highest


# Slugs assigned through the API.


def test_slug_sequence_per_base(api, unique):
    cook = {**BASE_JOB, "title": f"Koch {unique}"}
    baker = {**BASE_JOB, "title": f"Bäcker {unique}"}

    slugs = [api.post("/jobs", json=body).json()["data"]["slug"] for body in (cook, baker, cook, cook, baker)]

    assert slugs == [
        f"koch-{unique}",
        f"baecker-{unique}",
        f"koch-{unique}-2",
        f"koch-{unique}-3",
        f"baecker-{unique}-2",
    ]
    assert sequence_value(f"koch-{unique}") == 3
    assert sequence_value(f"baecker-{unique}") == 2


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
    remove_jobs_with_slug_base("job")

    first = api.post("/jobs", json={**BASE_JOB, "title": "🚀🚀🚀"})
    second = api.post("/jobs", json={**BASE_JOB, "title": "!?!"})

    assert first.status_code == 201
    assert second.status_code == 201
    assert first.json()["data"]["slug"] == "job"
    assert second.json()["data"]["slug"] == "job-2"


def test_slug_not_reused_after_delete(api, unique):
    body = {**BASE_JOB, "title": f"Elektriker {unique}"}
    first = api.post("/jobs", json=body).json()["data"]
    second = api.post("/jobs", json=body).json()["data"]

    deleted = api.delete(f"/jobs/{first['id']}")
    third = api.post("/jobs", json=body).json()["data"]
    api.delete(f"/jobs/{third['id']}")
    fourth = api.post("/jobs", json=body).json()["data"]

    assert deleted.status_code == 200
    assert first["slug"] == f"elektriker-{unique}"
    assert second["slug"] == f"elektriker-{unique}-2"
    assert third["slug"] == f"elektriker-{unique}-3"
    assert fourth["slug"] == f"elektriker-{unique}-4"


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


# Slugs taken by other means: the create skips past them.


def test_slug_skips_slugs_stored_without_sequence(api, add_slugs, unique):
    base = f"monteur-{unique}"
    add_slugs(base, f"{base}-2", f"{base}-5")

    created = api.post("/jobs", json={**BASE_JOB, "title": f"Monteur {unique}"})

    assert created.status_code == 201
    assert created.json()["data"]["slug"] == f"{base}-6"
    assert sequence_value(base) == 6


def test_slug_skips_slug_of_other_base(api, unique):
    base = f"entwickler-{unique}"

    numbered = api.post("/jobs", json={**BASE_JOB, "title": f"Entwickler {unique} 2"}).json()["data"]
    first = api.post("/jobs", json={**BASE_JOB, "title": f"Entwickler {unique}"}).json()["data"]
    second = api.post("/jobs", json={**BASE_JOB, "title": f"Entwickler {unique}"}).json()["data"]
    third = api.post("/jobs", json={**BASE_JOB, "title": f"Entwickler {unique}"}).json()["data"]

    assert numbered["slug"] == f"{base}-2"
    assert first["slug"] == base
    assert second["slug"] == f"{base}-3"
    assert third["slug"] == f"{base}-4"


def test_slug_skip_keeps_other_base_sequence(api, unique):
    base = f"lagerist-{unique}"
    api.post("/jobs", json={**BASE_JOB, "title": f"Lagerist {unique}"})
    api.post("/jobs", json={**BASE_JOB, "title": f"Lagerist {unique}"})

    numbered = api.post("/jobs", json={**BASE_JOB, "title": f"Lagerist {unique} 2"}).json()["data"]
    numbered_again = api.post("/jobs", json={**BASE_JOB, "title": f"Lagerist {unique} 2"}).json()["data"]

    assert numbered["slug"] == f"{base}-2-2"
    assert numbered_again["slug"] == f"{base}-2-3"
    assert sequence_value(f"{base}-2") == 3
    assert sequence_value(base) == 2


# Concurrent creates. Each thread posts for its own company: creates of one
# company wait for each other on the job-limit row lock, so only separate
# companies race for a slug.


def post_concurrently(server_url: str, keys: list[IssuedKey], bodies: list[dict]) -> list[httpx.Response | BaseException]:
    """Send bodies[i] with keys[i], all threads released at once; return the responses in that order."""
    barrier = threading.Barrier(len(keys))
    responses: list[httpx.Response | BaseException | None] = [None] * len(keys)

    def post(index: int) -> None:
        try:
            with make_client(server_url, key=keys[index].plaintext) as client:
                barrier.wait(timeout=30)
                responses[index] = client.post("/jobs", json=bodies[index])
        except BaseException as error:  # reported by the caller's asserts
            responses[index] = error

    threads = [threading.Thread(target=post, args=(index,)) for index in range(len(keys))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return responses


def test_slug_concurrent_creates(server_url, make_key, unique):
    keys = [make_key() for _ in range(20)]
    base = f"data-engineer-{unique}-m-w-d"

    responses = post_concurrently(server_url, keys, [{**BASE_JOB, "title": f"Data Engineer {unique} (m/w/d)"}] * 20)

    statuses = [getattr(response, "status_code", response) for response in responses]
    assert statuses == [201] * 20
    slugs = sorted(response.json()["data"]["slug"] for response in responses)
    assert slugs == sorted([base] + [f"{base}-{suffix}" for suffix in range(2, 21)])
    assert sequence_value(base) == 20


def test_slug_concurrent_creates_of_colliding_bases(server_url, make_key, unique):
    # "Fahrer X 2" and "Fahrer X 3" have bases of their own whose first slugs
    # are suffixes 2 and 3 of "Fahrer X". Whichever create commits first keeps the slug.
    keys = [make_key() for _ in range(18)]
    titles = [f"Fahrer {unique}", f"Fahrer {unique} 2", f"Fahrer {unique} 3"] * 6

    responses = post_concurrently(server_url, keys, [{**BASE_JOB, "title": title} for title in titles])

    statuses = [getattr(response, "status_code", response) for response in responses]
    assert statuses == [201] * 18
    slugs = [response.json()["data"]["slug"] for response in responses]
    assert len(set(slugs)) == 18
    assert Job.objects.filter(slug__in=slugs).count() == 18
    for title, slug in zip(titles, slugs, strict=True):
        base = slug_base(title, fallback="job")
        assert slug == base or re.fullmatch(rf"{base}-[0-9]+", slug), (title, slug)


# The migration that filled the sequences of existing platforms.


def run_fill_migration() -> None:
    with connection.schema_editor() as schema_editor:
        fill_migration.fill_slug_sequences(apps, schema_editor)


def test_migration_fills_highest_suffix(add_slugs, unique):
    add_slugs(f"kurier-{unique}", f"kurier-{unique}-3", f"kurier-{unique}-12")
    add_slugs(f"solo-{unique}-7")
    add_slugs(f"pfad-{unique}-koeln", f"pfad-{unique}-02", f"pfad-{unique}-1234567890")

    run_fill_migration()

    assert sequence_value(f"kurier-{unique}") == 12
    assert sequence_value(f"solo-{unique}") == 7
    assert sequence_value(f"pfad-{unique}-koeln") == 1
    assert sequence_value(f"pfad-{unique}-02") == 1
    assert sequence_value(f"pfad-{unique}-1234567890") == 1
    assert sequence_value(f"pfad-{unique}") is None
    assert sequence_value(f"kurier-{unique}-3") is None


def test_migration_keeps_higher_sequence(add_slugs, unique):
    add_slugs(f"alt-{unique}-4", f"neu-{unique}-5")
    JobSlugSequence.objects.create(base=f"alt-{unique}", last_suffix=9)
    JobSlugSequence.objects.create(base=f"neu-{unique}", last_suffix=2)

    run_fill_migration()

    assert sequence_value(f"alt-{unique}") == 9
    assert sequence_value(f"neu-{unique}") == 5


def test_migration_merges_write_batches(add_slugs, unique, monkeypatch):
    # With two bases per write, one base's slugs land in several batches.
    monkeypatch.setattr(fill_migration, "WRITE_ROWS", 2)
    monkeypatch.setattr(fill_migration, "READ_ROWS", 3)
    slugs = [f"teil-{unique}-{suffix}" for suffix in (4, 9, 2)] + [f"rest-{unique}-{n}" for n in range(2, 6)]
    add_slugs(*slugs)

    run_fill_migration()

    assert sequence_value(f"teil-{unique}") == 9
    assert sequence_value(f"rest-{unique}") == 5


def test_create_after_migration_reads_no_slugs(make_job, add_slugs, unique):
    base = f"kassierer-{unique}"
    add_slugs(base, f"{base}-2", f"{base}-3")
    run_fill_migration()

    with CaptureQueriesContext(connection) as queries:
        job = make_job(title=f"Kassierer {unique}")

    assert job.slug == f"{base}-4"
    assert sequence_value(base) == 4
    slug_reads = [query["sql"] for query in queries.captured_queries if f'"{Job._meta.db_table}"."slug"' in query["sql"]]
    assert slug_reads == []
