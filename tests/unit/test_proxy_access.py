"""Who may call the proxy: CORS origin rules and the Host-header guard."""

import re

import pytest

from proxy.cors import origin_rules
from proxy.hosts import host_allowed, host_name

EXTENSION_ID = "abcdefghijklmnopabcdefghijklmnop"


def test_extension_wildcard_matches_real_extension_ids_only():
    exact, regex = origin_rules(["chrome-extension://*"])
    assert exact == []
    assert re.fullmatch(regex, f"chrome-extension://{EXTENSION_ID}")
    assert not re.fullmatch(regex, "chrome-extension://not-an-id")
    assert not re.fullmatch(regex, "https://evil.example")


def test_exact_origins_stay_exact():
    exact, regex = origin_rules([f"chrome-extension://{EXTENSION_ID}/", "http://localhost:3000"])
    assert exact == [f"chrome-extension://{EXTENSION_ID}", "http://localhost:3000"]
    assert regex is None


def test_star_origin_is_refused():
    with pytest.raises(ValueError, match="refused"):
        origin_rules(["*"])


@pytest.mark.parametrize(
    "header, name",
    [
        ("127.0.0.1:8000", "127.0.0.1"),
        ("localhost", "localhost"),
        ("LocalHost.:8000", "localhost"),
        ("[::1]:8000", "::1"),
        ("[0:0:0:0:0:0:0:1]", "::1"),
    ],
)
def test_host_name_drops_the_port(header, name):
    assert host_name(header) == name


@pytest.mark.parametrize(
    "header",
    [
        "[::1]evil.example",  # finding 5: read as '::1' before
        "localhost:anything",  # finding 5: read as 'localhost' before
        "localhost:",
        "localhost:99999",
        "::1",  # IPv6 must be bracketed
        "[::1",
        "[evil.example]",
        "local host",
        "localhost@evil.example",
        "evil.example#localhost",
        "",
    ],
)
def test_malformed_host_headers_are_no_host(header):
    assert host_name(header) is None
    assert not host_allowed(header, ("127.0.0.1", "localhost", "::1"))


def test_only_listed_hosts_pass_unless_star():
    allowed = ("127.0.0.1", "localhost", "::1")
    assert host_allowed("LOCALHOST:8000", allowed)
    assert not host_allowed("rebound.evil.example:8000", allowed)
    assert not host_allowed("", allowed)
    assert host_allowed("anything.example", ("*",))
