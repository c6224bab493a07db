"""The evaluation command: relevance rule, metrics, runs, settings, paired tests, generated docs."""

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from search.config import RankingConfig
from search.errors import ConfigError, SearchError
from search.eval import Report, evaluate, first_hit, is_relevant, load_queries, main
from search.evaluation import docs, settings, snippets, stats
from search.evaluation.relevance import judgements, shared_answers
from search.evaluation.report import run_queries, with_ranking
from search.evaluation.runs import Run, read_qrels, read_run, write_qrels, write_run

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("text", "gold", "relevant"),
    [
        ("成立了技术委员会（CEN/TC 481）", ["CEN/TC481"], True),  # whitespace removed
        ("流量为 186 GB。", ["186GB"], True),
        ("ＩＥＣ／ＴＣ　１１７", ["IEC/TC 117"], True),  # NFKC: full-width forms
        ("astm has roughly 140", ["ASTM has roughly 140"], True),  # case folded
        ("CEN/TC 474", ["CEN/TC481"], False),
        ("anything", [], False),
    ],
)
def test_relevance_rule(text: str, gold: list[str], relevant: bool) -> None:
    assert is_relevant(text, gold) is relevant


def test_metrics() -> None:
    report = Report({"a": 1, "b": 3, "c": None, "d": 7})
    assert report.recall(1) == 0.25
    assert report.recall(5) == 0.5
    assert report.mrr == pytest.approx((1 + 1 / 3 + 0 + 1 / 7) / 4)
    assert report.missed(5) == ["c", "d"]
    assert first_hit(["x", "GB/T 31415-2019", "GB/T 31415-2019"], ["GB/T31415-2019"]) == 2
    assert stats.summary(report.ranks) == {
        "R@1": 0.25, "R@5": 0.5, "MRR@10": pytest.approx(report.mrr)
    }  # fmt: skip


@pytest.mark.parametrize("line", ["not json", '{"q": "x"}', '["q", "gold"]'])
def test_bad_query_file(tmp_path: Path, line: str) -> None:
    f = tmp_path / "q.jsonl"
    f.write_text(line + "\n")
    with pytest.raises(SearchError, match=r"q.jsonl:1: expected a JSON object"):
        load_queries(f)


# --- paired statistics -----------------------------------------------------------------------


def test_paired_difference_of_identical_runs_is_zero_with_p_one() -> None:
    a = np.array([1.0, 0.0, 1.0, 0.5])
    d = stats.paired(a, a.copy(), "MRR@10")
    assert (d.delta, d.low, d.high, d.p) == (0.0, 0.0, 0.0, 1.0)


def test_a_clear_gain_has_a_positive_interval_and_small_p() -> None:
    a, b = np.zeros(40), np.ones(40)
    b[:5] = 0.0  # 35 of 40 queries gain
    d = stats.paired(a, b)
    assert d.delta == pytest.approx(0.875)
    assert 0.7 < d.low <= d.delta <= d.high <= 1.0
    assert d.p < 0.001


def test_one_changed_query_cannot_be_told_from_chance() -> None:
    a, b = np.ones(50), np.ones(50)
    b[7] = 0.0
    d = stats.paired(a, b)
    assert d.delta == pytest.approx(-0.02) and d.p == 1.0 and d.low < 0 and d.high == 0.0


def test_paired_statistics_are_deterministic() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.random(30), rng.random(30)
    assert stats.paired(a, b) == stats.paired(a, b)


def test_compare_needs_the_same_queries() -> None:
    with pytest.raises(ValueError, match="lacks queries"):
        stats.compare({"q1": 1, "q2": None}, {"q1": 2})
    moved = stats.compare({"q1": 1, "q2": None}, {"q1": 2, "q2": 1})
    assert [d.metric for d in moved] == ["R@1", "R@5", "MRR@10"]
    assert moved[2].delta == pytest.approx(((0.5 - 1) + (1 - 0)) / 2)


# --- runs, judgements, settings --------------------------------------------------------------


def test_run_and_qrels_round_trip_in_trec_format(tmp_path: Path) -> None:
    run = Run("mine", {"q1": [("c-2", 0.9), ("c-1", 0.5)], "q2": [("c-3", 0.1)]})
    qrels = {"q1": {"c-1"}, "q2": {"c-9"}}
    write_run(run, tmp_path / "a.run")
    write_qrels(qrels, tmp_path / "q.qrels")
    assert (tmp_path / "a.run").read_text().splitlines()[0] == "q1 Q0 c-2 1 0.900000 mine"
    again = read_run(tmp_path / "a.run")
    assert again.ranked == run.ranked and again.tag == "mine"
    assert read_qrels(tmp_path / "q.qrels") == qrels
    assert again.ranks(qrels) == {"q1": 2, "q2": None}
    (tmp_path / "bad.run").write_text("q1 Q0 c-2\n")
    with pytest.raises(SearchError, match="bad.run:1: expected"):
        read_run(tmp_path / "bad.run")


def test_shared_answers_are_found_by_the_relevance_rule() -> None:
    texts = {"p1": "CEN/TC 474 was set up.", "p2": "186 GB a month", "p3": "other"}
    mine = [{"id": "h1", "q": "?", "gold": ["186 GB"]}, {"id": "h2", "q": "?", "gold": ["x"]}]
    theirs = [{"id": "d1", "q": "?", "gold": ["186GB"]}, {"id": "d2", "q": "?", "gold": ["TC"]}]
    assert judgements(texts, mine) == {"h1": {"p2"}, "h2": set()}
    assert shared_answers(mine, theirs, texts) == {"h1": ["d1"]}


def test_ranking_settings_from_pairs_and_files(tmp_path: Path) -> None:
    f = tmp_path / "r.toml"
    f.write_text("[ranking]\nkeyword_weight = 0.2\npool = 50\n")
    cfg = settings.ranking(["pool=80", "count_weight = 0"], [f])
    assert (cfg.keyword_weight, cfg.pool, cfg.count_weight) == (0.2, 80, 0.0)
    assert isinstance(cfg.pool, int)
    assert settings.changes(cfg) == {"keyword_weight": 0.2, "pool": 80, "count_weight": 0.0}


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (["nonsense"], "--ranking takes KEY=VALUE"),
        (["bogus=1"], "unknown ranking setting"),
        (["pool=2.5"], "'pool' must be a whole number"),
        (["keyword_weight=high"], "'keyword_weight' must be a number"),
    ],
)
def test_bad_ranking_settings_are_clear_errors(pairs: list[str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        settings.ranking(pairs)


# --- the command ------------------------------------------------------------------------------


def test_eval_command_on_tiny_index(tiny_index: Path, tmp_path: Path, capsys) -> None:
    f = tmp_path / "q.jsonl"
    f.write_text(
        '{"id": "x1", "q": "GB 23350-2021", "gold": ["GB 23350-2021"]}\n'
        '{"id": "x2", "q": "碳捕集 技术委员会", "gold": ["CEN/TC 474"]}\n'
    )
    args = [str(f), "--index", str(tiny_index), "--ranking", "identifier_weight=0.4"]
    out = [*args, "--run", str(tmp_path / "a.run"), "--qrels", str(tmp_path / "q.qrels")]
    out += ["--versus", "keyword_weight=0.3", "--save", str(tmp_path / "a.json")]
    assert main(out) == 0
    printed = capsys.readouterr().out
    assert "R@1: 1.000" in printed and "missed@5: -" in printed
    assert "settings: hybrid, identifier_weight=0.4" in printed
    assert "versus: hybrid, keyword_weight=0.3, identifier_weight=0.4" in printed
    assert "95% interval" in printed
    saved = json.loads((tmp_path / "a.json").read_text())
    assert saved["ranks"] == {"x1": 1, "x2": 1} and saved["changed"] == {"identifier_weight": 0.4}
    assert saved["command"].startswith("python -m search.eval ")
    assert [d["metric"] for d in saved["differences"]] == ["R@1", "R@5", "MRR@10"]
    run, qrels = read_run(tmp_path / "a.run"), read_qrels(tmp_path / "q.qrels")
    assert run.ranks(qrels) == saved["ranks"]  # the TREC files say what the text rule says
    assert main(["--compare", str(tmp_path / "a.json"), str(tmp_path / "a.json")]) == 0
    assert "ranks changed: none" in capsys.readouterr().out
    assert main(["--compare", str(tmp_path / "a.run"), str(tmp_path / "a.run")]) == 2
    assert "needs --qrels" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["none.jsonl"], "cannot read query file"),
        (["--ranking", "bogus=1"], "unknown ranking setting"),
        (["--ranking-file", "none.toml"], "cannot read ranking file"),
    ],
)
def test_eval_command_errors_are_one_line(tiny_index: Path, capsys, args, message) -> None:
    assert main([*args, "--index", str(tiny_index)]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


# --- generated docs ---------------------------------------------------------------------------


def test_docs_match_the_committed_results_files() -> None:
    stale = docs.update(write=False)
    assert not stale, f"run: python -m search.eval --write-docs ({stale} differ)"


def test_every_results_file_has_its_command_and_settings() -> None:
    for name in docs.RESULTS:
        r = docs.load(name)
        assert r["command"] == docs.command(name)
        assert r["method"] in ("dense", "keyword", "hybrid") and "ranking" in r


def test_every_results_file_is_written_by_a_known_command() -> None:
    """Each file in eval/results/ is either a ``python -m search.eval`` result or an
    experiment's, and carries the command that wrote it."""
    on_disk = {p.name for p in (ROOT / docs.RESULTS_DIR).glob("*.json")}
    unknown = on_disk - set(docs.RESULTS) - set(docs.EXPERIMENTS)
    assert not unknown, f"no command known for {sorted(unknown)} (search/evaluation/docs.py)"
    for name, command in docs.EXPERIMENTS.items():
        assert docs.load(name)["command"] == command


def test_every_ablation_is_a_method_and_ranking_settings() -> None:
    variants = docs.load("ablations.json")["variants"]
    names = {v["name"] for v in variants}
    for v in variants:
        assert v["method"] in ("dense", "keyword", "hybrid")
        config = RankingConfig.from_dict(v["ranking"])
        assert config.changed() == v["changed"]
        assert v["reference"] is None or v["reference"] in names
    shipped = [v for v in variants if v["reference"] is None]
    assert {v["method"] for v in shipped} == {"dense", "hybrid"}
    assert all(v["changed"] == {} and "(shipped)" in v["name"] for v in shipped)


def test_a_generated_block_is_replaced_and_the_rest_kept() -> None:
    doc = "intro\n<!-- eval:x:start -->\nold\n<!-- eval:x:end -->\nrest\n"
    assert docs.replace_block(doc, "x", "new") == (
        "intro\n<!-- eval:x:start -->\nnew\n<!-- eval:x:end -->\nrest\n"
    )
    with pytest.raises(SearchError, match="no <!-- eval:y:start -->"):
        docs.replace_block(doc, "y", "new")


def test_a_changed_results_file_makes_the_docs_stale(tmp_path: Path) -> None:
    """The docs check can fail: change one figure's results file and the README is stale."""
    for rel in ("README.md", "docs/RETRIEVAL.md", "eval"):
        src, dst = ROOT / rel, tmp_path / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        else:
            shutil.copy(src, dst)
    assert docs.update(write=False, root=tmp_path) == []
    results = tmp_path / "eval" / "results" / "dev-dense.json"
    data = json.loads(results.read_text())
    data["ranks"] = {q: 1 for q in data["ranks"]}  # a perfect dense run
    results.write_text(json.dumps(data))
    assert docs.update(write=False, root=tmp_path) == ["README.md"]
    assert docs.update(write=True, root=tmp_path) == ["README.md"]
    assert "| dev (50) | 1.00 | 1.00 | 1.000 |" in (tmp_path / "README.md").read_text()
    assert docs.update(write=False, root=tmp_path) == []


@pytest.mark.parametrize("name", ["dev-hybrid.json", "check-hybrid.json"])
def test_committed_results_are_what_the_seed_index_gives(seed_searcher, name: str) -> None:
    """The figures in the docs still describe the code: re-running a results file's queries on
    the seed index gives its ranks (else: ``python -m search.eval --reproduce``)."""
    saved = docs.load(name)
    queries = load_queries(ROOT / saved["queries"])
    report = evaluate(seed_searcher, queries, saved["method"])
    assert report.ranks == saved["ranks"], "run: python -m search.eval --reproduce"


def test_ablations_are_what_the_searcher_gives_on_the_seed_index(seed_searcher) -> None:
    """Each ablation row is ``Searcher.search`` under its settings: the shipped rows are a
    default Searcher's ranks (else: ``python eval/experiments/ablate.py index --save ...``)."""
    saved = docs.load("ablations.json")
    queries = load_queries(ROOT / saved["queries"])
    for v in saved["variants"]:
        config = RankingConfig.from_dict(v["ranking"])
        searcher = (
            seed_searcher if config == RankingConfig() else with_ranking(seed_searcher, config)
        )
        report, _ = run_queries(searcher, queries, v["method"])
        assert report.ranks == v["ranks"], f"{v['name']}: run {docs.EXPERIMENTS['ablations.json']}"


# --- snippets that explain a result -------------------------------------------------------------


@pytest.mark.parametrize(
    ("snippet_span", "highlights", "expected"),
    [
        ([0, 40], [[5, 9]], True),  # a marked word inside the snippet
        ([0, 40], [[50, 55]], False),  # marked, but outside the snippet
        ([10, 40], [[5, 12]], False),  # only partly inside
        ([0, 40], [], False),  # nothing marked
        ([], [[5, 9]], False),  # no snippet span
        ([0, 40], [[50, 55], [39, 40]], True),  # any one span is enough
    ],
)
def test_snippet_explained(snippet_span, highlights, expected) -> None:
    result = SimpleNamespace(snippet_span=snippet_span, highlights=highlights)
    assert snippets.explained(result) is expected


def test_snippet_share() -> None:
    shown = [
        SimpleNamespace(snippet_span=[0, 10], highlights=[[1, 3]]),
        SimpleNamespace(snippet_span=[0, 10], highlights=[[11, 13]]),
        SimpleNamespace(snippet_span=[0, 10], highlights=[[2, 4]]),
        SimpleNamespace(snippet_span=[0, 10], highlights=[]),
    ]
    assert snippets.snippet_counts(shown) == (2, 3, 4)
    assert snippets.snippet_share(shown) == 0.5
    assert snippets.snippet_share([]) == 0.0
    report = Report({"a": 1}, snippets=(2, 3, 4))
    assert "snippets explained: 50% (2/4; 3 results have a marked word)" in report.lines()
