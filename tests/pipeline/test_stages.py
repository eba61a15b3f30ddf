"""The stage functions' per-scan worker state."""

import pickle

from provenance.pipeline import WorkerState


def test_a_worker_state_crosses_a_pickle_as_its_scan_key():
    state = WorkerState()
    copy = pickle.loads(pickle.dumps(state))
    assert copy.key == state.key and copy is not state
    assert pickle.loads(pickle.dumps(state)) is copy  # one per process for the scan
    assert pickle.loads(pickle.dumps(WorkerState())).key != state.key
