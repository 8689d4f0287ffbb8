"""Plugins are loaded only when asked, into a read-only registry, with errors naming them."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from crmcore.errors import PluginError
from crmcore.partners import RUSSIA
from crmcore.plugins import GROUPS, load


def entry(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group="crmcore.tax_ids")


def test_built_in_tax_ids_register_through_the_entry_point() -> None:
    registry = load("crmcore.tax_ids")
    assert registry["RU"] is RUSSIA
    assert registry.distribution("RU") == "crmcore"
    assert registry.group == "crmcore.tax_ids"


def test_registry_is_read_only_and_names_missing_plugins() -> None:
    registry = load("crmcore.tax_ids", available=[entry("RU", "crmcore.partners.taxids:RUSSIA")])
    assert list(registry) == ["RU"]
    assert len(registry) == 1
    with pytest.raises(TypeError):
        registry["DE"] = object()  # type: ignore[index]
    with pytest.raises(KeyError, match="no plugin 'DE'"):
        registry["DE"]


def test_a_plugin_that_cannot_be_imported_is_named() -> None:
    with pytest.raises(PluginError) as error:
        load("crmcore.tax_ids", available=[entry("XX", "crmcore.nowhere:THING")])
    assert (error.value.group, error.value.name) == ("crmcore.tax_ids", "XX")
    assert "ModuleNotFoundError" in error.value.reason


def test_a_plugin_that_fails_validation_is_named() -> None:
    def must_have_country(name: str, plugin: object) -> str | None:
        return None if hasattr(plugin, "country") else "has no country"

    with pytest.raises(PluginError, match="has no country") as error:
        load(
            "crmcore.tax_ids",
            available=[entry("RU", "crmcore.partners.taxids:RUSSIA"), entry("X", "crmcore:Money")],
            validate=must_have_country,
        )
    assert error.value.name == "X"


def test_two_plugins_of_one_name_are_an_error() -> None:
    twice = [entry("RU", "crmcore.partners.taxids:RUSSIA")] * 2
    with pytest.raises(PluginError, match="also provided"):
        load("crmcore.tax_ids", available=twice)


def test_unknown_groups_are_refused() -> None:
    with pytest.raises(PluginError, match="unknown group"):
        load("crmcore.nonsense")
    assert "crmcore.gates" in GROUPS
