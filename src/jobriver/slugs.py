"""URL slugs with German transliteration.

Text is NFC-normalised first, so `ü` typed as one code point and as `u` plus
a combining diaeresis give the same slug; then umlauts and ß become ae, oe,
ue and ss, the rest is transliterated to ASCII, lower-cased and joined with
hyphens.
"""

import re
import unicodedata

from django.db.models import Model, Q
from slugify import slugify

GERMAN_REPLACEMENTS = [
    ["Ä", "Ae"],
    ["Ö", "Oe"],
    ["Ü", "Ue"],
    ["ä", "ae"],
    ["ö", "oe"],
    ["ü", "ue"],
    ["ß", "ss"],
    ["ẞ", "SS"],
]

# Long titles are cut at a word boundary; suffixes such as -12 fit in the field.
SLUG_BASE_MAX_LENGTH = 200


def slug_base(text: str, *, fallback: str) -> str:
    """Return the slug for `text`, or `fallback` when nothing of it survives transliteration."""
    normalised = unicodedata.normalize("NFC", text)
    slug = slugify(
        normalised,
        replacements=GERMAN_REPLACEMENTS,
        max_length=SLUG_BASE_MAX_LENGTH,
        word_boundary=True,
    )
    return slug or fallback


def first_free_slug(model: type[Model], base: str) -> str:
    """Return `base`, or `base-2`, `base-3` … whichever is the first not taken in `model`.

    The suffix comes from the slugs that exist, not from counting titles, so
    a job titled "Developer 2" (slug `developer-2`) pushes the next "Developer"
    to `developer-3`.
    """
    pattern = rf"^{re.escape(base)}-[0-9]+$"
    taken = set(
        model.objects.filter(Q(slug=base) | Q(slug__startswith=f"{base}-", slug__regex=pattern)).values_list(
            "slug", flat=True
        )
    )
    if base not in taken:
        return base

    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"
