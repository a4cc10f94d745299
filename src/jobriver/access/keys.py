"""The format of API keys and admin tokens, and their keyed hash.

A key is `<prefix><40 random base62 characters><6-character checksum>`,
for example `jrv_…` for a company key and `jra_…` for an admin token. The
random part carries about 238 bits. The checksum (CRC-32 of everything
before it, in base62) lets a mistyped key fail before any database lookup.
"""

import hashlib
import hmac
import secrets
import string
import zlib

from django.conf import settings

COMPANY_KEY_PREFIX = "jrv_"
ADMIN_TOKEN_PREFIX = "jra_"

BASE62_ALPHABET = string.digits + string.ascii_letters
RANDOM_LENGTH = 40
CHECKSUM_LENGTH = 6
KEY_LENGTH = len(COMPANY_KEY_PREFIX) + RANDOM_LENGTH + CHECKSUM_LENGTH
DISPLAY_PREFIX_LENGTH = 8


def _base62(number: int, width: int) -> str:
    digits = []
    while number:
        number, remainder = divmod(number, 62)
        digits.append(BASE62_ALPHABET[remainder])
    return "".join(reversed(digits)).rjust(width, "0")


def _checksum(text: str) -> str:
    return _base62(zlib.crc32(text.encode("ascii")), CHECKSUM_LENGTH)


def generate_key(prefix: str) -> str:
    """Return a new random key with the given prefix and its checksum."""
    body = prefix + "".join(secrets.choice(BASE62_ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + _checksum(body)


def is_well_formed(key: str, prefix: str) -> bool:
    """Return whether `key` has the prefix, length, alphabet and checksum of a real key."""
    if len(key) != KEY_LENGTH or not key.startswith(prefix):
        return False
    # Checking the whole tail first also keeps non-ASCII text away from compare_digest, which rejects it.
    if any(character not in BASE62_ALPHABET for character in key[len(prefix) :]):
        return False
    return hmac.compare_digest(key[-CHECKSUM_LENGTH:], _checksum(key[:-CHECKSUM_LENGTH]))


def hash_key(key: str) -> str:
    """Return the keyed hash under which a key is stored (HMAC-SHA256, hex)."""
    secret = settings.JOBRIVER_KEY_HASH_SECRET.encode("utf-8")
    return hmac.new(secret, key.encode("utf-8"), hashlib.sha256).hexdigest()


def display_prefix(key: str) -> str:
    return key[:DISPLAY_PREFIX_LENGTH]
