"""Which addresses the audit may fetch a referenced URL from, as tables (no network at all)."""

from __future__ import annotations

from ipaddress import ip_address

import pytest

from kernel.settings import Settings
from screening.audit.addresses import AddressGuard, AllowList, why_not_public
from screening.audit.errors import AddressRefusedError, AuditSettingError

ADDRESS_CASES = [
    # (address, None if public, else a word of the English reason)
    ("93.184.216.34", None),
    ("2606:4700:4700::1111", None),
    ("::ffff:93.184.216.34", None),  # IPv4-mapped: judged by the IPv4 address inside
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("::1", "loopback"),
    ("::ffff:127.0.0.1", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.5.4", "private"),
    ("192.168.1.1", "private"),
    ("::ffff:192.168.1.1", "private"),
    ("fd12:3456::1", "private"),
    ("2002:c0a8:0101::1", "private"),  # 6to4 to 192.168.1.1
    ("169.254.169.254", "link-local"),  # cloud metadata
    ("fe80::1", "link-local"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("100.64.0.1", "not a public internet address"),  # carrier-grade NAT
    ("192.0.2.1", "private"),  # documentation
    ("2001:db8::1", "private"),  # documentation
]


@pytest.mark.parametrize(("address", "reason"), ADDRESS_CASES, ids=[c[0] for c in ADDRESS_CASES])
def test_address_table(address: str, reason: str | None) -> None:
    why = why_not_public(ip_address(address))
    if reason is None:
        assert why is None
    else:
        assert why is not None and reason in why[1] and why[0] != why[1]


def resolver(names: dict[str, list[str]]) -> AddressGuard:
    """A guard without allow-list that resolves only `names`."""
    return AddressGuard(resolver=lambda host, port: names[host])


def test_every_address_a_name_resolves_to_is_checked() -> None:
    guard = resolver(
        {
            "cdn.school.test": ["93.184.216.34", "2606:4700::1"],
            "mixed.school.test": ["93.184.216.34", "10.0.0.7"],
        }
    )
    assert guard.addresses("cdn.school.test", 443) == ["93.184.216.34", "2606:4700::1"]
    with pytest.raises(AddressRefusedError) as caught:
        guard.addresses("mixed.school.test", 443)
    assert caught.value.reason == "address_refused"
    assert caught.value.message_en == (
        "mixed.school.test resolves to 10.0.0.7, a private network address"
    )
    assert caught.value.message_nl == (
        "mixed.school.test wijst naar 10.0.0.7, een adres in een privé-netwerk"
    )


def test_a_name_that_resolves_to_nothing_is_unreachable_not_allowed() -> None:
    with pytest.raises(OSError, match="no address"):
        resolver({"leeg.school.test": []}).addresses("leeg.school.test", 80)


ALLOW_CASES = [
    # (allow-list, host, its addresses, allowed?)
    (["intranet.school.test"], "intranet.school.test", ["10.20.0.5"], True),
    (["Intranet.School.Test."], "intranet.school.test", ["10.20.0.5"], True),
    (["intranet.school.test"], "andere.school.test", ["10.20.0.5"], False),
    (["10.20.0.0/16"], "andere.school.test", ["10.20.3.4"], True),
    (["10.20.0.0/16"], "andere.school.test", ["10.20.3.4", "10.21.0.1"], False),
    (["10.20.0.0/16"], "10.20.9.9", [], True),
    (["10.20.0.0/16"], "::ffff:10.20.9.9", [], True),
    (["127.0.0.1"], "127.0.0.1", [], True),
    (["127.0.0.1"], "127.0.0.2", [], False),
    (["fd00::/8"], "v6.school.test", ["fd00::5"], True),
    ([], "10.20.9.9", [], False),
]


@pytest.mark.parametrize(("allowed", "host", "addresses", "ok"), ALLOW_CASES)
def test_allow_list_table(allowed: list[str], host: str, addresses: list[str], ok: bool) -> None:
    guard = AddressGuard(AllowList.parse(allowed), lambda _host, _port: addresses)
    if ok:
        expected = [ip_address(a) for a in addresses or [host]]
        assert [ip_address(a) for a in guard.addresses(host, 80)] == expected
    else:
        with pytest.raises(AddressRefusedError):
            guard.addresses(host, 80)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("https://intranet.school.nl", "neither a host name"),
        ("*.school.nl", "neither a host name"),
        ("intranet:8080", "neither a host name"),
        ("", "neither a host name"),
        ("10.20.0.5/16", "did you mean 10.20.0.0/16"),
    ],
)
def test_unusable_allow_list_entries(entry: str, message: str) -> None:
    with pytest.raises(AuditSettingError, match=message) as caught:
        AllowList.parse(["intranet.school.nl", entry])
    assert caught.value.category == "config" and caught.value.message_nl != caught.value.message_en


def test_the_setting_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "SCREENING_AUDIT_ALLOWED_HOSTS", '["intranet.school.test", "10.20.0.0/16", "::1"]'
    )
    settings = Settings()
    assert settings.audit_allowed_hosts == ["intranet.school.test", "10.20.0.0/16", "::1"]
    allow = AddressGuard.from_settings(settings).allow
    assert allow.hosts == {"intranet.school.test"}
    assert allow.allows_address(ip_address("10.20.1.1")) and allow.allows_address(ip_address("::1"))
    monkeypatch.delenv("SCREENING_AUDIT_ALLOWED_HOSTS")
    assert Settings().audit_allowed_hosts == []  # nothing is allowed by default
