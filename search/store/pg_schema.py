"""The PostgreSQL schema of one index generation: table definitions shared by every layout.

A generation lives in its own schema (``g_<stamp>_<hex>``). Tables sharded by document
(``doc_id``): ``chunks`` (passage, citation fields, keyword columns, token count, chunk vector),
``windows`` (sentence-window vectors and their chunk) and ``postings`` (one row per term and
chunk: the FTS5-equivalent weighted frequency, see :mod:`search.store.pg_keywords`). Small
tables every node may read whole: ``documents``, ``vocab`` (term, document frequency) and
``derived`` (what a searcher loads at start: the per-chunk table of :mod:`search.store.base`
as ``.npy`` bytes, and the bilingual dictionary restricted to the index's terms as JSON).

Row ids (``chunks.id``, ``windows.id``) are numbered exactly as the embedded store numbers them,
so rankings, tie-breaks and per-row arrays agree between the two backends.

``public.search_generations`` lists the generations with their manifests and
``public.search_current`` (one row) names the serving one: a build switches it in one
``UPDATE``, so readers never see a half-written generation.
"""

from __future__ import annotations

SHARDED = ("chunks", "windows", "postings")

COLUMNS = {
    "chunks": (
        "id bigint NOT NULL, chunk_id text NOT NULL, doc_id text NOT NULL, ordinal int, "
        "text text NOT NULL, lang text, heading text, section text, para_start int, "
        "para_end int, char_start int, char_end int, page int, kind text, footnotes text, "
        "page_end int, block int, block_end int, "
        "kw_body text, kw_heading text, kw_ids text, n_tokens int NOT NULL, "
        "embedding vector({dim}) NOT NULL"
    ),  # CHUNK_COLUMNS of search/store/write.py, then the keyword columns and the vector
    "windows": "id bigint NOT NULL, doc_id text NOT NULL, owner bigint NOT NULL, "
    "embedding vector({dim}) NOT NULL",
    "postings": "term text NOT NULL, id bigint NOT NULL, doc_id text NOT NULL, "
    "freq float8 NOT NULL, tf_ids int NOT NULL, n_tokens int NOT NULL",
}

# Indexes on each shard table (the plain table that holds the rows).
SHARD_INDEXES = {
    "chunks": ["(id)", "(chunk_id)", "(doc_id, ordinal)"],
    "windows": ["(id)", "(owner)"],
    "postings": ["(term) INCLUDE (id, freq, tf_ids, n_tokens)"],  # BM25 from the index alone
}

GLOBAL = """
CREATE TABLE {s}.documents (
    doc_id text PRIMARY KEY, path text, title text, lang text, kind text, publisher text,
    issue text, date text, source_url text, content_hash text, n_chunks int
);
CREATE TABLE {s}.vocab (term text PRIMARY KEY, df int NOT NULL, df_ids int NOT NULL,
                        phrase boolean NOT NULL);
CREATE TABLE {s}.derived (name text PRIMARY KEY, data bytea NOT NULL);
"""

CATALOG = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE IF NOT EXISTS public.search_generations (
    name text PRIMARY KEY, manifest jsonb NOT NULL, created_at timestamptz DEFAULT now()
);
CREATE TABLE IF NOT EXISTS public.search_current (
    one boolean PRIMARY KEY DEFAULT true CHECK (one), name text NOT NULL
);
"""

DOCUMENT_COLUMNS = [
    "doc_id",
    "path",
    "title",
    "lang",
    "kind",
    "publisher",
    "issue",
    "date",
    "source_url",
    "content_hash",
    "n_chunks",
]


def table_sql(schema: str, table: str, dim: int, suffix: str = "", base: str = "") -> str:
    """``CREATE TABLE`` for sharded table ``base`` named ``table`` (``suffix`` adds e.g. a
    PARTITION BY clause)."""
    columns = COLUMNS[base or table].format(dim=dim)
    return f"CREATE TABLE {schema}.{table} ({columns}) {suffix}"


def plain_vectors_sql(schema: str, table: str) -> str:
    """Keep a table's vectors in its own pages rather than out of line (TOAST): reading them
    needs no detour, and the planner then costs an exact scan truthfully - with TOASTed
    vectors it priced a 50 000-row scan below the HNSW index and never used the index."""
    return f"ALTER TABLE {schema}.{table} ALTER COLUMN embedding SET STORAGE PLAIN"


def column_types(table: str) -> list[str]:
    """The PostgreSQL type of each column of sharded ``table`` (for a binary ``COPY``)."""
    names = {"int": "int4", "bigint": "int8", "text": "text", "float8": "float8"}
    types = [c.split()[1].split("(")[0] for c in COLUMNS[table].split(", ")]
    return [names.get(t, t) for t in types]


def index_sql(schema: str, table: str, base: str) -> list[str]:
    """The b-tree indexes of one shard table."""
    return [f"CREATE INDEX ON {schema}.{table} USING btree {cols}" for cols in SHARD_INDEXES[base]]


def hnsw_sql(schema: str, table: str, m: int = 16, ef_construction: int = 64) -> str:
    """An HNSW index (inner product) on a shard table's vectors."""
    return (
        f"CREATE INDEX ON {schema}.{table} USING hnsw (embedding vector_ip_ops) "
        f"WITH (m = {m}, ef_construction = {ef_construction})"
    )
