"""Which network addresses the audit may connect to for a URL that a fetched document names.

The operator's own sources (a folder, a file, a URL given on the command line) are used as
given. What a sitemap or feed fetched over the network refers to (child sitemaps, photos, and
every redirect on the way) is another matter: its host is resolved and *every* address it
resolves to must be a public internet address: not loopback, private, link-local, multicast,
reserved or unspecified, also not hidden inside an IPv4-mapped or 6to4 IPv6 address. The
stdlib's `ipaddress` properties decide; no ranges are written out here.

The setting `audit_allowed_hosts` (SCREENING_AUDIT_ALLOWED_HOSTS) names exceptions: host
names (matched exactly, any address they resolve to is then accepted) and networks in CIDR
notation (a bare address counts as a /32 or /128).
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from kernel.settings import Settings
from screening.audit.errors import AddressRefusedError, AuditSettingError

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network
#: (host, port) -> the addresses the host resolves to, as text.
Resolver = Callable[[str, int], Sequence[str]]

_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_HOST_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?", re.IGNORECASE)


def resolve_host(host: str, port: int) -> list[str]:
    """Every address `host` resolves to for a TCP connection, in the system resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


# (test, Dutch, English), the first that holds names the reason. The last one catches what
# the others do not name (e.g. shared address space 100.64.0.0/10).
_NOT_PUBLIC: tuple[tuple[Callable[[IPAddress], bool], str, str], ...] = (
    (lambda a: a.is_unspecified, "een onbepaald adres", "an unspecified address"),
    (lambda a: a.is_loopback, "deze computer zelf (loopback)", "this computer itself (loopback)"),
    (lambda a: a.is_link_local, "een link-local adres", "a link-local address"),
    (lambda a: a.is_multicast, "een multicastadres", "a multicast address"),
    (lambda a: a.is_reserved, "een gereserveerd adres", "a reserved address"),
    (lambda a: a.is_private, "een adres in een privé-netwerk", "a private network address"),
    (
        lambda a: isinstance(a, IPv6Address) and a.is_site_local,
        "een site-local adres",
        "a site-local address",
    ),
    (lambda a: not a.is_global, "geen openbaar internetadres", "not a public internet address"),
)


def _embedded_ipv4(address: IPv6Address) -> list[IPv4Address]:
    """The IPv4 addresses a 6to4 or Teredo address carries (they reach those hosts)."""
    found = [address.sixtofour] if address.sixtofour is not None else []
    if address.teredo is not None:
        found.extend(address.teredo)
    return found


def why_not_public(address: IPAddress) -> tuple[str, str] | None:
    """Why the audit may not connect to `address` (Dutch, English), or None if it is public."""
    if isinstance(address, IPv6Address):
        if address.ipv4_mapped is not None:
            return why_not_public(address.ipv4_mapped)
        for inner in _embedded_ipv4(address):
            why = why_not_public(inner)
            if why is not None:
                return why
    for test, nl, en in _NOT_PUBLIC:
        if test(address):
            return nl, en
    return None


def _network(entry: str) -> IPNetwork | None:
    """`entry` as a network, None if it is no address at all; refused with host bits set."""
    try:
        return ip_network(entry)
    except ValueError:
        pass
    try:
        loose = ip_network(entry, strict=False)
    except ValueError:
        return None
    raise AuditSettingError(
        f"audit_allowed_hosts: {entry!r} has bits set after the prefix; did you mean {loose}?",
        f"audit_allowed_hosts: in {entry!r} staan bits na het voorvoegsel; bedoelt u {loose}?",
    )


def _host_key(host: str) -> str:
    return host.lower().rstrip(".")


@dataclass(frozen=True, slots=True)
class AllowList:
    """Host names and networks the audit may fetch from although they are not public."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> AllowList:
        """The allow-list from the setting's entries; AuditSettingError for an unusable one."""
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for raw in entries:
            entry = raw.strip()
            network = _network(entry)
            if network is not None:
                networks.append(network)
            elif entry and _HOST_NAME.fullmatch(entry):
                hosts.add(_host_key(entry))
            else:
                raise AuditSettingError(
                    f"audit_allowed_hosts: {entry!r} is neither a host name "
                    "(intranet.school.nl) nor a network (10.20.0.0/16)",
                    f"audit_allowed_hosts: {entry!r} is geen hostnaam (intranet.school.nl) "
                    "en geen netwerk (10.20.0.0/16)",
                )
        return cls(frozenset(hosts), tuple(networks))

    def allows_host(self, host: str) -> bool:
        """Whether `host` is named on the list (then any address it resolves to will do)."""
        return _host_key(host) in self.hosts

    def allows_address(self, address: IPAddress) -> bool:
        """Whether `address` (or the IPv4 address it maps) lies in a listed network."""
        candidates: list[IPAddress] = [address]
        if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
            candidates.append(address.ipv4_mapped)
        return any(a in n for a in candidates for n in self.networks)


def _literal(host: str) -> IPAddress | None:
    try:
        return ip_address(host)
    except ValueError:
        return None


@dataclass(frozen=True)
class AddressGuard:
    """Resolves a referenced host and says which addresses may be connected to, or refuses."""

    allow: AllowList = field(default_factory=AllowList)
    resolver: Resolver = resolve_host

    @classmethod
    def from_settings(cls, settings: Settings) -> AddressGuard:
        """The guard for `settings.audit_allowed_hosts`, resolving with the system resolver."""
        return cls(AllowList.parse(settings.audit_allowed_hosts))

    def addresses(self, host: str, port: int) -> list[str]:
        """The addresses to connect to for `host`, each checked.

        AddressRefusedError if any of them may not be used (one bad address refuses the
        host: the resolver's order is not ours to rely on); OSError if it does not resolve.
        """
        literal = _literal(host)
        if literal is not None:
            resolved = [literal]
        else:
            resolved = [ip_address(a) for a in self.resolver(host, port)]
            if not resolved:
                raise OSError(f"{host} resolves to no address")
        if not self.allow.allows_host(host):
            for address in resolved:
                self._check(host, address, is_literal=literal is not None)
        return [str(a) for a in resolved]

    def _check(self, host: str, address: IPAddress, *, is_literal: bool) -> None:
        if self.allow.allows_address(address):
            return
        why = why_not_public(address)
        if why is None:
            return
        nl, en = why
        if is_literal:
            raise AddressRefusedError("address_refused", f"{host} is {en}", f"{host} is {nl}")
        raise AddressRefusedError(
            "address_refused",
            f"{host} resolves to {address}, {en}",
            f"{host} wijst naar {address}, {nl}",
        )
