"""``build_index.py`` on a folder of broken files: each is skipped with a one-line reason, the
good file is indexed, and a failed build leaves the previous index serving."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from search.errors import SourceError
from search.ingest.formats import read_source
from search.ingest.formats.ocr import available as ocr_missing
from search.searcher import Searcher
from search.store import resolve
from tests.docmaker import make_pdf, make_scanned_pdf, make_zip_bomb, truncate

ROOT = Path(__file__).resolve().parents[1]
GOOD = """# Packaging standard

GB 23350-2021 restricts excessive packaging of mooncakes and cosmetics. The standard has been
implemented since August 15, 2023.
"""
PAGE = [["Annual report", "The committee met four times this year to review standards."]]
OCR_MISSING = ocr_missing()  # '' when the ocr extra and Tesseract are installed

# file name -> words its "skipped NAME: reason" line must hold
EXPECTED = {
    "locked.pdf": "encrypted PDF: remove the password first",
    "broken.pdf": "not a readable PDF",
    "scan.pdf": (
        f"no text layer (a scanned PDF?); {OCR_MISSING}"
        if OCR_MISSING
        else "no text found, even by OCR"
    ),
    "empty.pdf": "the file is empty",
    "bomb.docx": "zip bomb",
    "renamed.docx": "not a .docx file",
    "huge.pdf": "over the 200 MB limit",
    "loop-a": "broken or looping link",
    "loop-b": "broken or looping link",
    "up": "link to a folder already walked",
}


def make_bad_files(folder: Path) -> None:
    """One file per failure mode (see EXPECTED), plus symlink loops that must not hang the walk."""
    folder.mkdir(parents=True, exist_ok=True)
    make_pdf(folder / "locked.pdf", PAGE, encrypt="pw")
    truncate(make_pdf(folder / "whole.tmp", PAGE), folder / "broken.pdf")
    (folder / "whole.tmp").unlink()
    make_scanned_pdf(folder / "scan.pdf")
    (folder / "empty.pdf").write_bytes(b"")
    make_zip_bomb(folder / "bomb.docx", megabytes=300)
    (folder / "renamed.docx").write_bytes(os.urandom(64 * 1024))
    with open(folder / "huge.pdf", "wb") as fh:  # sparse: costs no disk
        fh.truncate(201 * 2**20)
    os.symlink("loop-b", folder / "loop-a")  # a -> b -> a: resolving either fails with ELOOP
    os.symlink("loop-a", folder / "loop-b")
    (folder / "sub").mkdir()
    os.symlink("..", folder / "sub" / "up")  # a directory cycle: sub/up/sub/up/...


def run_build(source: Path, out: Path, encoder: str = "hashing:64") -> subprocess.CompletedProcess:
    cmd = [sys.executable, "build_index.py", "--source", str(source), "--out", str(out)]
    cmd += ["--encoder", encoder, "--quiet"]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    folder = tmp_path_factory.mktemp("bad") / "docs"
    make_bad_files(folder)
    (folder / "packaging.md").write_text(GOOD, encoding="utf-8")
    out = folder.parent / "index"
    return out, run_build(folder, out)


def skipped_lines(stdout: str) -> dict[str, str]:
    lines = [ln for ln in stdout.splitlines() if ln.startswith("skipped ")]
    return dict(ln.removeprefix("skipped ").split(": ", 1) for ln in lines)


def test_partial_build_exits_3_without_traceback(
    built: tuple[Path, subprocess.CompletedProcess],
) -> None:
    _, proc = built
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "documents: 1" in proc.stdout


def test_one_skipped_line_per_bad_file(built: tuple[Path, subprocess.CompletedProcess]) -> None:
    skipped = skipped_lines(built[1].stdout)
    assert sorted(skipped) == sorted(EXPECTED)
    for name, words in EXPECTED.items():
        assert words in skipped[name], (name, skipped[name])


def test_good_file_is_searchable(built: tuple[Path, subprocess.CompletedProcess]) -> None:
    out, _ = built
    results = Searcher.open(out).search("excessive packaging of mooncakes", k=3).results
    assert results and "GB 23350-2021" in results[0].text


def test_failed_build_keeps_the_previous_index(
    built: tuple[Path, subprocess.CompletedProcess], tmp_path: Path
) -> None:
    out, _ = built
    before = resolve(out)
    only_bad = tmp_path / "only-bad"
    make_bad_files(only_bad)
    # Another encoder, so an incremental build cannot carry the old documents over: nothing
    # readable is left and the build must fail before touching the index.
    proc = run_build(only_bad, out, encoder="hashing:32")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "nothing to index" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert resolve(out) == before
    results = Searcher.open(out).search("excessive packaging of mooncakes", k=3).results
    assert results and "GB 23350-2021" in results[0].text


def test_unreadable_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """chmod 0 is not enforced for root, so the permission error is simulated in-process."""
    targets = [make_pdf(tmp_path / "secret.pdf", PAGE), tmp_path / "secret.docx"]
    targets[1].write_bytes(b"PK")
    targets.append(tmp_path / "secret.html")
    targets[2].write_text("<p>text</p>")

    def deny(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", deny)
    for path in targets:
        with pytest.raises(SourceError, match=f"{path.name}: permission denied"):
            read_source(path)


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("html.pdf", b"<html><body>saved web page</body></html>", "no PDF header"),
        ("cut.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "not a readable PDF"),
        ("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old Word .doc"),
        ("blank.html", b"   \n", "the file is empty"),
        ("binary.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "binary"),
    ],
)
def test_more_bad_inputs(tmp_path: Path, name: str, data: bytes, words: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(SourceError, match=words):
        read_source(path)


@pytest.mark.parametrize(
    ("limit", "value", "words"),
    [("MAX_PAGES", 2, "3 pages is over the 2-page limit"), ("MAX_CHARS", 50, "characters of text")],
)
def test_pdf_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: str, value: int, words: str
) -> None:
    from search.ingest.formats import pdf

    path = make_pdf(tmp_path / "long.pdf", PAGE * 3)
    monkeypatch.setattr(pdf, limit, value)
    with pytest.raises(SourceError, match=words):
        read_source(path)
