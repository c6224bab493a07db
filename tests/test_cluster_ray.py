"""Distributed embedding: a two-node Ray cluster started here on 127.0.0.1 encodes a build
(``build_index.py --ray ADDRESS``) whose vectors equal a one-process build's."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import build_index
from search.build import build
from search.errors import ConfigError
from search.store.base import open_store

pytest_plugins = ("tests.pg_conftest",)
pytestmark = [
    pytest.mark.cluster,
    pytest.mark.skipif(
        importlib.util.find_spec("ray") is None,
        reason="ray not installed: pip install -e '.[scale]'",
    ),
]

ENCODER = "hashing:64"


@pytest.fixture(scope="module")
def ray_cluster():
    from search.embed.ray_local import LocalRay

    cluster = LocalRay(nodes=2, cpus=1)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


def test_two_node_ray_build_equals_one_process(
    ray_cluster: str, pg_database, tiny_corpus: Path, tmp_path: Path
) -> None:
    from search.embed.ray_pool import RayEmbedder

    embedder = RayEmbedder(ENCODER, ray_cluster)
    assert len(embedder.nodes) == 2  # actors on both nodes
    texts = [f"passage {i} 标准化 committee {i * 7}" for i in range(300)]
    from search.embed import get_embedder

    try:
        np.testing.assert_array_equal(
            embedder.encode_many(texts, 16), get_embedder(ENCODER).encode_documents(texts)
        )
    finally:
        embedder.shutdown()  # frees the CPUs for the build's own actors
    url = pg_database("ray")
    args = ["--source", str(tiny_corpus), "--out", url, "--encoder", ENCODER, "--quiet"]
    assert build_index.main([*args, "--ray", ray_cluster]) == 0
    local = build([tiny_corpus], tmp_path / "index", encoder=ENCODER).path
    a, b = open_store(url), open_store(local)
    n = b.manifest["chunks"]
    assert a.manifest["chunks"] == n and a.manifest["encoder"] == ENCODER
    np.testing.assert_array_equal(a.chunk_vectors(list(range(n))), b.chunk_vectors(list(range(n))))
    a.close()
    b.close()


def test_unknown_encoder_fails_before_joining_ray() -> None:
    from search.embed.ray_pool import RayEmbedder

    with pytest.raises(ConfigError, match="unknown encoder"):
        RayEmbedder("no-such-encoder", "127.0.0.1:1")
