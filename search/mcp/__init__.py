"""The MCP server for AI assistants (``python -m search.mcp``): the Searcher's answers as the
tools ``search``, ``fetch``, ``search_passages`` and ``list_documents``, over stdio or
Streamable HTTP. Needs the ``mcp`` extra (``pip install -e '.[mcp]'``); the SDK is imported by
``search.mcp.server`` and ``search.mcp.http``, never here."""
