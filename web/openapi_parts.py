"""Parts of the OpenAPI description that say what the server accepts and sends beyond the
JSON schemas: the date and query patterns, and the media types of files and exports."""

from __future__ import annotations

from web.export import EXPORTS

# ISO dates that exist, as search.query.check_date accepts them: YYYY (0001-9999), YYYY-MM or
# YYYY-MM-DD with the days of each month, 29 February in leap years only; empty = no filter
_YEAR = r"(?:[0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)"
_LEAP = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_DAY = (
    r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
DATE_PATTERN = rf"^(?:{_YEAR}(?:-(?:0[1-9]|1[0-2])|-{_DAY})?|{_LEAP}-02-29|)$"
QUERY_PATTERN = r"\S"  # some text besides spaces
BINARY = {"schema": {"type": "string", "format": "binary"}}
ORIGINAL = {
    "description": "the file as indexed (HTML sources as plain text)",
    "content": {
        t: BINARY
        for t in (
            "application/pdf",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "text/plain",
        )
    },
}
STATIC = {
    "description": "a static file",
    "content": {t: BINARY for t in ("text/css", "text/javascript")},
}
EXPORTED = {
    "description": "the passages as a file to save (Content-Disposition: attachment)",
    "content": {t: {"schema": {"type": "string"}} for t in EXPORTS.values()},
}
