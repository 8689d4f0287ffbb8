"""Duplicate control: fuzzy matching of records (partners, contacts, leads) with explanations.

A :class:`MatchModel` says which fields to compare and how much each agreement weighs; a
:class:`DuplicateIndex` answers "does this record exist already?" in a few milliseconds, and
reports whatever shares an exact strong identifier with it (a :class:`MatchingRule`);
:func:`find_duplicate_clusters` finds the duplicates already sitting in a whole base.
"""

from crmcore.matching.clusters import (
    Cluster,
    DuplicatePair,
    FieldChoice,
    build_clusters,
    find_duplicate_clusters,
    find_duplicate_pairs,
)
from crmcore.matching.index import DuplicateIndex
from crmcore.matching.model import (
    STRONG_KINDS,
    Candidate,
    FieldEvidence,
    FieldSpec,
    MatchingRule,
    MatchModel,
)
from crmcore.matching.normalize import FieldKind, normalize
from crmcore.matching.partners import PARTNER_FIELDS, partner_record
from crmcore.matching.records import MatchRecord
from crmcore.matching.runners import ProcessRunner, Runner, SerialRunner

__all__ = [
    "PARTNER_FIELDS",
    "STRONG_KINDS",
    "Candidate",
    "Cluster",
    "DuplicateIndex",
    "DuplicatePair",
    "FieldChoice",
    "FieldEvidence",
    "FieldKind",
    "FieldSpec",
    "MatchModel",
    "MatchRecord",
    "MatchingRule",
    "ProcessRunner",
    "Runner",
    "SerialRunner",
    "build_clusters",
    "find_duplicate_clusters",
    "find_duplicate_pairs",
    "normalize",
    "partner_record",
]
