"""Plugins: entry points loaded only when the host asks, into an immutable registry.

Groups: ``crmcore.actions``, ``crmcore.operators``, ``crmcore.gates``, ``crmcore.compliance``,
``crmcore.normalizers``, ``crmcore.tax_ids``, ``crmcore.indicators``, ``crmcore.stores``
(the stores :class:`~crmcore.app.CRM` opens by name). Built-in extensions
register through the same entry points, so a host sees one list. Nothing is loaded at
import time; a broken plugin raises :class:`~crmcore.errors.PluginError` naming the group,
the entry point and the distribution that ships it.

>>> registry = load("crmcore.tax_ids")
>>> registry["RU"].country
'RU'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from importlib.metadata import EntryPoint, entry_points
from types import MappingProxyType
from typing import Any, Final

from crmcore.errors import PluginError

__all__ = ["GROUPS", "PluginRegistry", "load"]

GROUPS: Final = frozenset(
    {
        "crmcore.actions",
        "crmcore.compliance",
        "crmcore.gates",
        "crmcore.indicators",
        "crmcore.normalizers",
        "crmcore.operators",
        "crmcore.stores",
        "crmcore.tax_ids",
    }
)


class PluginRegistry(Mapping[str, Any]):
    """The loaded plugins of one group by name; read-only, so no code can swap one later."""

    __slots__ = ("_distributions", "_group", "_plugins")

    def __init__(
        self, group: str, plugins: Mapping[str, Any], distributions: Mapping[str, str | None]
    ) -> None:
        self._group = group
        self._plugins = MappingProxyType(dict(plugins))
        self._distributions = MappingProxyType(dict(distributions))

    @property
    def group(self) -> str:
        """The entry point group these plugins came from."""
        return self._group

    def distribution(self, name: str) -> str | None:
        """The distribution (package) that provides plugin ``name``."""
        return self._distributions[name]

    def __getitem__(self, name: str) -> Any:
        try:
            return self._plugins[name]
        except KeyError:
            known = ", ".join(sorted(self._plugins)) or "none"
            raise KeyError(f"no plugin {name!r} in {self._group} (loaded: {known})") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._plugins)

    def __len__(self) -> int:
        return len(self._plugins)

    def __repr__(self) -> str:
        return f"PluginRegistry({self._group!r}, {sorted(self._plugins)!r})"


def load(
    group: str,
    *,
    validate: Callable[[str, Any], str | None] | None = None,
    available: Iterable[EntryPoint] | None = None,
) -> PluginRegistry:
    """Load every plugin of ``group``.

    ``validate(name, obj)`` may return a reason why ``obj`` is not fit for the group; it then
    becomes a :class:`PluginError`. ``available`` replaces the installed entry points (for
    tests and for hosts that assemble plugins by hand). Two plugins of one name in a group are
    an error: crmcore will not pick one silently.
    """
    if group not in GROUPS:
        raise PluginError(group, "*", None, "unknown group; one of " + ", ".join(sorted(GROUPS)))
    found = entry_points(group=group) if available is None else available
    plugins: dict[str, Any] = {}
    distributions: dict[str, str | None] = {}
    for entry in found:
        distribution = entry.dist.name if entry.dist is not None else None
        if entry.name in plugins:
            other = distributions[entry.name]
            reason = f"the name is also provided by distribution {other!r}"
            raise PluginError(group, entry.name, distribution, reason)
        plugins[entry.name] = _load_one(group, entry, distribution, validate)
        distributions[entry.name] = distribution
    return PluginRegistry(group, plugins, distributions)


def _load_one(
    group: str,
    entry: EntryPoint,
    distribution: str | None,
    validate: Callable[[str, Any], str | None] | None,
) -> Any:
    try:
        loaded = entry.load()
    except Exception as error:  # any failure of foreign code names the plugin
        reason = f"cannot be loaded from {entry.value!r}: {type(error).__name__}: {error}"
        raise PluginError(group, entry.name, distribution, reason) from error
    problem = validate(entry.name, loaded) if validate is not None else None
    if problem is not None:
        raise PluginError(group, entry.name, distribution, problem)
    return loaded
