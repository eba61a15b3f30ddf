"""The gate: incoming articles checked against a persistent index (or each
other) under a policy, for CI."""

from .check import check, check_articles
from .policy import (
    DEFAULT_POLICY,
    AllowRule,
    Policy,
    parse_allow,
    parse_fail_on,
    read_allow_file,
)
from .result import ALLOWED, FAIL, PASS, ArticleCheck, Candidate, CheckResult

__all__ = ["ALLOWED", "AllowRule", "ArticleCheck", "Candidate", "CheckResult", "DEFAULT_POLICY", "FAIL", "PASS",
           "Policy", "check", "check_articles", "parse_allow", "parse_fail_on", "read_allow_file"]
