"""Units of the key format, checksum and hash, the client address and IP allow-lists.

Also checks that the database holds only the hash of a key, never its plaintext.
"""

import hashlib
import hmac
import ipaddress
import string

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import RequestFactory

from jobriver.access import addresses, keys
from jobriver.access.models import ApiKey

BASE62 = set(string.digits + string.ascii_letters)


def _replace(text: str, index: int, character: str) -> str:
    return text[:index] + character + text[index + 1 :]


def _other_base62(character: str) -> str:
    return "A" if character != "A" else "B"


# Format and checksum.


@pytest.mark.parametrize("prefix", [keys.COMPANY_KEY_PREFIX, keys.ADMIN_TOKEN_PREFIX])
def test_generated_key_format(prefix):
    key = keys.generate_key(prefix)

    assert key.startswith(prefix)
    assert len(key) == len(prefix) + 40 + 6
    assert set(key[len(prefix) :]) <= BASE62
    assert keys.is_well_formed(key, prefix)


def test_generated_keys_differ():
    generated = {keys.generate_key(keys.COMPANY_KEY_PREFIX) for _ in range(50)}

    assert len(generated) == 50


@pytest.mark.parametrize("index", [4, 20, 43])
def test_changed_random_character_fails_checksum(index):
    key = keys.generate_key(keys.COMPANY_KEY_PREFIX)

    changed = _replace(key, index, _other_base62(key[index]))

    assert not keys.is_well_formed(changed, keys.COMPANY_KEY_PREFIX)


@pytest.mark.parametrize("index", [44, 49])
def test_changed_checksum_character_fails(index):
    key = keys.generate_key(keys.COMPANY_KEY_PREFIX)

    changed = _replace(key, index, _other_base62(key[index]))

    assert not keys.is_well_formed(changed, keys.COMPANY_KEY_PREFIX)


def test_swapped_characters_fail_checksum():
    key = keys.generate_key(keys.COMPANY_KEY_PREFIX)
    body = list(key)
    index = next(i for i in range(4, 43) if body[i] != body[i + 1])
    body[index], body[index + 1] = body[index + 1], body[index]

    assert not keys.is_well_formed("".join(body), keys.COMPANY_KEY_PREFIX)


@pytest.mark.parametrize("length_change", [-1, 1])
def test_wrong_length_is_malformed(length_change):
    key = keys.generate_key(keys.COMPANY_KEY_PREFIX)
    body = key[:-6]
    body = body[:-1] if length_change < 0 else body + "x"

    # The checksum is correct, so only the length is wrong.
    assert not keys.is_well_formed(body + keys._checksum(body), keys.COMPANY_KEY_PREFIX)


def test_admin_prefix_is_not_company_key():
    token = keys.generate_key(keys.ADMIN_TOKEN_PREFIX)

    assert not keys.is_well_formed(token, keys.COMPANY_KEY_PREFIX)
    assert not keys.is_well_formed(keys.generate_key(keys.COMPANY_KEY_PREFIX), keys.ADMIN_TOKEN_PREFIX)


@pytest.mark.parametrize("prefix", ["JRV_", "jrv-", "abc_"])
def test_wrong_prefix_is_malformed(prefix):
    body = prefix + "a" * 40

    assert not keys.is_well_formed(body + keys._checksum(body), keys.COMPANY_KEY_PREFIX)


@pytest.mark.parametrize("character", ["-", "_", " ", "+", "/"])
def test_non_base62_character_is_malformed(character):
    body = keys.COMPANY_KEY_PREFIX + "a" * 20 + character + "a" * 19

    # The checksum fits, so only the alphabet is wrong.
    assert not keys.is_well_formed(body + keys._checksum(body), keys.COMPANY_KEY_PREFIX)


def test_non_ascii_character_is_malformed():
    key = keys.generate_key(keys.COMPANY_KEY_PREFIX)

    assert keys.is_well_formed(_replace(key, 10, "ä"), keys.COMPANY_KEY_PREFIX) is False


@pytest.mark.parametrize("character", ["ä", "€", "\x00", "-"])
def test_non_base62_checksum_is_malformed(character):
    key = keys.generate_key(keys.COMPANY_KEY_PREFIX)

    changed = _replace(key, 49, character)

    assert keys.is_well_formed(changed, keys.COMPANY_KEY_PREFIX) is False


def test_empty_key_is_malformed():
    assert not keys.is_well_formed("", keys.COMPANY_KEY_PREFIX)


# Hash.


def test_hash_is_hmac_sha256_hex(settings):
    key = keys.generate_key(keys.COMPANY_KEY_PREFIX)
    expected = hmac.new(settings.JOBRIVER_KEY_HASH_SECRET.encode(), key.encode(), hashlib.sha256).hexdigest()

    assert keys.hash_key(key) == expected
    assert len(expected) == 64
    assert set(expected) <= set(string.hexdigits.lower())


def test_hash_depends_on_secret(settings):
    key = keys.generate_key(keys.COMPANY_KEY_PREFIX)
    first = keys.hash_key(key)

    settings.JOBRIVER_KEY_HASH_SECRET = "another secret"

    assert keys.hash_key(key) != first


def test_hash_is_not_plain_sha256():
    key = keys.generate_key(keys.COMPANY_KEY_PREFIX)

    assert keys.hash_key(key) != hashlib.sha256(key.encode()).hexdigest()


def test_display_prefix_is_first_eight():
    key = keys.generate_key(keys.COMPANY_KEY_PREFIX)

    assert keys.display_prefix(key) == key[:8]


# Storage.


def test_database_never_holds_plaintext(make_key):
    issued = [make_key() for _ in range(3)]

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(ApiKey._meta.db_table)}")
        rows = cursor.fetchall()

    dump = "\n".join(str(value) for row in rows for value in row)
    for key in issued:
        assert key.plaintext not in dump
        assert key.plaintext[4:44] not in dump
        assert key.plaintext[8:] not in dump


def test_stored_hash_and_prefix(make_key):
    issued = make_key()

    stored = ApiKey.objects.get(pk=issued.credential.pk)

    assert stored.key_hash == keys.hash_key(issued.plaintext)
    assert stored.prefix == issued.plaintext[:8]


# Addresses.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.0.0.1", "10.0.0.1"),
        (" 10.0.0.1 ", "10.0.0.1"),
        ("::ffff:10.0.0.1", "10.0.0.1"),
        ("::FFFF:192.168.1.7", "192.168.1.7"),
        ("2001:db8::1", "2001:db8::1"),
        ("fe80::1%eth0", "fe80::1"),
        ("::1", "::1"),
    ],
)
def test_parse_address(text, expected):
    assert addresses.parse_address(text) == ipaddress.ip_address(expected)


@pytest.mark.parametrize("text", ["", "not-an-ip", "10.0.0.256", "10.0.0.1:8080", "[::1]", "10.0.0.0/8"])
def test_parse_address_rejects_non_addresses(text):
    assert addresses.parse_address(text) is None


def test_parse_network_clears_host_bits():
    assert addresses.parse_network("192.168.1.7/24") == ipaddress.ip_network("192.168.1.0/24")


def test_parse_network_single_address():
    assert addresses.parse_network("10.1.2.3") == ipaddress.ip_network("10.1.2.3/32")


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("::ffff:10.0.0.0/104", "10.0.0.0/8"),
        ("::ffff:192.168.1.7", "192.168.1.7/32"),
        ("::ffff:0:0/96", "0.0.0.0/0"),
    ],
)
def test_parse_network_unwraps_mapped_ipv4(entry, expected):
    assert addresses.parse_network(entry) == ipaddress.ip_network(expected)


@pytest.mark.parametrize(
    ("ip", "allowlist"),
    [
        ("192.168.1.100", ["192.168.1.0/24"]),
        ("192.168.1.100", ["10.0.0.0/8", "192.168.1.100/32"]),
        ("2001:db8::5", ["2001:db8::/32"]),
        ("::ffff:192.168.1.100", ["192.168.1.0/24"]),
        ("192.168.1.100", ["::ffff:192.168.1.0/120"]),
        ("::1", ["::1/128"]),
        ("127.0.3.7", ["127.0.0.0/8"]),
    ],
)
def test_allowlist_admits(ip, allowlist):
    assert addresses.is_allowed(ip, allowlist) is True


@pytest.mark.parametrize(
    ("ip", "allowlist"),
    [
        ("192.168.2.1", ["192.168.1.0/24"]),
        ("10.0.0.1", ["2001:db8::/32"]),
        ("2001:db9::1", ["2001:db8::/32"]),
        ("::ffff:10.0.0.1", ["192.168.1.0/24"]),
        ("::1", ["127.0.0.1/32"]),
        ("127.0.0.1", ["::1/128"]),
        ("not-an-ip", ["0.0.0.0/0"]),
    ],
)
def test_allowlist_rejects(ip, allowlist):
    assert addresses.is_allowed(ip, allowlist) is False


def test_empty_allowlist_admits_all():
    assert addresses.is_allowed("203.0.113.9", []) is True
    assert addresses.is_allowed("2001:db8::1", []) is True


def test_allowlist_skips_invalid_entry():
    # An entry edited into the database by hand must not turn every request into a 500.
    assert addresses.is_allowed("10.0.0.1", ["not a network", "10.0.0.0/8"]) is True
    assert addresses.is_allowed("10.0.0.1", ["not a network"]) is False


def test_normalise_allowlist():
    networks, invalid = addresses.normalise_allowlist(
        ["192.168.1.7/24", "192.168.1.0/24", " 10.0.0.1 ", "2001:DB8::/32", "::ffff:172.16.0.0/108", "nonsense", ""]
    )

    assert networks == ["192.168.1.0/24", "10.0.0.1/32", "2001:db8::/32", "172.16.0.0/12"]
    assert invalid == ["nonsense", ""]


# Client address.


def _request(remote_addr: str | None, forwarded: str | None = None):
    extra = {}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/api/v1/status", **extra)
    if remote_addr is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = remote_addr
    return request


def test_client_ip_is_remote_addr(settings):
    settings.JOBRIVER_TRUSTED_PROXIES = []

    assert addresses.client_ip(_request("203.0.113.5")) == "203.0.113.5"


def test_client_ip_ignores_forwarded_without_proxy(settings):
    settings.JOBRIVER_TRUSTED_PROXIES = []

    assert addresses.client_ip(_request("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


def test_client_ip_unwraps_mapped_remote_addr(settings):
    settings.JOBRIVER_TRUSTED_PROXIES = []

    assert addresses.client_ip(_request("::ffff:203.0.113.5")) == "203.0.113.5"


def test_client_ip_without_remote_addr(settings):
    settings.JOBRIVER_TRUSTED_PROXIES = []

    assert addresses.client_ip(_request(None)) == "0.0.0.0"


def test_client_ip_behind_trusted_proxy(settings):
    settings.JOBRIVER_TRUSTED_PROXIES = ["10.0.0.0/8"]

    request = _request("10.0.0.2", "198.51.100.1, 203.0.113.7")

    assert addresses.client_ip(request) == "203.0.113.7"


def test_client_ip_skips_trusted_chain(settings):
    settings.JOBRIVER_TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::/32"]

    request = _request("10.0.0.2", "198.51.100.1, 203.0.113.7, 2001:db8::9, 10.1.1.1")

    assert addresses.client_ip(request) == "203.0.113.7"


def test_client_ip_forged_left_entry_ignored(settings):
    settings.JOBRIVER_TRUSTED_PROXIES = ["10.0.0.2/32"]

    # The client sent "1.2.3.4" itself; the proxy appended the real peer.
    request = _request("10.0.0.2", "1.2.3.4, 198.51.100.20")

    assert addresses.client_ip(request) == "198.51.100.20"


def test_client_ip_all_trusted_is_peer(settings):
    settings.JOBRIVER_TRUSTED_PROXIES = ["10.0.0.0/8"]

    assert addresses.client_ip(_request("10.0.0.2", "10.0.0.3, 10.0.0.4")) == "10.0.0.2"


def test_client_ip_malformed_forwarded_is_peer(settings):
    settings.JOBRIVER_TRUSTED_PROXIES = ["10.0.0.0/8"]

    assert addresses.client_ip(_request("10.0.0.2", "198.51.100.1, garbage")) == "10.0.0.2"
    assert addresses.client_ip(_request("10.0.0.2")) == "10.0.0.2"


def test_client_ip_forwarded_mapped_address(settings):
    settings.JOBRIVER_TRUSTED_PROXIES = ["10.0.0.0/8"]

    assert addresses.client_ip(_request("10.0.0.2", "::ffff:198.51.100.1")) == "198.51.100.1"


def test_client_ip_mapped_proxy_is_trusted(settings):
    settings.JOBRIVER_TRUSTED_PROXIES = ["10.0.0.0/8"]

    request = _request("::ffff:10.0.0.2", "198.51.100.1")

    assert addresses.client_ip(request) == "198.51.100.1"


def test_trusted_proxies_check_passes(settings):
    settings.JOBRIVER_TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::1", "::ffff:192.168.0.0/112"]

    assert addresses.check_trusted_proxies() is None


def test_trusted_proxies_check_rejects(settings):
    settings.JOBRIVER_TRUSTED_PROXIES = ["10.0.0.0/8", "proxy.example", "10.0.0.0/33"]

    with pytest.raises(ImproperlyConfigured) as raised:
        addresses.check_trusted_proxies()

    assert str(raised.value) == (
        "JOBRIVER_TRUSTED_PROXIES has invalid entries: 'proxy.example', '10.0.0.0/33'. "
        "Give IPv4 or IPv6 addresses or CIDR networks, separated by commas."
    )
