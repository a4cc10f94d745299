"""Search text normalisation shared by writes (stored column) and reads (the needle)."""

import unicodedata


def fold(text: str) -> str:
    """Return `text` NFC-normalised and case-folded, so that Ä matches ä and ß matches SS."""
    return unicodedata.normalize("NFC", text).casefold()


def job_search_text(title: str, description: str) -> str:
    return f"{fold(title)}\n{fold(description)}"
