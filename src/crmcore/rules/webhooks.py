"""Where webhooks may go: https to public hosts, or to the hosts a host application allows.

A rule's :class:`~crmcore.rules.CallWebhook` is checked when the rule is: an https URL whose
host is not a loopback, private, link-local, multicast, reserved
or cloud metadata address (``169.254.169.254``, ``fd00::/8``, ``localhost``, ...) and, when
the policy lists hosts, one of them. A name can resolve to any address, so the host's webhook
handler checks the addresses it resolved right before it connects, with
:meth:`WebhookPolicy.address_for`, and connects to the address it returns.

>>> policy = WebhookPolicy()
>>> [v.message for v in policy.problems("https://169.254.169.254/latest/meta-data")]
['must not go to a loopback, private, link-local or metadata address (169.254.169.254)']
>>> try:
...     policy.address_for("https://hooks.example.com/deal", ["10.0.0.5", "93.184.216.34"])
... except DomainValidationError as error:
...     print(error.violations[0].message)
must not go to a loopback, private, link-local or metadata address (10.0.0.5)
>>> WebhookPolicy(allowed_hosts=("hooks.example.com",)).address_for(
...     "https://hooks.example.com/deal", ["93.184.216.34"])
'93.184.216.34'
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from typing import Final
from urllib.parse import urlsplit

import attrs

from crmcore.errors import DomainValidationError, Violation
from crmcore.validation import Model, checks, each, instance_of

__all__ = ["DEFAULT_WEBHOOKS", "WebhookPolicy"]

_LOCAL_NAMES: Final = ("localhost", "metadata.google.internal", "metadata")
_FORBIDDEN: Final = "must not go to a loopback, private, link-local or metadata address"


def _host_name(field: str, value: object) -> Iterator[Violation]:
    if not isinstance(value, str) or not value or len(value) > 253 or value != value.lower():
        yield Violation(field=field, message="must be a lowercase host name", value=value)


def _hosts(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class WebhookPolicy(Model):
    """Which webhook targets rules may call.

    ``allowed_hosts`` (empty: any public host) lists host names, ``*.example.com`` for every
    host under a domain; ``allow_private`` lets webhooks reach the addresses refused by default
    (a host on the same network).
    """

    allowed_hosts: tuple[str, ...] = attrs.field(
        default=(), converter=_hosts, metadata=checks(each(_host_name))
    )
    allow_private: bool = attrs.field(default=False, metadata=checks(instance_of(bool)))

    def problems(self, url: str, field: str = "url") -> Iterator[Violation]:
        """What is wrong with calling ``url`` (checked before its placeholders are filled;
        the host part has none)."""
        parts = urlsplit(url)
        if parts.scheme != "https":
            yield Violation(field=field, message="must be an https URL", value=url)
        host = (parts.hostname or "").lower()
        if self.allowed_hosts and not self._allowed(host):
            message = "must go to one of the allowed hosts: " + ", ".join(self.allowed_hosts)
            yield Violation(field=field, message=message, value=host)
        if not self.allow_private and _local(host):
            yield Violation(field=field, message=f"{_FORBIDDEN} ({host})", value=host)

    def _allowed(self, host: str) -> bool:
        for allowed in self.allowed_hosts:
            if host == allowed or (allowed.startswith("*.") and host.endswith(allowed[1:])):
                return True
        return False

    def address_for(self, url: str, addresses: Iterable[str]) -> str:
        """The address to connect to for ``url``, among those its host resolved to right now:
        the first, once every one is checked; ``DomainValidationError`` lists every problem."""
        found = list(self.problems(url))
        host = (urlsplit(url).hostname or "").lower()
        resolved = list(addresses)
        if not resolved:
            found.append(Violation(field="url", message="resolved to no address", value=host))
        for address in resolved:
            if not self.allow_private and _forbidden(address):
                message = f"{_FORBIDDEN} ({address[:64]})"
                found.append(Violation(field="url", message=message, value=host))
        if found:
            raise DomainValidationError(found)
        return resolved[0]


DEFAULT_WEBHOOKS: Final = WebhookPolicy()
"""https to any public host."""


def _local(host: str) -> bool:
    """Whether ``host`` names this machine, its network or a metadata service."""
    if host in _LOCAL_NAMES or host.endswith((".localhost", ".local", ".internal")):
        return True
    return _forbidden(host.strip("[]")) if _is_address(host.strip("[]")) else False


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _forbidden(address: str) -> bool:
    """Whether ``address`` is loopback, private, link-local, multicast, reserved or
    unspecified (an IPv4 address mapped into IPv6 counts as itself); unparsable counts too."""
    try:
        parsed = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return True
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    return not parsed.is_global or parsed.is_multicast
