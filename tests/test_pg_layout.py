"""Sizing the PostgreSQL build, without a server: the binary COPY's column types and the
memory an HNSW build is given."""

from __future__ import annotations

from search.store import pg_schema
from search.store.pg_layout import BUILD_MEMORY_MAX_MB, build_memory


def test_binary_copy_types_follow_the_table_definitions() -> None:
    for table in pg_schema.SHARDED:
        types = pg_schema.column_types(table)
        assert len(types) == pg_schema.COLUMNS[table].count(",") + 1
    assert pg_schema.column_types("windows") == ["int8", "text", "int8", "vector"]
    chunks = pg_schema.column_types("chunks")
    assert chunks[0] == "int8" and chunks[-1] == "vector" and chunks[-2] == "int4"


def test_an_hnsw_build_gets_memory_for_its_graph_within_bounds() -> None:
    assert build_memory(0, 512) == build_memory(-1, 512) == 64  # PostgreSQL's default
    half_million = build_memory(500_000, 512)
    assert 500_000 * 4 * 512 / 2**20 < half_million < 2 * 500_000 * 4 * 512 / 2**20
    assert build_memory(1_000_000, 512) > half_million
    assert build_memory(50_000_000, 512) == BUILD_MEMORY_MAX_MB
