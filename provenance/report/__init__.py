"""Renderers: each turns a scan or compare result into one output format.

Reports render what the judge decided and never re-analyse. The JSON
document built by :func:`provenance.report.json.scan_document` is the one
data model every other format renders from.
"""

#: Version of the JSON schema (docs/json-schema.md). Bump the major part on
#: any change that can break a consumer, the minor part on additions.
SCHEMA_VERSION = "1.1"

FORMATS = ("text", "json", "html")
