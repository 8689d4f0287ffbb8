"""The deals area's repositories over SQL: pipelines, deals and the stage log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import ColumnElement, func, select

from crmcore.deals.kinds import DealKind, DealStatus
from crmcore.deals.model import Deal, StageChange
from crmcore.deals.pipeline import Pipeline
from crmcore.errors import DomainValidationError, DuplicateEntityError
from crmcore.ids import DealId, PartnerId, PipelineId, UserId
from crmcore.sql import metadata as m
from crmcore.sql.access import scope_condition
from crmcore.sql.database import Database
from crmcore.sql.versioned import VersionedTable
from crmcore.validation import aware_datetime, plain_date, raise_violations
from crmcore.visibility import AccessScope

__all__ = ["SqlDealRepository", "SqlPipelineRepository", "SqlStageLog"]

STAGE_CHANGE: Final = "stage_change"


class SqlPipelineRepository(VersionedTable[Pipeline]):
    """Pipelines in SQL: a :class:`~crmcore.deals.PipelineRepository`."""

    table = m.pipelines
    entity_type = "pipeline"
    model = Pipeline

    def columns(self, entity: Pipeline) -> dict[str, object]:
        """The deal kind."""
        return {"kind": entity.kind.value}

    def of_kind(self, kind: DealKind) -> list[Pipeline]:
        """The pipelines of ``kind``, ordered by id."""
        return self.select(self.table.c.kind == kind.value)

    def iterate(self) -> Iterator[Pipeline]:
        """Every pipeline, ordered by id (read when called)."""
        return iter(self.select())


class SqlDealRepository(VersionedTable[Deal]):
    """Deals in SQL: a :class:`~crmcore.deals.DealRepository`."""

    table = m.deals
    entity_type = "deal"
    model = Deal
    access_kind = "deal"

    def columns(self, entity: Deal) -> dict[str, object]:
        """Partner, pipeline, status, manager and expected close."""
        return {
            "partner_id": entity.partner_id,
            "pipeline_id": entity.pipeline_id,
            "status": entity.status.value,
            "manager": entity.responsible_manager,
            "expected_close": entity.expected_close,
        }

    def find(
        self,
        *,
        partner_id: PartnerId | None = None,
        pipeline_id: PipelineId | None = None,
        status: DealStatus | None = None,
        responsible_manager: UserId | None = None,
        scope: AccessScope | None = None,
    ) -> list[Deal]:
        """The deals matching every filter given (within ``scope``), ordered by id."""
        c = self.table.c
        filters = (
            (c.partner_id, partner_id),
            (c.pipeline_id, pipeline_id),
            (c.status, None if status is None else status.value),
            (c.manager, responsible_manager),
        )
        conditions = [column == value for column, value in filters if value is not None]
        return self.select(*conditions, *self.within(scope))

    def closing_between(self, start: date, end: date) -> list[Deal]:
        """Open deals expected to close on or after ``start`` and before ``end``, ordered by
        expected close, then id."""
        raise_violations([*plain_date("start", start), *plain_date("end", end)])
        c = self.table.c
        return self.select(
            c.status == DealStatus.OPEN.value,
            c.expected_close >= start,
            c.expected_close < end,
            order_by=(c.expected_close, c.id),
        )

    def iterate(self) -> Iterator[Deal]:
        """Every deal, ordered by id (read when called)."""
        return iter(self.select())


class SqlStageLog:
    """The stage log in SQL, one row a deal and version: a :class:`~crmcore.deals.StageLog`."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def append(self, change: StageChange) -> None:
        """Store a new entry, else ``DuplicateEntityError`` with key ``"version"``."""
        if not isinstance(change, StageChange):
            raise DomainValidationError.single("change", "must be a StageChange", value=change)
        row = {
            "deal_id": change.deal_id,
            "version": change.version,
            "pipeline_id": change.pipeline_id,
            "at": change.at,
            "body": self._db.dump(change),
        }
        with self._db.begin("append to the stage log", write=True) as connection:
            if not self._db.insert_new(connection, m.stage_log, row):
                entry_id = f"{change.deal_id}@{change.version}"
                raise DuplicateEntityError(STAGE_CHANGE, entry_id, key="version")

    def of_deal(self, deal_id: DealId) -> list[StageChange]:
        """The entries of one deal, ordered by version."""
        c = m.stage_log.c
        return self._entries(c.deal_id == deal_id, order_by=(c.version,))

    def between(
        self,
        start: datetime,
        end: datetime,
        *,
        pipeline_id: PipelineId | None = None,
        scope: AccessScope | None = None,
    ) -> Iterator[StageChange]:
        """Entries made in ``[start, end)`` (of one pipeline if given, of the deals ``scope``
        admits if given), ordered by time, then deal id, then version."""
        c = m.stage_log.c
        order = (c.at, c.deal_id, c.version)
        return self._made(start, end, pipeline_id, scope=scope, order_by=order)

    def by_deal(
        self,
        start: datetime,
        end: datetime,
        *,
        pipeline_id: PipelineId | None = None,
        scope: AccessScope | None = None,
    ) -> Iterator[StageChange]:
        """Entries made in ``[start, end)`` (of one pipeline if given, of the deals ``scope``
        admits if given), ordered by deal id, then version."""
        c = m.stage_log.c
        order = (c.deal_id, c.version)
        return self._made(start, end, pipeline_id, scope=scope, order_by=order)

    def count(self) -> int:
        """How many entries are stored."""
        with self._db.begin("count the stage log") as connection:
            counted: int = connection.execute(
                select(func.count()).select_from(m.stage_log)
            ).scalar_one()
        return counted

    def _made(
        self,
        start: datetime,
        end: datetime,
        pipeline_id: PipelineId | None,
        *,
        scope: AccessScope | None = None,
        order_by: tuple[Any, ...],
    ) -> Iterator[StageChange]:
        raise_violations([*aware_datetime("start", start), *aware_datetime("end", end)])
        c = m.stage_log.c
        conditions = [c.at >= start, c.at < end]
        if pipeline_id is not None:
            conditions.append(c.pipeline_id == pipeline_id)
        admitted = scope_condition("deal", c.deal_id, scope)
        if admitted is not None:
            conditions.append(admitted)
        return iter(self._entries(*conditions, order_by=order_by))

    def _entries(
        self, *conditions: ColumnElement[bool], order_by: tuple[Any, ...]
    ) -> list[StageChange]:
        query = select(m.stage_log.c.body).where(*conditions).order_by(*order_by)
        with self._db.begin("read the stage log") as connection:
            bodies = connection.execute(query).scalars().all()
        return [self._db.load(body, StageChange) for body in bodies]


if TYPE_CHECKING:
    from crmcore.deals.repository import DealRepository, PipelineRepository, StageLog

    def _conforms(
        pipelines: SqlPipelineRepository, deals: SqlDealRepository, log: SqlStageLog
    ) -> tuple[PipelineRepository, DealRepository, StageLog]:
        return pipelines, deals, log
