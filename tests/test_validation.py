"""One set of limits and messages for every surface: the Python API, the query CLI and the JSON
API answer the same bad value with the same message (search/query.py owns them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.__main__ import main as cli_main
from search.config import DEFAULT_RANKING, RankingConfig
from search.errors import ConfigError, QueryError
from search.query import MAX_K, check_k, check_lang, parse_k
from search.searcher import Searcher

pytest_plugins = ("tests.web_conftest",)

# (k as typed, the message every surface gives)
BAD_K = [
    ("0", f"k must be a whole number from 1 to {MAX_K} (got 0)"),
    ("51", f"k must be a whole number from 1 to {MAX_K} (got 51)"),
    ("10000", f"k must be a whole number from 1 to {MAX_K} (got 10000)"),
    ("-3", "k must be a whole number from 1 to 50 (got '-3')"),
    ("", "k must be a whole number from 1 to 50 (got '')"),
    ("abc", "k must be a whole number from 1 to 50 (got 'abc')"),
    ("٣", "k must be a whole number from 1 to 50 (got '٣')"),  # Arabic-Indic digit
    ("５", "k must be a whole number from 1 to 50 (got '５')"),  # full-width digit
    ("1.5", "k must be a whole number from 1 to 50 (got '1.5')"),
]


@pytest.mark.parametrize(("raw", "message"), BAD_K)
def test_parse_k_refuses(raw: str, message: str) -> None:
    with pytest.raises(QueryError) as err:
        parse_k(raw)
    assert str(err.value) == message


@pytest.mark.parametrize(("raw", "k"), [(None, 10), ("1", 1), (" 7 ", 7), ("50", 50)])
def test_parse_k_accepts(raw: str | None, k: int) -> None:
    assert parse_k(raw) == k


@pytest.mark.parametrize(("raw", "message"), BAD_K)
def test_cli_and_api_give_the_same_message(
    raw: str, message: str, web_index: Path, web_client, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["--index", str(web_index), "--k", raw, "standards"]) == 2
    assert capsys.readouterr().err.strip() == f"error: {message}"
    resp = web_client.get("/api/search", query_string={"q": "standards", "k": raw})
    assert resp.status_code == 400
    assert message in resp.get_json()["error"]["message"]


@pytest.mark.parametrize("k", [0, 51, 10_000, True, "5", 2.0, None])
def test_python_api_refuses_the_same_k(web_searcher: Searcher, k: object) -> None:
    with pytest.raises(QueryError, match=f"k must be a whole number from 1 to {MAX_K}"):
        web_searcher.search("standards", k=k)  # type: ignore[arg-type]


def test_lang_message_is_shared(web_client) -> None:
    with pytest.raises(QueryError) as err:
        check_lang("fr")
    resp = web_client.get("/api/search?q=a&lang=fr")
    assert resp.status_code == 400 and str(err.value) in resp.get_json()["error"]["message"]
    assert check_k(MAX_K) == MAX_K


# -- ranking settings --


def test_ranking_defaults_unchanged() -> None:
    assert RankingConfig.load() == DEFAULT_RANKING
    assert DEFAULT_RANKING.changed() == {}


def test_ranking_from_file_then_flags(tmp_path: Path) -> None:
    f = tmp_path / "ranking.toml"
    f.write_text("[ranking]\npool = 200\nkeyword_weight = 0.1\n")
    config = RankingConfig.load(f, ["keyword_weight=0.2"])
    assert config.changed() == {"pool": 200, "keyword_weight": 0.2}
    assert isinstance(config.pool, int)


@pytest.mark.parametrize(
    ("text", "assignments", "message"),
    [
        ("pool = 'many'\n", [], "'pool' must be a whole number"),
        ("pool = 1.5\n", [], "'pool' must be a whole number"),
        ("keyword_weight = -1\n", [], "must not be negative"),
        ("typo = 1\n", [], "unknown ranking setting(s) ['typo']"),
        ("pool = \n", [], "is not valid TOML"),
        ("", ["pool"], "--ranking takes KEY=VALUE"),
        ("", ["pool=x"], "'pool' must be a number"),
        ("ranking = 3\n", [], "[ranking] must be a table"),
    ],
)
def test_ranking_errors_are_one_clear_line(
    tmp_path: Path, text: str, assignments: list[str], message: str
) -> None:
    f = tmp_path / "ranking.toml"
    f.write_text(text)
    with pytest.raises(ConfigError) as err:
        RankingConfig.load(f, assignments)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_ranking_reaches_the_searcher_and_the_server(web_index: Path, make_app) -> None:
    config = RankingConfig.load(assignments=["pool=7", "balance_min=0"])
    searcher = Searcher.open(web_index, config=config)
    assert searcher.config is config
    from web import create_app

    app = create_app({"index": str(web_index), "ranking": {"pool": 7}, "rate_limit": 0})
    assert app.extensions["searcher"].searcher.config.pool == 7
    with pytest.raises(ConfigError, match="ranking"):
        create_app({"index": str(web_index), "ranking": {"pool": "x"}})


def test_ranking_flag_changes_cli_results(web_index: Path, capsys) -> None:
    """A setting given on the command line reaches the ranking: with the keyword weights at
    zero the scores are the dense ones, and they differ from the default fusion's."""
    args = ["--index", str(web_index), "--json", "--k", "3", "ESG disclosure"]
    assert cli_main(args) == 0
    plain = capsys.readouterr().out
    assert (
        cli_main([*args, "--ranking", "translated_weight=0", "--ranking", "keyword_weight=0"]) == 0
    )
    changed = capsys.readouterr().out
    assert plain != changed
