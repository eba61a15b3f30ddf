"""Text made safe for XML."""


def test_xml_safe_drops_what_xml_forbids():
    from provenance.report.xmltext import xml_safe

    assert xml_safe("a\x00b\x08c\x0bd\ud800e\ufffff\ttab\nline\U0001F600") == "abcdef\ttab\nline\U0001F600"
