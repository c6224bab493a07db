"""The work folder of ``python -m bench --store ... --work DIR``: the synthetic data, the queries
and their exact answers (``.npy``, made once), and ``steps.json``, the steps done per layout
(``written``: where and in how long; ``measured``: its row). A rerun reads what is there and
does only the steps not done yet, so a long run at 1 000 000 passages resumes where it
stopped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

STATE = "steps.json"


class Steps:
    """The data and the finished steps of one benchmark size, kept in folder ``root``."""

    def __init__(self, root: Path, passages: int) -> None:
        self.root = root
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SystemExit(f"--work {root}: cannot use it as a folder ({exc})") from None
        path = root / STATE
        try:
            self.state: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
        except ValueError as exc:
            msg = f"{path} is not readable JSON ({exc}): remove it to start over"
            raise SystemExit(msg) from None
        found = self.state.setdefault("passages", passages)
        if found != passages:
            raise SystemExit(
                f"the work folder {root} holds a run of {found} passages, not {passages}: "
                "give another --work folder"
            )
        self.state.setdefault("layouts", {})

    def array(self, name: str, make) -> np.ndarray:
        """The array saved as ``name.npy``, made by ``make()`` and saved the first time."""
        path = self.root / f"{name}.npy"
        if path.exists():
            return np.load(path)
        value = make()
        np.save(path, value)
        return value

    def done(self, layout: str, step: str) -> dict[str, Any] | None:
        return self.state["layouts"].get(layout, {}).get(step)

    def finish(self, layout: str, step: str, result: dict[str, Any]) -> None:
        self.state["layouts"].setdefault(layout, {})[step] = result
        self._save()

    def forget(self, layout: str) -> None:
        """Forget a layout's steps (its data is gone: it is written again)."""
        self.state["layouts"].pop(layout, None)
        self._save()

    def _save(self) -> None:
        tmp = self.root / f"{STATE}.tmp"
        tmp.write_text(json.dumps(self.state, indent=1))
        tmp.replace(self.root / STATE)
