"""Properties of slug generation: the shape of every slug and the first free suffix."""

import re
import unicodedata
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobriver.jobs.models import SLUG_MAX_LENGTH, Category
from jobriver.slugs import SLUG_BASE_MAX_LENGTH, first_free_slug, slug_base

SLUG_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
FALLBACK = "job"

titles = st.text(max_size=400)
german_titles = st.text(alphabet="äöüÄÖÜßẞaouAOU -/()&:.,0123456789", max_size=80)


@given(titles)
def test_slug_shape(title):
    slug = slug_base(title, fallback=FALLBACK)

    assert slug
    assert slug.isascii()
    assert slug == slug.lower()
    assert SLUG_PATTERN.fullmatch(slug), slug
    assert len(slug) <= SLUG_BASE_MAX_LENGTH <= SLUG_MAX_LENGTH


@given(titles)
def test_slug_deterministic(title):
    assert slug_base(title, fallback=FALLBACK) == slug_base(title, fallback=FALLBACK)


@given(titles)
def test_slug_ignores_normal_form(title):
    composed = unicodedata.normalize("NFC", title)
    decomposed = unicodedata.normalize("NFD", title)

    assert slug_base(composed, fallback=FALLBACK) == slug_base(decomposed, fallback=FALLBACK)


@given(german_titles)
def test_slug_transliterates_german(title):
    slug = slug_base(title, fallback=FALLBACK)

    assert SLUG_PATTERN.fullmatch(slug), slug
    if any(character in title for character in "äöüÄÖÜ"):
        assert re.search("ae|oe|ue", slug), (title, slug)
    if "ß" in title or "ẞ" in title:
        assert "ss" in slug, (title, slug)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    taken_suffixes=st.sets(st.integers(min_value=2, max_value=12), max_size=8),
    base_taken=st.booleans(),
    decoys=st.lists(st.sampled_from(["-x", "-2-3", "x", "-0", "-02"]), max_size=3),
)
def test_first_free_slug_unique(taken_suffixes, base_taken, decoys):
    base = f"stelle-{uuid.uuid4().hex[:10]}"
    taken = {f"{base}-{suffix}" for suffix in taken_suffixes}
    if base_taken:
        taken.add(base)
    # Slugs that start like the base but are not base-N must not shift the suffix.
    taken.update(f"{base}{decoy}" for decoy in decoys)
    Category.objects.bulk_create(Category(name=slug, slug=slug) for slug in taken)

    slug = first_free_slug(Category, base)

    assert slug not in taken
    if not base_taken:
        assert slug == base
    else:
        suffix = int(slug.removeprefix(f"{base}-"))
        assert suffix == min(set(range(2, 14)) - taken_suffixes)
    Category.objects.filter(slug__startswith=base).delete()
