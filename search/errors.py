"""Errors a user can act on. Their message is printed as is, on one line."""


class SearchError(Exception):
    """Base class: something the user asked for cannot be done; the message says why."""


class ConfigError(SearchError):
    """A setting, flag or parameter has a value we cannot use."""


class BadIndexError(SearchError):
    """The index is missing, incompatible or damaged."""


class SourceError(SearchError):
    """A source document cannot be read."""


class QueryError(SearchError):
    """The query cannot be answered as given (empty, too long ...)."""


class UnavailableError(BadIndexError):
    """Part or all of the index cannot be reached right now (a database server or shard is
    down); the same request may succeed shortly. Nothing is answered from the rest: no silent
    partial results."""
