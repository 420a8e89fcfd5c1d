"""Where a webhook may be sent: https to a public address, unless WEBHOOK_ALLOW_INSECURE_URLS allows plain http and
loopback or private addresses (development and tests). Checked when a subscription is written and again, on the
addresses the name then resolves to, before every delivery (so a name later pointed inside the network is refused)."""

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from api.settings import get_settings

INTERNAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa")


class AddressRefused(ValueError):
    """The URL or the address it leads to may not receive webhooks."""


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return _public(address.ipv4_mapped)
    return address.is_global and not address.is_multicast


def check_url(url: str) -> str:
    """The URL, if it may receive webhooks; AddressRefused saying why otherwise."""
    insecure = get_settings().webhook_allow_insecure_urls
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise AddressRefused(f"not a valid URL ({error})") from error
    if parts.scheme not in (("https", "http") if insecure else ("https",)):
        raise AddressRefused("must be an https:// URL")
    if parts.username is not None or parts.password is not None:
        raise AddressRefused("must not carry a user name or password; authenticate by the signature instead")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise AddressRefused("has no host")
    if parts.fragment:
        raise AddressRefused("must not have a fragment (#...)")
    if port == 0:
        raise AddressRefused("has no valid port")
    if not insecure:
        _check_host(host)
    return url


def _check_host(host: str) -> None:
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        if host.lower() == "localhost" or host.lower().endswith(INTERNAL_SUFFIXES) or "." not in host:
            raise AddressRefused(f"'{host}' is not a public host name") from None
        return
    if not _public(literal):
        raise AddressRefused(f"{host} is not a public address")


async def check_resolved(url: str) -> None:
    """Before a delivery: the URL is still allowed, and every address its host now resolves to is public."""
    check_url(url)
    if get_settings().webhook_allow_insecure_urls:
        return
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or 443
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise AddressRefused(f"'{host}' does not resolve ({error})") from error
    for *_rest, sockaddr in found:
        if not _public(ipaddress.ip_address(sockaddr[0])):
            raise AddressRefused(f"'{host}' resolves to {sockaddr[0]}, which is not a public address")
