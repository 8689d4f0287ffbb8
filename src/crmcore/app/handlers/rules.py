"""Handler of the rules' command: a rule checked against the schemas and stored at its next
version."""

from __future__ import annotations

from typing import Final

import attrs

from crmcore.app.commands import SaveRule
from crmcore.app.handlers.base import Handler, Runtime, handles
from crmcore.app.work import Work
from crmcore.errors import EntityNotFoundError
from crmcore.rules import Rule, validate_rule

__all__ = ["HANDLERS"]

HANDLERS: Final[dict[type, Handler]] = {}


@handles(HANDLERS, SaveRule)
def _save(runtime: Runtime, work: Work, command: SaveRule) -> Rule:
    validate_rule(command.rule, schemas=runtime.settings.schemas, lifecycle_moves=True)
    runtime.rules_changed()
    rules = work.repositories.rules
    try:
        current = rules.get(command.rule.id)
    except EntityNotFoundError:
        rule = attrs.evolve(command.rule, version=1)
        work.check_write("rules", None, rule)
        rules.add(rule)
        work.record_change("rules", None, rule)
        return rule
    rule = attrs.evolve(command.rule, version=current.version + 1)
    work.check_write("rules", current, rule)
    rules.save(rule, expected_version=current.version)
    work.record_change("rules", current, rule)
    return rule
