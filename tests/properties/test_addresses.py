"""Properties of IP allow-lists: `is_allowed` agrees with the ipaddress module.

The reference below compares in one address family: an IPv4-mapped IPv6
address is its IPv4 address, and a network that lies wholly inside the
mapped range ::ffff:0:0/96 is the IPv4 network it covers. Other networks
never contain an address of the other family.
"""

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from jobriver.access.addresses import is_allowed

MAPPED_RANGE = ipaddress.IPv6Network("::ffff:0:0/96")
IPV4_BITS = 32


def reference_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    address = ipaddress.ip_address(text)
    if address.version == 6 and address in MAPPED_RANGE:
        return ipaddress.IPv4Address(int(address) & (2**IPV4_BITS - 1))
    return address


def reference_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    network = ipaddress.ip_network(text, strict=False)
    if network.version == 6 and network.subnet_of(MAPPED_RANGE):
        low = int(network.network_address) & (2**IPV4_BITS - 1)
        return ipaddress.IPv4Network((low, network.prefixlen - (128 - IPV4_BITS)))
    return network


def reference_allowed(ip: str, allowlist: list[str]) -> bool:
    if not allowlist:
        return True
    address = reference_address(ip)
    networks = [reference_network(entry) for entry in allowlist]
    return any(address.version == network.version and address in network for network in networks)


ipv4 = st.ip_addresses(v=4)
ipv6 = st.ip_addresses(v=6)


@st.composite
def addresses(draw) -> str:
    """Return an IPv4, IPv6 or IPv4-mapped IPv6 address as text."""
    kind = draw(st.sampled_from(["v4", "v6", "mapped"]))
    if kind == "v4":
        return str(draw(ipv4))
    if kind == "v6":
        return str(draw(ipv6))
    return f"::ffff:{draw(ipv4)}"


@st.composite
def networks(draw) -> str:
    """Return a CIDR, possibly with host bits set, in IPv4, IPv6 or the IPv4-mapped range."""
    kind = draw(st.sampled_from(["v4", "v6", "mapped"]))
    if kind == "v4":
        return f"{draw(ipv4)}/{draw(st.integers(0, 32))}"
    if kind == "v6":
        return f"{draw(ipv6)}/{draw(st.integers(0, 128))}"
    return f"::ffff:{draw(ipv4)}/{draw(st.integers(80, 128))}"


@st.composite
def nearby(draw, network_text: str) -> str:
    """Return an address at the edge of a network, inside or just outside it."""
    network = ipaddress.ip_network(network_text, strict=False)
    edge = draw(st.sampled_from([network.network_address, network.broadcast_address]))
    step = draw(st.sampled_from([-1, 0, 1]))
    value = min(max(int(edge) + step, 0), 2 ** network.max_prefixlen - 1)
    return str(ipaddress.ip_address(value) if network.version == 4 else ipaddress.IPv6Address(value))


@given(ip=addresses(), network=networks())
def test_single_network_agrees(ip, network):
    assert is_allowed(ip, [network]) is reference_allowed(ip, [network])


@given(network=networks(), data=st.data())
def test_network_edges_agree(network, data):
    ip = data.draw(nearby(network))

    assert is_allowed(ip, [network]) is reference_allowed(ip, [network])


@given(ip=addresses(), allowlist=st.lists(networks(), max_size=5))
def test_allowlist_agrees(ip, allowlist):
    assert is_allowed(ip, allowlist) is reference_allowed(ip, allowlist)


@given(ipv4)
def test_mapped_same_as_ipv4(address):
    network = f"{address}/32"

    assert is_allowed(f"::ffff:{address}", [network]) is True
    assert is_allowed(str(address), [f"::ffff:{address}/128"]) is True
