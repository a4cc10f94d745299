"""Client addresses and IP allow-lists.

The client address is REMOTE_ADDR unless the peer is a trusted proxy
(JOBRIVER_TRUSTED_PROXIES); then it is the right-most X-Forwarded-For entry
that is not itself a trusted proxy, so a client cannot forge its address by
sending the header itself. IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`)
are compared as the IPv4 address they carry.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# IPv4-mapped IPv6 addresses lie in ::ffff:0:0/96, with the IPv4 address in the last 32 bits.
MAPPED_PREFIX_LENGTH = 96


def parse_address(text: str) -> IPAddress | None:
    """Return the address in `text`, unwrapping IPv4-mapped IPv6, or None if it is not one."""
    try:
        address = ipaddress.ip_address(text.strip().split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def parse_network(text: str) -> IPNetwork:
    """Return the network for a CIDR or a single address; raise ValueError if invalid.

    Host bits are cleared (`192.168.1.7/24` becomes `192.168.1.0/24`), since
    an allow-list entry names a network. A network inside the IPv4-mapped
    range becomes the IPv4 network it covers (`::ffff:10.0.0.0/104` becomes
    `10.0.0.0/8`), because client addresses are unwrapped the same way.
    """
    network = ipaddress.ip_network(text.strip(), strict=False)
    if isinstance(network, ipaddress.IPv6Network) and network.prefixlen >= MAPPED_PREFIX_LENGTH:
        mapped = network.network_address.ipv4_mapped
        if mapped is not None:
            return ipaddress.IPv4Network((mapped, network.prefixlen - MAPPED_PREFIX_LENGTH))
    return network


def check_trusted_proxies() -> None:
    """Raise ImproperlyConfigured if JOBRIVER_TRUSTED_PROXIES has an entry that is not a network."""
    _networks, invalid = normalise_allowlist(list(settings.JOBRIVER_TRUSTED_PROXIES))
    if invalid:
        entries = ", ".join(repr(entry) for entry in invalid)
        raise ImproperlyConfigured(
            f"JOBRIVER_TRUSTED_PROXIES has invalid entries: {entries}. "
            "Give IPv4 or IPv6 addresses or CIDR networks, separated by commas."
        )


@lru_cache(maxsize=1)
def _trusted_proxies(configured: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(parse_network(entry) for entry in configured)


def _is_trusted_proxy(address: IPAddress | None) -> bool:
    if address is None:
        return False
    networks = _trusted_proxies(tuple(settings.JOBRIVER_TRUSTED_PROXIES))
    return any(address.version == network.version and address in network for network in networks)


def is_trusted_peer(request: HttpRequest) -> bool:
    """Return whether the request's direct peer (REMOTE_ADDR) is in JOBRIVER_TRUSTED_PROXIES."""
    return _is_trusted_proxy(parse_address(request.META.get("REMOTE_ADDR", "")))


def client_ip(request: HttpRequest) -> str:
    """Return the client's address as text, as described in the module docstring."""
    peer = parse_address(request.META.get("REMOTE_ADDR", "")) or ipaddress.ip_address("0.0.0.0")
    if not _is_trusted_proxy(peer):
        return str(peer)

    forwarded = [parse_address(part) for part in request.headers.get("X-Forwarded-For", "").split(",")]
    for address in reversed(forwarded):
        if address is None:
            # A malformed entry ends the trusted chain; the peer is the best we know.
            break
        if not _is_trusted_proxy(address):
            return str(address)
    return str(peer)


def is_allowed(ip: str, allowlist: list[str]) -> bool:
    """Return whether `ip` lies in one of the allow-list's networks; an empty list allows all."""
    if not allowlist:
        return True
    address = parse_address(ip)
    if address is None:
        return False
    for entry in allowlist:
        # The services store only valid networks, but an entry edited into the
        # database by hand may be invalid. It then matches nothing instead of
        # turning the request into a 500.
        try:
            network = parse_network(entry)
        except (ValueError, AttributeError):
            continue
        if address.version == network.version and address in network:
            return True
    return False


def normalise_allowlist(entries: list[str]) -> tuple[list[str], list[str]]:
    """Return the canonical networks, without repeats, and the entries that are not valid CIDRs."""
    networks: list[str] = []
    invalid: list[str] = []
    for entry in entries:
        try:
            network = str(parse_network(entry))
        except ValueError:
            invalid.append(entry)
            continue
        if network not in networks:
            networks.append(network)
    return networks, invalid
