"""The catalog: which files make up a corpus, and what each one is (title, language, kind)."""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from search.errors import ConfigError, SourceError
from search.ingest.formats import READERS
from search.types import Document

CATALOG_NAME = "catalog.toml"
KINDS = ("pdf_text", "magazine", "text")
_FIELDS = {"id", "file", "title", "title_en", "lang", "publisher", "issue", "date", "kind"}
_FIELDS |= {"description", "source_url"}
VALID_ID = re.compile(r"[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff._-]{0,199}")


def doc_id_for(relative: str | PurePosixPath) -> str:
    """A stable, URL-safe id from a file's path relative to its source root (``a/b.txt``): the
    file name plus a short hash of that relative path, so the same corpus gets the same ids on
    any machine and in any folder."""
    rel = PurePosixPath(relative)
    stem = re.sub(r"[^A-Za-z0-9\u4e00-\u9fff]+", "-", rel.stem).strip("-").lower()[:48] or "doc"
    digest = hashlib.sha1(rel.as_posix().encode()).hexdigest()[:6]
    return f"{stem}-{digest}"


def absolute(path: Path) -> Path:
    """``path`` made absolute without resolving links (``..`` folded)."""
    return Path(os.path.abspath(path))


def source_root(path: Path, roots: Sequence[Path]) -> Path:
    """The folder ids under ``path`` are relative to: the deepest known source root holding it,
    else the folder itself (a file: its parent folder)."""
    holders = [r for r in roots if path.is_relative_to(r)]
    if holders:
        return max(holders, key=lambda r: len(r.parts))
    return path if path.is_dir() else path.parent


def load_catalog(folder: Path) -> dict[str, Document]:
    """Read ``folder/catalog.toml`` into Documents keyed by file name; unknown keys fail loudly."""
    path = folder / CATALOG_NAME
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    out: dict[str, Document] = {}
    for entry in data.get("document", []):
        unknown = set(entry) - _FIELDS
        if unknown:
            raise ConfigError(f"{path}: unknown catalog key(s) {sorted(unknown)}")
        missing = {"id", "file", "title", "lang", "kind"} - set(entry)
        if missing:
            raise ConfigError(f"{path}: entry {entry.get('file', '?')} lacks {sorted(missing)}")
        if not isinstance(entry["id"], str) or not VALID_ID.fullmatch(entry["id"]):
            raise ConfigError(
                f"{path}: id {str(entry['id'])[:80]!r} of {entry['file']} must be 1 to 200 "
                "letters, digits, Chinese characters, '.', '_' or '-' (it becomes part of a URL)"
            )
        if entry["kind"] not in KINDS:
            raise ConfigError(f"{path}: kind '{entry['kind']}' is not one of {KINDS}")
        out[entry["file"]] = Document(
            doc_id=entry["id"],
            path=str(absolute(folder / entry["file"])),
            title=entry["title"],
            lang=entry["lang"],
            kind=entry["kind"],
            publisher=entry.get("publisher", ""),
            issue=entry.get("issue", ""),
            date=str(entry["date"]) if entry.get("date") else None,
            source_url=entry.get("source_url"),
        )
    return out


Found = list[tuple[Path, Document | None, Path]]  # (file, catalog entry, source root)
Skipped = list[tuple[str, str]]  # (name, one-line reason)
OUTSIDE = "link leads outside the source folder (--follow-outside-links allows it)"


def discover(
    sources: list[Path], roots: Sequence[Path] = (), outside_links: bool = False
) -> tuple[Found, Skipped]:
    """Expand files and folders into (absolute file, catalog entry or None, source root), in a
    stable order. ``roots`` are source folders an index already knows (a file or folder inside
    one keeps the ids it has there).

    Linked folders are walked too; a link that loops back to a folder already walked, a broken
    or looping file link, and (unless ``outside_links``) a link leading outside the source
    folder are reported in the second list instead of being followed.
    """
    found: Found = []
    skipped: Skipped = []
    for src in map(absolute, sources):
        if not src.exists():
            raise SourceError(f"source path does not exist: {src}")
        root = source_root(src, roots)
        if src.is_file():
            found.append((src, load_catalog(src.parent).get(src.name), root))
            continue
        catalog = load_catalog(src)
        for path in walk(src, skipped, outside_links):
            if path.suffix.lower() in READERS and path.name != CATALOG_NAME:
                found.append((path, catalog.get(path.relative_to(src).as_posix()), root))
    return found, skipped


def walk(folder: Path, skipped: Skipped, outside_links: bool = False) -> list[Path]:
    """Every file under ``folder``, following links to folders once each, sorted."""
    seen: set[tuple[int, int]] = set()
    files: list[Path] = []
    inside = folder.resolve()

    def visit(directory: Path) -> None:
        st = directory.stat()
        if (st.st_dev, st.st_ino) in seen:
            skipped.append((directory.name, "link to a folder already walked (a loop)"))
            return
        seen.add((st.st_dev, st.st_ino))
        try:
            entries = sorted(directory.iterdir())
        except OSError as exc:
            skipped.append((directory.name, f"cannot list the folder ({exc.strerror})"))
            return
        for entry in entries:
            try:
                is_dir, is_file = entry.is_dir(), entry.is_file()
            except OSError:  # ELOOP on a link that points at itself
                is_dir = is_file = False
            linked_out = (is_dir or is_file) and not outside_links and entry.is_symlink()
            if linked_out and not entry.resolve().is_relative_to(inside):
                skipped.append((entry.name, OUTSIDE))
                continue
            if is_dir:
                visit(entry)
            elif is_file:
                files.append(entry)
            elif entry.is_symlink():
                skipped.append((entry.name, "broken or looping link"))

    visit(folder)
    return sorted(files)
