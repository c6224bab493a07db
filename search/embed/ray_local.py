"""A Ray cluster of several nodes on 127.0.0.1 (a head and workers, each its own raylet and
object store), for tests, CI and trying ``build_index.py --ray`` on one machine. It uses Ray's
own ``ray.cluster_utils.Cluster``, which starts and stops the node processes it owns.

Ray normally advertises the machine's network address even when told 127.0.0.1; with
``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0`` it keeps to (and listens on) the loopback address.
"""

from __future__ import annotations

import os
import shutil
import tempfile

ENV = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}


class LocalRay:
    """``nodes`` Ray nodes with ``cpus`` CPUs each on 127.0.0.1; ``address`` once started."""

    def __init__(self, nodes: int = 2, cpus: int = 1) -> None:
        self.nodes, self.cpus = nodes, cpus
        self.temp = tempfile.mkdtemp(prefix="ray-", dir="/tmp")  # short: socket path limits
        self.cluster = None
        self.address = ""
        self.saved_tmpdir: str | None = None

    def start(self) -> str:
        os.environ.update(ENV)
        # Ray's test cluster writes its address to $RAY_TMPDIR/ray/ray_current_cluster (else
        # $TMPDIR's or /tmp's) and does not create that folder: point it at a folder of our own.
        self.saved_tmpdir = os.environ.get("RAY_TMPDIR")
        os.environ["RAY_TMPDIR"] = self.temp
        os.makedirs(os.path.join(self.temp, "ray"), exist_ok=True)
        from ray.cluster_utils import Cluster

        head = {
            "num_cpus": self.cpus,
            "node_ip_address": "127.0.0.1",
            "include_dashboard": False,
            "temp_dir": self.temp,
        }
        self.cluster = Cluster(initialize_head=True, head_node_args=head)
        for _ in range(self.nodes - 1):
            self.cluster.add_node(num_cpus=self.cpus, node_ip_address="127.0.0.1")
        self.cluster.wait_for_nodes()
        self.address = self.cluster.address
        return self.address

    def stop(self) -> None:
        import ray

        if ray.is_initialized():
            ray.shutdown()
        if self.cluster is not None:
            self.cluster.shutdown()
            self.cluster = None
        if os.environ.get("RAY_TMPDIR") == self.temp:
            if self.saved_tmpdir is None:
                os.environ.pop("RAY_TMPDIR")
            else:
                os.environ["RAY_TMPDIR"] = self.saved_tmpdir
        shutil.rmtree(self.temp, ignore_errors=True)
