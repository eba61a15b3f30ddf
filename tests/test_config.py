"""Settings: validated, keyword-only, round-tripping through a dict."""

from provenance import Settings


def test_settings_round_trip_and_validation():
    import pytest

    from provenance import ConfigError

    assert Settings(**Settings().to_dict()) == Settings()
    with pytest.raises(ConfigError, match=r"setting rewrite_threshold=1.5 is invalid: expected a number from 0 to 1"):
        Settings(rewrite_threshold=1.5)
    with pytest.raises(ConfigError, match="num_perm"):
        Settings(num_perm=True)
    with pytest.raises(TypeError):
        Settings(0.5)  # keyword-only
