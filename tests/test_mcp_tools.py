"""The MCP tools in process (``search.mcp.server``) through the SDK's own client, over the tiny
web index: names, titles, schemas, answers the client checks against each output schema, and
bad arguments that get the JSON API's own one-line messages. The command line: bad flags, the
public address, and the missing extra. Real server processes: ``tests/test_mcp.py``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("mcp", reason="the mcp extra: pip install -e '.[mcp]'")
import anyio  # noqa: E402
from mcp import Client  # noqa: E402

from search.errors import ConfigError  # noqa: E402
from search.mcp import __main__ as cli  # noqa: E402
from search.mcp import answers  # noqa: E402
from search.mcp.schemas import json_schema  # noqa: E402
from search.mcp.server import Library, SearchServer  # noqa: E402
from web.reload import SearcherHolder  # noqa: E402
from web.settings import load  # noqa: E402

pytest_plugins = ("tests.web_conftest",)

ROOT = "https://search.example/"
LOCAL = "http://localhost/"  # the Flask test client's address
TOOLS = {"search", "fetch", "search_passages", "list_documents"}


def server_over(searcher: Any, show_paths: bool = False, **settings: Any) -> SearchServer:
    library = Library(SearcherHolder(searcher), load(settings), ROOT, show_paths)
    return SearchServer(library)


def call(server: SearchServer, tool: str, arguments: dict[str, Any]) -> Any:
    async def go() -> Any:
        async with Client(server) as client:
            return await client.call_tool(tool, arguments)

    return anyio.run(go)


def test_every_tool_has_a_title_a_description_and_both_schemas(web_searcher) -> None:
    async def go() -> Any:
        async with Client(server_over(web_searcher)) as client:
            return (await client.list_tools()).tools

    tools = {t.name: t for t in anyio.run(go)}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.title and len(tool.description or "") > 100
        assert tool.input_schema["type"] == "object"
        assert tool.output_schema and tool.output_schema["type"] == "object"
        assert tool.annotations and tool.annotations.read_only_hint
    passages = tools["search_passages"].input_schema
    assert passages["required"] == ["query"]
    assert set(passages["properties"]) == {
        "query",
        "k",
        "lang",
        "docs",
        "date_from",
        "date_to",
        "offset",
    }
    assert passages["properties"]["k"]["maximum"] == 50
    assert passages["properties"]["query"]["maxLength"] == 4000  # the web's max_query_chars
    assert tools["fetch"].input_schema["required"] == ["id"]


def test_search_then_fetch_in_the_research_connector_shape(web_searcher) -> None:
    server = server_over(web_searcher)
    found = call(server, "search", {"query": "ESG disclosure standards"})
    assert not found.is_error
    hits = found.structured_content["results"]
    assert hits and all(set(h) == {"id", "title", "url"} for h in hits)
    assert json.loads(found.content[0].text) == found.structured_content
    top = hits[0]
    assert top["title"] == "ESG standards in China"  # title; its section is the same words
    assert top["url"] == f"{ROOT}doc/{top['id'].rsplit('-', 1)[0]}#{top['id']}"
    fetched = call(server, "fetch", {"id": top["id"]}).structured_content
    assert set(fetched) == {"id", "title", "text", "url", "metadata"}
    assert (fetched["id"], fetched["url"]) == (top["id"], top["url"])
    assert "ESG disclosure" in fetched["text"]
    meta = fetched["metadata"]
    assert meta["lang"] == "en" and meta["paragraph"].startswith("¶")
    assert top["url"] in meta["gbt7714"] and top["url"] in meta["chicago"]
    assert meta["text"].startswith("ESG standards in China") and "quote" in meta


def test_search_passages_is_the_api_answer_with_a_quotable_text(web_searcher, make_app) -> None:
    args = {"query": "碳达峰 标准", "k": 3, "lang": "zh"}
    result = call(server_over(web_searcher), "search_passages", args)
    assert not result.is_error
    answer = result.structured_content
    api = (
        make_app()
        .test_client()
        .post("/api/search", json={"q": "碳达峰 标准", "k": 3, "lang": "zh"})
    )
    expected = api.get_json()
    for body in (answer, expected):
        body.pop("took_ms")
        for r in body["results"]:  # the API links to its own address, MCP to the public one
            c = r["citation"]
            c["formats"] = {
                k: v.replace("http://localhost/", ROOT) for k, v in c["formats"].items()
            }
            c["permalink"] = c["permalink"].replace("http://localhost/", ROOT)
    assert answer == expected
    text = result.content[0].text
    assert text.startswith(f"Passages 1–{len(answer['results'])} of")
    for r in answer["results"]:
        assert r["citation"]["text"] in text and r["citation"]["permalink"] in text


def test_list_documents_shows_file_paths_over_stdio_only(web_searcher) -> None:
    shown = call(server_over(web_searcher, show_paths=True), "list_documents", {})
    hidden = call(server_over(web_searcher), "list_documents", {})
    assert shown.structured_content["count"] == hidden.structured_content["count"] == 3
    assert all(Path(d["path"]).is_absolute() for d in shown.structured_content["documents"])
    assert all("path" not in d for d in hidden.structured_content["documents"])
    first = hidden.structured_content["documents"][0]
    assert {"doc_id", "title", "lang", "chunks", "kind", "date"} <= set(first)


MANY_DOCS = [f"d{i}" for i in range(51)]
BAD = [  # tool arguments; the JSON API gets the same values (query as q, docs as doc)
    {"query": ""},
    {"query": "   "},
    {"query": "标" * 4001},
    {"query": "x", "k": 0},
    {"query": "x", "k": 51},
    {"query": "x", "k": "five"},
    {"query": "x", "k": True},
    {"query": "x", "lang": "fr"},
    {"query": "x", "offset": 501},
    {"query": "x", "offset": -1},
    {"query": "x", "date_from": "2024-13"},
    {"query": "x", "date_to": 2024},
    {"query": "x", "date_from": "2025", "date_to": "2024"},
    {"query": "x", "docs": MANY_DOCS},
    {"query": "x", "docs": [1, 2]},
]
API_NAMES = {"query": "q", "docs": "doc"}


@pytest.mark.parametrize("args", BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_arguments_get_the_api_message_as_a_tool_error(web_searcher, web_client, args) -> None:
    api = web_client.post("/api/search", json={API_NAMES.get(k, k): v for k, v in args.items()})
    assert api.status_code == 400
    message = api.get_json()["error"]["message"]
    result = call(server_over(web_searcher), "search_passages", args)
    assert result.is_error and result.structured_content is None
    assert [c.text for c in result.content] == [message]
    assert "\n" not in message


@pytest.mark.parametrize(
    ("tool", "args", "message"),
    [
        ("search", {}, "the parameter query (what to search for) is required"),
        ("search_passages", {"query": 7}, "query must be text"),
        ("search", {"query": ""}, "the query is empty: type some words to search for"),
        ("fetch", {"id": ""}, "id must be a passage id, as search returns it"),
        ("fetch", {}, "id must be a passage id, as search returns it"),
        ("fetch", {"id": "no-such-passage"}, "no passage with id 'no-such-passage'"),
    ],
)
def test_missing_or_unknown_arguments_are_one_line_tool_errors(
    web_searcher, tool, args, message
) -> None:
    result = call(server_over(web_searcher), tool, args)
    assert result.is_error and [c.text for c in result.content] == [message]


def test_openapi_nullable_fields_become_json_schema_null_types() -> None:
    converted = json_schema(
        {
            "type": "object",
            "properties": {
                "page": {"type": "integer", "nullable": True},
                "r": {"$ref": "#/components/schemas/Result"},
                "xs": {"type": "array", "items": {"type": "string", "nullable": True}},
            },
        }
    )
    props = converted["properties"]
    assert props["page"] == {"type": ["integer", "null"]}
    assert props["r"] == {"$ref": "#/$defs/Result"}
    assert props["xs"]["items"] == {"type": ["string", "null"]}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--http", "localhost"], "argument --http: expected HOST:PORT, e.g. 127.0.0.1:8100"),
        (["--http", "127.0.0.1:70000"], "argument --http: expected HOST:PORT"),
        (["--public-url", "search.example"], "argument --public-url: expected an address"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_flags_are_one_line_errors(capsys, argv, message) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_a_missing_index_is_a_one_line_error(tmp_path, capsys) -> None:
    assert cli.main(["--index", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"error: index folder '{tmp_path / 'nope'}' does not exist: build one with "
        f"'python build_index.py --out {tmp_path / 'nope'}'"
    )


def test_without_the_sdk_the_command_says_what_to_install(monkeypatch, capsys) -> None:
    for name in [m for m in sys.modules if m == "mcp" or m.startswith(("mcp.", "search.mcp."))]:
        if name != "search.mcp.__main__":
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "mcp", None)  # import mcp now fails
    assert cli.main(["--index", "index"]) == 2
    assert capsys.readouterr().err.strip() == (
        "error: the MCP server needs the MCP Python SDK: pip install -e '.[mcp]'"
    )


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        ([], {}, "http://127.0.0.1:8000/"),
        ([], {"SEARCH_PORT": "9000", "SEARCH_HOST": "::1"}, "http://[::1]:9000/"),
        ([], {"SEARCH_PUBLIC_URL": "https://search.example/"}, "https://search.example/"),
        (["--public-url", "https://a.example"], {"SEARCH_PUBLIC_URL": "https://b/"}, "https://a.example"),
        (["--public-url", ""], {}, ""),
    ],
)  # fmt: skip
def test_permalinks_start_with_the_public_address(monkeypatch, argv, env, expected) -> None:
    for name in ("SEARCH_PUBLIC_URL", "SEARCH_HOST", "SEARCH_PORT", "SEARCH_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cli.settings_for(cli.parse_args(argv))["public_url"] == expected


def test_a_bad_public_address_in_the_environment_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("SEARCH_PUBLIC_URL", "search.example")
    with pytest.raises(ConfigError, match="public_url.*expected the site.s address"):
        cli.settings_for(cli.parse_args([]))


def passage(rank: int, lang: str, match: str) -> dict[str, Any]:
    citation = {"title": "Doc", "section": f"Part {rank}", "text": f"Doc, “Part {rank}”, ¶{rank}"}
    citation["permalink"] = f"{ROOT}doc/d#d-{rank}"
    return {
        "rank": rank,
        "lang": lang,
        "match": match,
        "text": f"text\n{rank}",
        "citation": citation,
    }


def cited(rank: int) -> str:
    return f"Citation: Doc, “Part {rank}”, ¶{rank}. {ROOT}doc/d#d-{rank}"


@pytest.mark.parametrize(
    ("answer", "lines"),
    [
        (
            {"query": "q", "results": [], "total": 0, "good": 0},
            ["No passages found for 'q'."],
        ),
        (
            {"query": "q", "results": [passage(1, "en", "good"), passage(2, "zh", "weak")],
             "total": 40, "total_is_estimate": True, "good": 1, "offset": 0},
            ["Passages 1–2 of about 40 for 'q'; 1 good match.", "", "[1] Doc — Part 1 (en)",
             "text 1", cited(1), "",
             "[2] Doc — Part 2 (zh, weak match)", "text 2", cited(2)],
        ),
        (
            {"query": "q", "results": [passage(11, "en", "weak")], "total": 11, "good": 0,
             "offset": 10, "other_language": [passage(1, "zh", "good")]},
            ["Passages 11–11 of 11 for 'q'; 0 good matches.", "",
             "No good answer for this query: these passages are weak matches.", "",
             "[11] Doc — Part 11 (en, weak match)", "text 11",
             cited(11), "", "In the other language:", "",
             "[1] Doc — Part 1 (zh)", "text 1", cited(1)],
        ),
    ],
)  # fmt: skip
def test_the_quotable_text_gives_each_passage_with_its_citation(answer, lines) -> None:
    assert answers.quotable(answer).split("\n") == lines
