"""The test suite, laid out as the package: tests/<part>/test_<module>.py."""
