"""The executor door: any executor gives the default's report, and what a
worker keeps belongs to one scan only."""

import dataclasses
import pickle
import threading
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from provenance import executors as executors_module
from provenance import scan, scan_articles
from provenance.errors import ConfigError
from provenance.pipeline import Executor, InProcess, executor_names, register_executor
from tests.helpers import rendered


class Pickling(Executor):
    """A toy "remote" executor: every unit and its result cross a pickle, as
    they would to another machine, and the units run in this thread."""

    def __init__(self, workers: int = 1):
        self.workers = workers
        self.units = 0
        self.closed = False

    def submit(self, fn, /, *args):
        self.units += 1
        fn, args = pickle.loads(pickle.dumps((fn, args)))
        future: Future = Future()
        future.set_result(pickle.loads(pickle.dumps(fn(*args))))
        return future

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def toy():
    made = []

    def factory(workers):
        made.append(Pickling(workers))
        return made[-1]

    executors_module.register_executor("toy", factory)
    yield made
    executors_module.EXECUTORS.unregister("toy")


def test_a_registered_executor_runs_the_scan_by_name_with_the_default_result(seeds_dir, seed_scan, toy):
    assert "toy" in executor_names()
    result = scan([seeds_dir], executor="toy", jobs=3)
    assert [e.workers for e in toy] == [3] and toy[0].units > 0
    assert toy[0].closed  # made by the scan, closed by it
    assert result.stories == seed_scan.stories
    assert result.relations == seed_scan.relations
    assert rendered(result) == rendered(seed_scan)


def test_an_executor_given_ready_made_is_used_and_left_open(seed_articles, seed_scan):
    executor = Pickling(2)
    first = scan_articles(seed_articles, executor=executor)
    # The same executor again: what its workers kept is the first scan's, not this one's.
    second = scan_articles(seed_articles, executor=executor)
    assert not executor.closed and executor.units > 0
    assert rendered(first) == rendered(second) == rendered(seed_scan)


@pytest.mark.parametrize("name", ["inprocess", "processes"])
def test_the_built_in_executors_by_name(seed_articles, seed_scan, name):
    assert rendered(scan_articles(seed_articles, executor=name, jobs=2)) == rendered(seed_scan)


def test_a_wrong_executor_is_a_config_error(seed_articles):
    with pytest.raises(ConfigError, match="no executor named 'nowhere'; known: inprocess, processes"):
        scan_articles(seed_articles, executor="nowhere")
    with pytest.raises(ConfigError, match="expected an executor's name or an Executor"):
        scan_articles(seed_articles, executor=object())
    with pytest.raises(ConfigError, match="'processes' is built in and cannot be replaced"):
        register_executor("processes", InProcess, replace=True)
    register_executor("twice", InProcess)
    try:
        with pytest.raises(ConfigError, match="registered already"):
            register_executor("twice", InProcess)
        register_executor("pool", lambda workers: ThreadPoolExecutor(workers))
        with pytest.raises(ConfigError, match="made ThreadPoolExecutor, not a provenance.executors.Executor"):
            scan_articles(seed_articles, executor="pool")
    finally:
        executors_module.EXECUTORS.unregister("twice")
        executors_module.EXECUTORS.unregister("pool")


def test_map_ordered_keeps_the_order_and_bounds_the_work_in_flight():
    executor = Pickling(workers=2)
    submitted = []

    def units():
        for n in range(20):
            submitted.append(n)
            yield (n, 3)

    for n, (quotient, _) in enumerate(executor.map_ordered(divmod, units())):
        assert quotient == n // 3
        assert len(submitted) - n <= 2 * executor.workers + 1


def test_two_scans_in_two_threads_at_once_give_what_they_give_one_after_the_other(seed_articles):
    # The same ids with other texts: a worker state shared between the scans
    # would serve one scan's documents to the other.
    texts = [a.text for a in seed_articles]
    swapped = [dataclasses.replace(a, text=t) for a, t in zip(seed_articles, texts[2:] + texts[:2])]
    inputs = [seed_articles, swapped] * 2
    expected = [rendered(scan_articles(articles, executor="inprocess")) for articles in inputs]
    assert expected[0] != expected[1]
    start = threading.Barrier(len(inputs))
    got: dict[int, tuple] = {}

    def run(n):
        start.wait()
        got[n] = rendered(scan_articles(inputs[n], executor="inprocess"))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(inputs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [got[n] for n in range(len(inputs))] == expected
