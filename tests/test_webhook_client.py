"""Who a refused webhook post came from, as the log names it: a forged header never decides."""

from __future__ import annotations

import ipaddress

import pytest

from bot.config import IPNetwork, Settings
from bot.telegram.webhook_edges import client_address

PROXY = "10.0.0.5"
TRUSTED: tuple[IPNetwork, ...] = (ipaddress.ip_network("10.0.0.0/8"),)
FORGED_HEADERS = [
    ("203.0.113.7", ""),
    ("203.0.113.7, 198.51.100.2", ""),
    ("", "203.0.113.7"),
    ("not an address", "also not"),
]


@pytest.mark.parametrize(("forwarded_for", "real_ip"), FORGED_HEADERS)
@pytest.mark.parametrize("trusted", [(), TRUSTED])
def test_a_peer_that_is_not_a_trusted_proxy_is_the_client_whatever_it_writes(
    forwarded_for: str, real_ip: str, trusted: tuple[IPNetwork, ...]
) -> None:
    assert client_address("192.0.2.1", forwarded_for, real_ip, trusted) == "192.0.2.1"


def test_behind_a_trusted_proxy_the_nearest_untrusted_hop_is_the_client() -> None:
    # The user forged the first entry; our proxy appended the address it really saw.
    chain = "198.51.100.9, 203.0.113.7, 10.0.0.3"
    assert client_address(PROXY, chain, "", TRUSTED) == "203.0.113.7"
    assert client_address(PROXY, "", "203.0.113.7", TRUSTED) == "203.0.113.7"
    assert client_address(PROXY, "", "", TRUSTED) == PROXY  # nothing forwarded: the proxy


def test_a_hop_that_is_not_an_address_ends_the_walk_at_the_last_one_that_was() -> None:
    assert client_address(PROXY, "203.0.113.7, garbage, 10.0.0.3", "", TRUSTED) == "10.0.0.3"
    assert client_address(PROXY, "garbage", "", TRUSTED) == PROXY


def test_the_setting_takes_addresses_and_networks_and_names_a_bad_entry() -> None:
    good = Settings.from_env({"WEBHOOK_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8 ::1"}, None)
    assert [str(n) for n in good.webhook_trusted_proxies] == [
        "127.0.0.1/32",
        "10.0.0.0/8",
        "::1/128",
    ]
    assert not any("WEBHOOK_TRUSTED_PROXIES" in p for p in good.problems)
    bad = Settings.from_env({"WEBHOOK_TRUSTED_PROXIES": "127.0.0.1, proxy.local"}, None)
    [problem] = [p for p in bad.problems if "WEBHOOK_TRUSTED_PROXIES" in p]
    assert "'proxy.local'" in problem
    assert Settings.from_env({}, None).webhook_trusted_proxies == ()
