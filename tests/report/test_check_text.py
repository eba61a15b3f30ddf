"""The text report of check: the seeds' golden file (regenerate after an
intended change with PROVENANCE_UPDATE_GOLDEN=1 and read the diff) and the
evidence it shows under a failure."""

from provenance.report import check_text
from provenance.report.regions import is_evidence
from tests.helpers import check_golden



def test_seeds_check_text_golden(within_seeds):
    check_golden("check_seeds.txt", check_text.render(within_seeds))


def test_under_a_failure_only_evidence_is_shown(within_seeds):
    lines = check_text.render(within_seeds).splitlines()
    shown = [line.split(": ", 2) for line in lines if line.startswith("          seeds/")]
    assert shown and {kind for _, kind, _ in shown} <= {"copied", "rewritten"}
    assert all(is_evidence(text.rstrip("…")) for _, _, text in shown)
    assert not any("Dmitry Peskov" == text for _, _, text in shown)
    assert "reused span" not in "\n".join(lines)
