"""The benchmark results as Markdown: one section per benchmark, then the targets."""

from __future__ import annotations

from typing import Any

from bench.query import STAGES

START, END = "<!-- bench:start -->", "<!-- bench:end -->"
MB = 2**20


def table(head: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out + [""]


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def machine(r: dict[str, Any]) -> list[str]:
    m = r["machine"]
    rows = [[k, v] for k, v in m.items()]
    out = ["## Machine", "", *table(["", ""], rows)]
    sources = r.get("sources")
    if not sources:
        return [*out, "## Command", "", f"    {r['command']}", ""]
    out += ["## Commands", ""]
    for src in sources:
        out += [f"    {src['command']}", ""]
        out += [f"sections: {', '.join(src['sections'])}; results file `{src['file']}`"]
        out += [f"({src['note']})" if src.get("note") else "", ""]
    return [line for i, line in enumerate(out) if line or out[i - 1]]


def combine(results: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Several results files as one: each section from the first file that has it; the
    machine and size of the first; every file's command named with the sections it gave."""
    first = results[0][1]
    out: dict[str, Any] = {k: first[k] for k in ("size", "runs", "machine") if k in first}
    out["sources"] = []
    for path, r in results:
        taken = [name for name in SECTIONS if name in r and name not in out]
        out.update({name: r[name] for name in taken})
        if taken:
            src = {"command": r["command"], "sections": taken, "file": path}
            out["sources"].append({**src, "note": r.get("note", "")})
    return out


SECTIONS = ("build", "start", "query", "backends", "http", "mcp", "scale")


def build(b: dict[str, Any], runs: int) -> list[str]:
    rows = [
        ["passages (chunks) / windows encoded", f"{b['passages']} / {b['windows']}"],
        ["whole build, seconds (incl. encoder load)", b["build_s"]],
        ["encoder load, seconds", b["encoder_load_s"]],
        ["bare encoding of the same texts, seconds", b["encode_s"]],
        ["build throughput, passages/s", b["build_passages_per_s"]],
        ["bare encoder throughput, passages/s", b["encoder_passages_per_s"]],
        ["build / encoder throughput", f"{b['ratio']:.0%}"],
        ["build / encoder throughput, model load excluded", f"{b['ratio_without_model_load']:.0%}"],
    ]
    out = [f"## Build (median of {runs})", "", *table(["", ""], rows)]
    return out + profile(b.get("profile"), "cProfile of one build, by time spent in the function")


def query(q: dict[str, Any], runs: int) -> list[str]:
    """The shipped searcher's stages (older results files hold a second measurement of the
    same configuration under ``one_thread``; it is not shown)."""
    out = [
        f"## Query in process (median of {runs}; {q['queries']} queries x {q['passes']} passes)",
        "",
    ]
    m = q["shipped"]
    names = [*STAGES, "total", "bare_encode"]
    rows = [[n, m[n]["p50"], m[n]["p95"], m[n]["p99"], m[n]["mean"]] for n in names if n in m]
    out += table(["stage (ms)", "p50", "p95", "p99", "mean"], rows)
    out += [f"search p50 / bare encode p50 = {m['ratio_p50']:.2f}", ""]
    return out + profile(q.get("profile"), "cProfile of the mix")


def http(h: dict[str, Any], runs: int) -> list[str]:
    out = [f"## HTTP (median of {runs})", ""]
    for key, res in h.items():
        rows = [
            [lv["clients"], lv["requests"], lv["errors"], lv["rps"], lv["p50"], lv["p99"]]
            + [f"{lv['client_cpu_share']:.0%}" if "client_cpu_share" in lv else "-"]
            for lv in res["levels"]
        ]
        out += [f"### server {key}", ""]
        head = ["clients", "requests", "errors", "requests/s", "p50 ms", "p99 ms", "wrk CPU"]
        out += table(head, rows)
        if res.get("ready_to_answer_s") is not None:
            out += [
                "",
                f"First answer {res['ready_to_answer_s']:.2f} s after the server printed "
                "'Listening at' (the index loads before it listens).",
                "",
            ]
    return out


def mcp(m: dict[str, Any], runs: int) -> list[str]:
    """``search_passages`` over MCP (Streamable HTTP) beside ``/api/search`` (bench/mcp.py)."""
    out = [
        f"## MCP (median of {m.get('runs', runs)}; {m['requests']} sequential requests of each "
        "kind, k=10)",
        "",
    ]
    names = {
        "api": "GET /api/search (python -m web), JSON parsed",
        "mcp": "MCP search_passages, SDK client session (output schema checked)",
        "mcp_bare": "MCP search_passages, bare JSON-RPC POST on a session",
    }
    rows = [[label, m[k]["p50"], m[k]["p95"], m[k]["p99"]] for k, label in names.items()]
    out += table(["round trip (ms)", "p50", "p95", "p99"], rows)
    out += [
        f"MCP p50 / API p50 = {m['ratio_p50']:.2f} (SDK client), "
        f"{m['bare_ratio_p50']:.2f} (bare POST)",
        "",
    ]
    return out


def memory(r: dict[str, Any]) -> list[str]:
    b = r["build"]
    rows = [["index on disk, bytes per passage", b["index_bytes_per_passage"]]]
    rows += [[f"  {name}", f"{size} B"] for name, size in b["files"].items()]
    for key, res in r.get("http", {}).items():
        if "pss_start" in res:  # measured since the server loads before forking
            rows.append([f"server PSS after start ({key}), MiB", res["pss_start"] / MB])
            rows.append([f"server PSS under load, peak ({key}), MiB", res["pss_load"] / MB])
        rows.append([f"server RSS after start ({key}), MiB", res["rss_start"] / MB])
        rows.append([f"server RSS under load, peak ({key}), MiB", res["rss_load"] / MB])
    head = (
        f"## Memory (master + {WORKERS_NOTE} workers, summed from /proc; PSS counts the pages "
        "the workers share with the master once, RSS counts them in every process)"
    )
    return [head, "", *table(["", ""], rows)]


WORKERS_NOTE = "2"


def scale(s: dict[str, Any]) -> list[str]:
    out = [
        f"## Scale (synthetic, 512-dim, {s['queries']} single queries on one thread, run once)",
        "",
    ]
    rows = []
    for row in s["rows"]:
        params = ", ".join(f"{k}={v}" for k, v in row["params"].items()) or "-"
        rows.append(
            [
                row["n"],
                row["index"] + (" **(chosen)**" if row["chosen"] else ""),
                params,
                row["recall@10"],
                row["p50_ms"],
                row["p99_ms"],
                row["p50_k100_ms"],
                row["build_s"],
                row["disk_bytes"] / MB,
                row["rss_bytes"] / row["raw_bytes"],
            ]
        )
    head = ["n", "index", "params", "recall@10", "p50 ms", "p99 ms", "p50 ms k=100"]
    head += ["build s", "index MiB", "RSS / raw"]
    return out + table(head, rows)


def start(s: dict[str, Any], runs: int) -> list[str]:
    rows = [
        ["Searcher.open in a fresh process (encoder included)", s["open_s"]],
        ["python -m search, one English query, wall", s["cli_en_s"]],
        ["python -m search, one Chinese query (loads jieba), wall", s["cli_zh_s"]],
    ]
    head = f"## Start-up, seconds (median of {runs} runs, each the median of 5 processes)"
    return [head, "", *table(["", "s"], rows)]


def targets(r: dict[str, Any]) -> list[str]:
    rows = []
    st = r.get("start")
    if st:
        rows.append(["Searcher.open <= 1.5 s", f"{st['open_s']:.2f} s", st["open_s"] <= 1.5])
        worst = max(st["cli_en_s"], st["cli_zh_s"])
        rows.append(["one-shot CLI query <= 2.5 s wall", f"{worst:.2f} s", worst <= 2.5])
    h = r.get("http")
    if h:
        for res in h.values():
            ready = res.get("ready_to_answer_s")
            if ready is not None:
                ok = ready <= 3
                rows.append(["first answer <= 3 s after 'Listening at'", f"{ready:.2f} s", ok])
        for key, res in h.items():
            pss = res.get("pss_start")
            if pss is not None:
                mib = pss / 2**20
                rows.append(
                    [
                        f"server PSS (master + 2 workers) <= 500 MiB ({key})",
                        f"{mib:.0f} MiB",
                        mib <= 500,
                    ]
                )
    q = r.get("query")
    if q:
        ratio = q["shipped"]["ratio_p50"]
        rows.append(["in-process p50 <= 2x bare encode", f"{ratio:.2f}x", ratio <= 2])
    h = r.get("http")
    if h:
        for key, res in h.items():
            by = {lv["clients"]: lv for lv in res["levels"]}
            rows.append(
                [f"HTTP p50 <= 10 ms at 1 client ({key})", by[1]["p50"], by[1]["p50"] <= 10]
            )
            rows.append([f">= 300 req/s at 8 clients ({key})", by[8]["rps"], by[8]["rps"] >= 300])
    m = r.get("mcp")
    if m:
        ratio = m["ratio_p50"]
        rows.append(["MCP search_passages p50 <= 1.5x /api/search", f"{ratio:.2f}x", ratio <= 1.5])
    b = r.get("build")
    if b:
        rows.append(["build >= 90% of bare encoder", f"{b['ratio']:.0%}", b["ratio"] >= 0.9])
    s = r.get("scale")
    if s:
        n = max(row["n"] for row in s["rows"])
        for row in (x for x in s["rows"] if x["n"] == n and x["chosen"]):
            ok = row["p50_ms"] <= 20 and row["recall@10"] >= 0.95
            rows.append(
                [
                    f"{n} passages ({row['index']}): p50 <= 20 ms, recall@10 >= 0.95",
                    f"{row['p50_ms']:.2f} ms, {row['recall@10']:.3f}",
                    ok,
                ]
            )
            ratio = row["rss_bytes"] / row["raw_bytes"]
            rows.append(
                [f"{n} passages ({row['index']}): RSS <= 1.5x raw", f"{ratio:.2f}x", ratio <= 1.5]
            )
    rows = [[name, value, "met" if ok else "**missed**"] for name, value, ok in rows]
    return ["## Targets", "", *table(["target", "measured", ""], rows)]


def render(r: dict[str, Any]) -> str:
    runs = r["runs"]
    out = [f"# Benchmark results ({r['size']})", "", *machine(r)]
    if "build" in r:
        out += build(r["build"], runs) + memory(r)
    if "start" in r:
        out += start(r["start"], runs)
    if "query" in r:
        out += query(r["query"], runs)
    if "backends" in r:
        from bench import backends

        out += backends.render(r["backends"], runs)
    if "http" in r:
        out += http(r["http"], runs)
    if "mcp" in r:
        out += mcp(r["mcp"], runs)
    if "scale" in r:
        out += scale(r["scale"])
    out += targets(r)
    return "\n".join(out)


def profile(rows: list[dict[str, Any]] | None, title: str) -> list[str]:
    if not rows:
        return []
    body = [[r["function"], r["calls"], r["self_s"], r["cum_s"]] for r in rows]
    return [f"{title}:", "", *table(["function", "calls", "self s", "cumulative s"], body)]


def merge(document: str, generated: str) -> str:
    """Put ``generated`` between the markers of ``document`` (or append it with markers)."""
    block = f"{START}\n{generated}\n{END}"
    if START in document and END in document:
        head, rest = document.split(START, 1)
        return head + block + rest.split(END, 1)[1]
    return (document.rstrip() + "\n\n" if document.strip() else "") + block + "\n"
