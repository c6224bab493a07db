"""Where a generation's tables live: on one node, hash-partitioned over postgres_fdw shards, or
distributed by Citus.

* **single** - no shard is attached: plain tables on the one server.
* **fdw** - ``attach_shards`` registered foreign servers ``shard0 .. shardN-1`` (postgres_fdw,
  ``async_capable``, ``extensions 'vector'`` so vector operators are shipped). Each sharded
  table is ``PARTITION BY HASH (doc_id)`` on the coordinator with one foreign-table partition
  per shard; the rows, b-tree and HNSW indexes live on the shards. Queries fan out as a
  ``UNION ALL`` of per-partition ``ORDER BY ... LIMIT`` subqueries, which postgres_fdw pushes
  whole to each shard and runs concurrently (async Append).
* **citus** - where the ``citus`` extension is installed and ``layout='citus'`` is asked
  for: ``create_distributed_table(..., 'doc_id')`` and reference tables for the small ones.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from search.store import pg_schema
from search.store.pg_connect import EF_SEARCH

BUILD_MEMORY_MAX_MB = 8192  # per HNSW build (one per shard at a time)
FDW_OPTIONS = {
    "async_capable": "true",
    "extensions": "vector",
    "fetch_size": "2000",
    "batch_size": "500",
}


def _lit(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def attach_shards(coordinator_url: str, ports: list[int], host: str = "127.0.0.1") -> None:
    """Register shard servers on the coordinator (idempotent) and prepare every node."""
    import psycopg

    from search.store.pg_cluster import DB, USER

    for port in ports:
        with psycopg.connect(f"postgresql://{USER}@{host}:{port}/{DB}", autocommit=True) as c:
            c.execute("CREATE EXTENSION IF NOT EXISTS vector")
            c.execute(f"ALTER DATABASE {DB} SET hnsw.ef_search = {EF_SEARCH}")
    with psycopg.connect(coordinator_url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgres_fdw")
        conn.execute(pg_schema.CATALOG)
        for i, port in enumerate(ports):
            opts = {"host": host, "port": str(port), "dbname": DB, **FDW_OPTIONS}
            found = conn.execute(
                "SELECT 1 FROM pg_foreign_server WHERE srvname = %s", (f"shard{i}",)
            )
            if found.fetchone():
                sets = ", ".join(f"SET {k} {_lit(v)}" for k, v in opts.items())
                conn.execute(f"ALTER SERVER shard{i} OPTIONS ({sets})")
                continue
            listed = ", ".join(f"{k} {_lit(v)}" for k, v in opts.items())
            conn.execute(
                f"CREATE SERVER shard{i} FOREIGN DATA WRAPPER postgres_fdw OPTIONS ({listed})"
            )
            conn.execute(
                f"CREATE USER MAPPING FOR PUBLIC SERVER shard{i} OPTIONS (user {_lit(USER)})"
            )


def shards(conn) -> list[tuple[str, str]]:
    """The attached shard servers as (name, libpq conninfo), in shard order."""
    rows = conn.execute(
        "SELECT srvname, srvoptions FROM pg_foreign_server WHERE srvname ~ '^shard[0-9]+$' "
        "ORDER BY length(srvname), srvname"
    ).fetchall()
    out = []
    for name, options in rows:
        opts = dict(o.split("=", 1) for o in options or [])
        info = f"host={opts['host']} port={opts['port']} dbname={opts['dbname']} user=postgres"
        out.append((name, info))
    return out


def citus_available(conn) -> bool:
    row = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'citus'").fetchone()
    return row is not None


def create_tables(conn, schema: str, dim: int, layout: str) -> None:
    """Create the tables of a new generation ``schema`` (data is loaded afterwards)."""
    import psycopg

    conn.execute(f"CREATE SCHEMA {schema}")
    conn.execute(pg_schema.GLOBAL.format(s=schema))
    if layout == "single":
        for table in pg_schema.SHARDED:
            conn.execute(pg_schema.table_sql(schema, table, dim))
            if table != "postings":
                conn.execute(pg_schema.plain_vectors_sql(schema, table))
        return
    if layout == "citus":
        conn.execute("CREATE EXTENSION IF NOT EXISTS citus")
        for table in pg_schema.SHARDED:
            conn.execute(pg_schema.table_sql(schema, table, dim))
            if table != "postings":
                conn.execute(pg_schema.plain_vectors_sql(schema, table))
            conn.execute("SELECT create_distributed_table(%s, 'doc_id')", (f"{schema}.{table}",))
        for table in ("documents", "vocab", "derived"):
            conn.execute("SELECT create_reference_table(%s)", (f"{schema}.{table}",))
        return
    servers = shards(conn)
    n = len(servers)
    for i, (_, info) in enumerate(servers):
        with psycopg.connect(info, autocommit=True) as shard:
            shard.execute(f"CREATE SCHEMA {schema}")
            for table in pg_schema.SHARDED:
                shard.execute(pg_schema.table_sql(schema, f"{table}_p{i}", dim, base=table))
                if table != "postings":
                    shard.execute(pg_schema.plain_vectors_sql(schema, f"{table}_p{i}"))
    for table in pg_schema.SHARDED:
        conn.execute(pg_schema.table_sql(schema, table, dim, "PARTITION BY HASH (doc_id)"))
        for i, (name, _) in enumerate(servers):
            conn.execute(
                f"CREATE FOREIGN TABLE {schema}.{table}_p{i} PARTITION OF {schema}.{table} "
                f"FOR VALUES WITH (MODULUS {n}, REMAINDER {i}) SERVER {name} "
                f"OPTIONS (schema_name {_lit(schema)}, table_name {_lit(f'{table}_p{i}')})"
            )


def index_tables(conn, schema: str, layout: str, hnsw: set[str]) -> None:
    """After loading: b-tree indexes everywhere, HNSW on the vector tables named in ``hnsw``
    (the others are scanned exactly), and ANALYZE. The shards build theirs at the same time,
    each HNSW graph in memory (see :func:`build_memory`)."""
    import psycopg

    def index(c, table: str, base: str) -> None:
        for sql in pg_schema.index_sql(schema, table, base):
            c.execute(sql)
        # the keyword lists read every posting of the query's terms: VACUUM marks the freshly
        # copied pages all-visible, so those reads stay in the index (an index-only scan)
        c.execute(f"{'VACUUM (ANALYZE)' if base == 'postings' else 'ANALYZE'} {schema}.{table}")
        if base in hnsw:
            rows, dim = c.execute(
                f"SELECT reltuples, (SELECT vector_dims(embedding) FROM {schema}.{table} LIMIT 1)"
                " FROM pg_class WHERE oid = %s::regclass",
                (f"{schema}.{table}",),
            ).fetchone()
            c.execute(f"SET maintenance_work_mem = '{build_memory(rows, dim or 0)}MB'")
            c.execute(pg_schema.hnsw_sql(schema, table))
            c.execute("RESET maintenance_work_mem")

    def shard(i: int, info: str) -> None:
        with psycopg.connect(info, autocommit=True) as c:
            for table in pg_schema.SHARDED:
                index(c, f"{table}_p{i}", table)

    if layout in ("single", "citus"):
        for table in pg_schema.SHARDED:
            index(conn, table, table)
    else:
        with ThreadPoolExecutor(max_workers=max(1, len(shards(conn)))) as pool:
            for done in [pool.submit(shard, i, info) for i, (_, info) in enumerate(shards(conn))]:
                done.result()
    conn.execute(f"ANALYZE {schema}.documents")
    conn.execute(f"ANALYZE {schema}.vocab")


def build_memory(rows: float, dim: int, m: int = 16) -> int:
    """``maintenance_work_mem`` in MB for an HNSW build over ``rows`` vectors: the graph
    (vector + 2m neighbour links at the bottom layer, with pgvector's per-element overhead)
    with a quarter to spare, at least PostgreSQL's default 64 MB and at most
    ``BUILD_MEMORY_MAX_MB``. A graph that outgrows it is built on disk, many times slower;
    PostgreSQL takes only what the build uses."""
    per_row = 4 * dim + 2 * m * 8 + 200
    return int(min(BUILD_MEMORY_MAX_MB, max(64, 1.25 * max(rows, 0) * per_row / 2**20)))


def drop_generation(conn, schema: str) -> None:
    """Remove a generation's tables everywhere (shards first, then the coordinator)."""
    import psycopg

    if not schema.startswith("g_"):
        raise ValueError(f"not a generation schema: {schema!r}")
    for _, info in shards(conn):
        with psycopg.connect(info, autocommit=True) as shard:
            shard.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def parts(conn, schema: str, table: str) -> list[str]:
    """The relations a query fans out over: a partitioned table's partitions, else itself."""
    rows = conn.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace "
        "WHERE n.nspname = %s AND p.relname = %s ORDER BY c.relname",
        (schema, table),
    ).fetchall()
    return [f"{schema}.{r[0]}" for r in rows] or [f"{schema}.{table}"]


def layout_of(conn, wanted: str | None = None) -> str:
    """The layout a build uses: as asked, else fdw when shards are attached, else single."""
    if wanted == "citus" and not citus_available(conn):
        raise ValueError("layout 'citus' asked for, but the citus extension is not installed")
    if wanted:
        return wanted
    return "fdw" if shards(conn) else "single"
