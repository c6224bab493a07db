"""Shared fixtures: a tiny bilingual corpus, a tiny index (deterministic test encoder) and the
real seed index (bundled encoder), each built once per session and shared by every test that
asks for it (CLI, engine, web and browser tests alike).

Markers follow the fixtures a test uses, so no test can forget them: a test that requests the
seed index (``seed_index``, ``seed_searcher``, ``web_seed_index``) is ``slow``; one that starts
a real server (``server_process``, ``start_server``) is ``server``. ``python -m pytest -m "not
slow"`` is the quick run. ``SEARCH_TEST_SEED_INDEX=DIR`` reuses a seed index built earlier
with ``python build_index.py --out DIR``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from search.build import build

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

# test modules import helpers from the web plugin before pytest loads it as a plugin
pytest.register_assert_rewrite("tests.web_conftest")

# Property tests: a fixed seed (the same examples every run, so a run never fails by luck);
# ``ci`` tries more of them. Choose with HYPOTHESIS_PROFILE (default ``quick``).
settings.register_profile("quick", max_examples=40, derandomize=True, deadline=None)
settings.register_profile("ci", max_examples=300, derandomize=True, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))

MARK_BY_FIXTURE = {
    "seed_index": "slow",
    "seed_searcher": "slow",
    "web_seed_index": "slow",
    "server_process": "server",
    "start_server": "server",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for name in set(MARK_BY_FIXTURE) & set(getattr(item, "fixturenames", ())):
            item.add_marker(MARK_BY_FIXTURE[name])


ZH_TEXT = """# 碳捕集技术委员会

欧洲标准化委员会新成立了碳捕集、运输、利用、封存和碳核算技术委员会（CEN/TC 474），
将制订碳捕集、利用和储存标准。

该委员会的秘书处设在德国标准化学会。

# 宽带报告

2021 年，全省每个固定宽带家庭用户的月平均下载流量为 186 GB。
"""

EN_TEXT = """# Circular economy committee

CEN created the technical committee CEN/TC 481 on circular economy. It will write standards
for the design of durable products.

Short line.

# National standard for packaging

GB 23350-2021 restricts excessive packaging of foods and cosmetics. The standard has been
implemented since August 15, 2023.

<script>alert("x")</script> must show as text.
"""


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "carbon.zh.md").write_text(ZH_TEXT, encoding="utf-8")
    (folder / "packaging.en.md").write_text(EN_TEXT, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def tiny_index(tiny_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiny") / "index"
    build([tiny_corpus], out, encoder="hashing:64")
    return out


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed corpus indexed with the bundled default encoder (the real thing)."""
    prebuilt = os.environ.get("SEARCH_TEST_SEED_INDEX")
    if prebuilt:
        return Path(prebuilt)
    out = tmp_path_factory.mktemp("seed") / "index"
    build([SEEDS], out)
    return out


@pytest.fixture(scope="session")
def seed_searcher(seed_index: Path):
    from search.searcher import Searcher

    return Searcher.open(seed_index)
