"""The two commands users type: build_index.py and python -m search (bad input included).

Most tests call each command's ``main(argv)`` in-process (what a subprocess would add is the
interpreter's start-up, about ten seconds here); ``test_commands_run_as_programs`` runs both
for real once.
"""

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import build_index
from search.__main__ import main as search_main

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Done:
    """What a command left behind: like ``subprocess.CompletedProcess``."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """``run(program, *args, stdin=None)``: ``-m search`` or ``build_index.py``, in-process."""
    mains = {"-m": lambda argv: search_main(argv[1:]), "build_index.py": build_index.main}
    monkeypatch.chdir(ROOT)

    def call(*args: str) -> Done:
        capsys.readouterr()
        try:
            code = mains[args[0]](list(args[1:]))
        except SystemExit as exc:  # argparse's exit path
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return Done(code, out, err)

    return call


def one_line_error(proc: Done, needle: str) -> None:
    err = proc.stderr.strip()
    assert "Traceback" not in err
    assert needle in err, err
    assert len(err.splitlines()) == 1, err


def test_commands_run_as_programs(tiny_index: Path, tmp_path: Path) -> None:
    """The entry points themselves, in a fresh interpreter: exit codes and streams."""

    def program(*args: str) -> subprocess.CompletedProcess:
        cmd = [sys.executable, *args]
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)

    found = program("-m", "search", "--index", str(tiny_index), "--json", "CEN/TC 474")
    assert found.returncode == 0, found.stderr
    assert "CEN/TC 474" in json.loads(found.stdout)["results"][0]["text"]
    bad = program("build_index.py", "--source", str(tmp_path / "nope"), "--out", str(tmp_path))
    assert bad.returncode == 2 and bad.stderr.startswith("error: source path does not exist")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--k", "0"], "k must be a whole number from 1 to 50"),
        (["--k", "-3"], "k must be a whole number from 1 to 50"),
        (["--k", "abc"], "k must be a whole number"),
        (["--k", "10000"], "k must be a whole number from 1 to 50 (got 10000)"),
        (["--lang", "fr"], "lang must be one of zh, en, any"),
        (["--ranking", "pool"], "--ranking takes KEY=VALUE"),
        (["--ranking", "nonsense=1"], "unknown ranking setting(s) ['nonsense']"),
        (["--method", "magic"], "method must be one of"),
    ],
)
def test_search_cli_bad_flags(run, tiny_index: Path, args: list[str], needle: str) -> None:
    proc = run("-m", "search", "--index", str(tiny_index), *args, "standards")
    assert proc.returncode != 0
    one_line_error(proc, needle)


@pytest.mark.parametrize(
    ("query", "needle"),
    [("", "the query is empty"), ("   ", "the query is empty"), ("x" * 100_000, "the limit is")],
)
def test_search_cli_bad_queries(run, tiny_index: Path, query: str, needle: str) -> None:
    proc = run("-m", "search", "--index", str(tiny_index), query)
    assert proc.returncode == 1
    one_line_error(proc, needle)


def test_search_cli_missing_index(run, tmp_path: Path) -> None:
    proc = run("-m", "search", "--index", str(tmp_path / "none"), "standards")
    assert proc.returncode == 2
    one_line_error(proc, "no index at")


def test_search_cli_json_shape(run, tiny_index: Path) -> None:
    proc = run("-m", "search", "--index", str(tiny_index), "--json", "--k", "3", "CEN/TC 474")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {"query", "query_lang", "took_ms", "results"} <= set(data)
    assert data["query"] == "CEN/TC 474" and data["query_lang"] == "en"
    first = data["results"][0]
    assert [r["rank"] for r in data["results"]] == list(range(1, len(data["results"]) + 1))
    assert {"rank", "score", "text", "lang", "doc_id", "chunk_id", "citation"} <= set(first)
    assert set(first["citation"]) >= {
        "title", "section", "paragraph", "page", "source_url", "char_start", "char_end", "text"
    }  # fmt: skip
    assert "CEN/TC 474" in first["text"]


def test_search_cli_text_output_has_citations(run, tiny_index: Path) -> None:
    proc = run("-m", "search", "--index", str(tiny_index), "GB 23350-2021")
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert lines[2].startswith("1. [en] GB 23350-2021 restricts excessive packaging")
    assert lines[3].startswith(
        "   — Circular economy committee, “National standard for packaging”, ¶"
    )


def test_search_cli_batch(run, tiny_index: Path, tmp_path: Path) -> None:
    batch = tmp_path / "q.txt"
    batch.write_text('circular economy\n{"q": "碳捕集"}\n\n  \nGB 23350\n', encoding="utf-8")
    proc = run("-m", "search", "--index", str(tiny_index), "--json", "--batch", str(batch))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # blank lines are skipped, not reported as empty queries
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [x["query"] for x in lines] == ["circular economy", "碳捕集", "GB 23350"]
    assert all("results" in x for x in lines)


@pytest.mark.parametrize("json_flag", [["--json"], []])
def test_search_cli_batch_exits_1_when_any_query_fails(
    run, tiny_index: Path, tmp_path: Path, json_flag: list[str]
) -> None:
    some = tmp_path / "some.txt"
    some.write_text('circular economy\n{"q": ""}\n', encoding="utf-8")
    proc = run("-m", "search", "--index", str(tiny_index), *json_flag, "--batch", str(some))
    assert proc.returncode == 1
    assert "circular economy" in proc.stdout  # the good query is still answered
    every = tmp_path / "every.txt"
    every.write_text('{"q": ""}\n' + "x" * 7000 + "\n", encoding="utf-8")
    proc = run("-m", "search", "--index", str(tiny_index), *json_flag, "--batch", str(every))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr


def test_search_cli_batch_without_queries_is_a_one_line_error(
    run, tiny_index: Path, tmp_path: Path
) -> None:
    blank = tmp_path / "blank.txt"
    blank.write_text("\n  \n", encoding="utf-8")
    proc = run("-m", "search", "--index", str(tiny_index), "--batch", str(blank))
    assert proc.returncode == 2
    one_line_error(proc, "holds no query")


@pytest.mark.parametrize("word", ["docs", "check", "snapshot", "restore"])
def test_a_subcommand_name_is_searched_after_double_dash(
    run, tiny_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, word: str
) -> None:
    """``python -m search -- docs`` searches for "docs" in ./index (what --help says)."""
    (tmp_path / "index").symlink_to(tiny_index)
    monkeypatch.chdir(tmp_path)
    proc = run("-m", "search", "--json", "--", word)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["query"] == word
    helped = run("-m", "search", "--help")
    assert "python -m search -- docs" in " ".join(helped.stdout.split())


@pytest.mark.parametrize("word", ["docs", "snapshot", "restore"])
def test_a_subcommand_without_its_arguments_says_how_to_search_the_word(run, word: str) -> None:
    proc = run("-m", "search", word)
    assert proc.returncode == 2
    one_line_error(proc, f"to search for the word '{word}', put -- before it")
    assert f"python -m search -- {word}" in proc.stderr


@pytest.mark.parametrize("program", ["-m search", "-m web", "-m search.eval"])
def test_index_help_names_postgresql_urls(program: str, capsys: pytest.CaptureFixture[str]) -> None:
    from search.__main__ import parse_args as search_args
    from search.eval import parse_args as eval_args
    from web.__main__ import parse_args as web_args

    parse = {"-m search": search_args, "-m web": web_args, "-m search.eval": eval_args}[program]
    with pytest.raises(SystemExit):
        parse(["--help"])
    option = capsys.readouterr().out.split("\n  --index", 1)[1].split("\n  -", 1)[0]
    assert "postgresql:// URL" in " ".join(option.split())


def test_build_cli_missing_source(run, tmp_path: Path) -> None:
    proc = run("build_index.py", "--source", str(tmp_path / "nope"), "--out", str(tmp_path / "i"))
    assert proc.returncode == 2
    one_line_error(proc, "source path does not exist")


def test_build_cli_unknown_encoder(run, tiny_corpus: Path, tmp_path: Path) -> None:
    proc = run("build_index.py", "--source", str(tiny_corpus), "--out", str(tmp_path / "i"),
               "--encoder", "word2vec")  # fmt: skip
    assert proc.returncode == 2
    one_line_error(proc, "unknown encoder 'word2vec'")


def test_build_cli_partial_build_reports_skips(run, tiny_corpus: Path, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for f in tiny_corpus.iterdir():
        (src / f.name).write_bytes(f.read_bytes())
    (src / "empty.txt").write_bytes(b"")
    (src / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00" * 100)
    (src / "gbk.txt").write_bytes("国家标准化管理委员会发布新标准。".encode("gb18030"))
    out = tmp_path / "index"
    proc = run("build_index.py", "--source", str(src), "--out", str(out), "--encoder",
               "hashing:64", "--quiet")  # fmt: skip
    assert proc.returncode == 3, proc.stderr
    assert "skipped empty.txt: the file is empty" in proc.stdout
    assert "skipped blob.txt: looks like a binary file" in proc.stdout
    assert "documents: 3" in proc.stdout
    search = run("-m", "search", "--index", str(out), "--json", "国家标准化管理委员会")
    assert "国家标准化管理委员会" in json.loads(search.stdout)["results"][0]["text"]


def test_build_cli_failure_keeps_the_old_index(run, tiny_index: Path, tmp_path: Path) -> None:
    before = sorted(p.name for p in tiny_index.iterdir())
    proc = run("build_index.py", "--source", str(tmp_path / "nope"), "--out", str(tiny_index))
    assert proc.returncode == 2
    assert sorted(p.name for p in tiny_index.iterdir()) == before
