"""Requests that reach us through a reverse proxy: which peers count as proxies (the
``trusted_proxies`` setting: addresses or networks), the client address such a proxy forwards
in ``X-Forwarded-For``, and whether a request came from one (only then is ``user_header``
believed). A header that any client could send is never trusted on its own."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
FROM_PROXY = "search.from_proxy"  # environ key: True when the peer is a trusted proxy


def parse_proxies(value: Any) -> tuple[str, ...]:
    """The ``trusted_proxies`` setting: a list (or comma-separated text) of addresses or
    networks (``127.0.0.1``, ``10.0.0.0/8``, ``::1``); empty = no proxy in front."""
    if value in (0, "0") and not isinstance(value, bool):
        return ()  # the former default, "no proxies"
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise ValueError("expected the proxies' addresses, e.g. 127.0.0.1 or 10.0.0.0/8")
    out = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        try:
            if not isinstance(item, str):
                raise ValueError
            out.append(str(ipaddress.ip_network(text, strict=False)))
        except ValueError:
            raise ValueError(
                f"{text!r} is not an address or network: list the proxies' addresses, "
                "e.g. 127.0.0.1 or 10.0.0.0/8"
            ) from None
    return tuple(out)


def networks(proxies: Iterable[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p) for p in proxies)


def is_trusted(address: str, nets: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in nets if net.version == ip.version)


def forwarded_client(header: str, nets: tuple[Network, ...]) -> str | None:
    """The client named by ``X-Forwarded-For``: the last address that is not itself a trusted
    proxy (each proxy appends the address it was reached from); None if there is none."""
    hops = [h.strip() for h in header.split(",") if h.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop, nets):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:  # not an address: the chain cannot be followed further
                return None
    return None


class ProxyHeaders:
    """WSGI middleware: for a request whose peer is a trusted proxy, mark it (``FROM_PROXY``)
    and take the client address from ``X-Forwarded-For``; other peers' forwarding headers are
    ignored."""

    def __init__(self, app: Callable[..., Any], proxies: tuple[str, ...]) -> None:
        self.app, self.nets = app, networks(proxies)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        trusted = is_trusted(environ.get("REMOTE_ADDR", ""), self.nets)
        environ[FROM_PROXY] = trusted
        if trusted:
            client = forwarded_client(environ.get("HTTP_X_FORWARDED_FOR", ""), self.nets)
            if client:
                environ["REMOTE_ADDR"] = client
        return self.app(environ, start_response)
