"""Settings: one declared table; config file < environment < explicit; unknown names fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.errors import ConfigError
from web import create_app
from web.settings import SETTINGS, load

pytest_plugins = ("tests.web_conftest",)


def test_defaults_match_the_issue() -> None:
    s = load(environ={})
    assert (s["host"], s["port"], s["index"]) == ("127.0.0.1", 8000, "index")
    assert (s["max_query_chars"], s["max_k"]) == (4000, 50)
    assert s["api_keys"] == () and s["cors_origins"] == ()
    assert all(setting.help for setting in SETTINGS)


def test_layers_override_in_order(tmp_path: Path) -> None:
    conf = tmp_path / "web.toml"
    conf.write_text('port = 9000\nworkers = 3\ncors_origins = ["https://a.example/"]\n')
    env = {"SEARCH_PORT": "9100", "SEARCH_API_KEYS": " k1 , k2 ,", "SEARCH_CONFIG": str(conf)}
    s = load({"workers": 5, "host": None}, environ=env)
    assert s["port"] == 9100  # environment beats the file
    assert s["workers"] == 5  # explicit beats both
    assert s["host"] == "127.0.0.1"  # None means "not given"
    assert s["cors_origins"] == ("https://a.example",)
    assert s["api_keys"] == ("k1", "k2")


def test_web_table_in_config_file(tmp_path: Path) -> None:
    conf = tmp_path / "web.toml"
    conf.write_text("[web]\nmax_query_chars = 100\n")
    assert load({"config": str(conf)}, environ={})["max_query_chars"] == 100


@pytest.mark.parametrize(
    ("overrides", "env", "message"),
    [
        ({"colour": "red"}, {}, "unknown setting 'colour'"),
        ({}, {"SEARCH_PORT": "abc"}, "setting 'port' = 'abc' (environment)"),
        ({"port": 70000}, {}, "from 0 to 65535"),
        ({"workers": 0}, {}, "from 1 to 64"),
        ({"max_k": 51}, {}, "from 1 to 50"),
        ({"rate_limit": "fast"}, {}, "expected a number"),
        ({"api_keys": 5}, {}, "expected a list"),
        ({"config": "/no/such/file.toml"}, {}, "cannot read config file"),
    ],
)
def test_bad_settings_fail_loudly(overrides: dict, env: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load(overrides, environ=env)


def test_unknown_key_in_config_file_fails(tmp_path: Path) -> None:
    conf = tmp_path / "web.toml"
    conf.write_text("prot = 8000\n")
    with pytest.raises(ConfigError, match="unknown setting 'prot'.*known: index"):
        load({"config": str(conf)}, environ={})
    conf.write_text("port = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load({"config": str(conf)}, environ={})


def test_create_app_rejects_unknown_settings(web_searcher) -> None:
    with pytest.raises(ConfigError, match="unknown setting 'max_results'"):
        create_app({"max_results": 3}, searcher=web_searcher)


def test_create_app_opens_the_index_setting(web_index: Path) -> None:
    app = create_app({"index": str(web_index)})
    assert app.test_client().get("/healthz").get_json()["index"]["documents"] == 3
