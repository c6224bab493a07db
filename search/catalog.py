"""The catalog: which files make up a corpus, and what each one is (title, language, kind)."""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path

from search.errors import ConfigError, SourceError
from search.ingest.formats import READERS
from search.types import Document

CATALOG_NAME = "catalog.toml"
KINDS = ("pdf_text", "magazine", "text")
_FIELDS = {"id", "file", "title", "title_en", "lang", "publisher", "issue", "date", "kind"}
_FIELDS |= {"description", "source_url"}
VALID_ID = re.compile(r"[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff._-]{0,199}")


def doc_id_for(path: Path) -> str:
    """A stable, URL-safe id from a file name (plus a short hash of the full path)."""
    stem = re.sub(r"[^A-Za-z0-9\u4e00-\u9fff]+", "-", path.stem).strip("-").lower()[:48] or "doc"
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:6]
    return f"{stem}-{digest}"


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
            path=str(folder / entry["file"]),
            title=entry["title"],
            lang=entry["lang"],
            kind=entry["kind"],
            publisher=entry.get("publisher", ""),
            issue=entry.get("issue", ""),
            date=entry.get("date", ""),
            source_url=entry.get("source_url"),
        )
    return out


Found = list[tuple[Path, Document | None]]
Skipped = list[tuple[str, str]]  # (name, one-line reason)


def discover(sources: list[Path]) -> tuple[Found, Skipped]:
    """Expand files and folders into (file, catalog entry or None), in a stable order.

    Linked folders are walked too; a link that loops back to a folder already walked, or a
    broken or looping file link, is reported in the second list instead of being followed.
    """
    found: Found = []
    skipped: Skipped = []
    for src in sources:
        if not src.exists():
            raise SourceError(f"source path does not exist: {src}")
        if src.is_file():
            found.append((src, load_catalog(src.parent).get(src.name)))
            continue
        catalog = load_catalog(src)
        for path in walk(src, skipped):
            if path.suffix.lower() in READERS and path.name != CATALOG_NAME:
                found.append((path, catalog.get(str(path.relative_to(src)))))
    return found, skipped


def walk(folder: Path, skipped: Skipped) -> list[Path]:
    """Every file under ``folder``, following links to folders once each, sorted."""
    seen: set[tuple[int, int]] = set()
    files: list[Path] = []

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
            if is_dir:
                visit(entry)
            elif is_file:
                files.append(entry)
            elif entry.is_symlink():
                skipped.append((entry.name, "broken or looping link"))

    visit(folder)
    return sorted(files)
