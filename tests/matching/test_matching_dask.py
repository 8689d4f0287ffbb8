"""The batch plan on dask.distributed: a LocalCluster gives the single-process clusters."""

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from match_samples import MODEL, record
from test_matching_batch import bases

from crmcore.errors import DomainValidationError
from crmcore.matching import find_duplicate_clusters

distributed = pytest.importorskip("distributed")
from crmcore.matching.dask import DaskRunner  # noqa: E402 - only once dask is known present


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    """A client of a small in-process cluster of two workers."""
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


@settings(max_examples=20, deadline=None)
@given(records=bases())
def test_a_dask_cluster_gives_the_same_clusters(
    client: object, records: dict[str, dict[str, str | None]]
) -> None:
    runner = DaskRunner(client)  # type: ignore[arg-type]
    assert runner.partitions == 8
    clusters = find_duplicate_clusters(MODEL, records, threshold=0.5, runner=runner)
    assert clusters == find_duplicate_clusters(MODEL, records, threshold=0.5)


def test_a_dask_runner_needs_a_client() -> None:
    with pytest.raises(DomainValidationError, match="client"):
        DaskRunner("tcp://scheduler:8786")  # type: ignore[arg-type]
    assert record("x")["name"] == "x"


def test_a_held_dask_runner_scatters_a_shared_value_once(client: object) -> None:
    runner = DaskRunner(client)  # type: ignore[arg-type]
    shared = [10, 20, 30]
    with runner:
        assert runner.map_shared(list.__getitem__, shared, [0, 2]) == [10, 30]
        sent = runner._sent
        assert runner.map_shared(list.__getitem__, shared, [1]) == [20]
        assert runner._sent is sent
        assert runner.map_shared(list.__getitem__, [7], [0]) == [7]
        assert runner._sent is not sent
    assert runner._sent is None
    assert runner.map_shared(list.__getitem__, shared, []) == []
    assert runner.map(abs, [-2]) == [2]
