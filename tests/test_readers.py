import os
from pathlib import Path

import pytest

from search.catalog import OUTSIDE, discover, load_catalog
from search.errors import ConfigError, SourceError
from search.ingest.formats import decode, read_source


def test_utf8_with_bom_and_crlf() -> None:
    assert decode("\ufeff标准\r\nline".encode(), "a.txt") == "标准\nline"


def test_gb18030_is_tried_before_giving_up() -> None:
    assert decode("国家标准化管理委员会".encode("gb18030"), "a.txt") == "国家标准化管理委员会"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"  \n\n ", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(1, 32)) * 50, "binary"),
    ],
)
def test_bad_text_is_refused_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        decode(data, "x.txt")


def test_unsupported_suffix(tmp_path: Path) -> None:
    f = tmp_path / "table.xlsx"
    f.write_bytes(b"PK\x03\x04")
    with pytest.raises(SourceError, match="unsupported file type '.xlsx'"):
        read_source(f)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "secret.txt"
    f.write_text("text")
    f.chmod(0)
    if os.access(f, os.R_OK):  # running as root: permissions are not enforced, so simulate

        def deny(self: Path) -> bytes:
            raise PermissionError(13, "Permission denied", str(self))

        monkeypatch.setattr(Path, "read_bytes", deny)
    try:
        with pytest.raises(SourceError, match="permission denied"):
            read_source(f)
    finally:
        f.chmod(0o644)


def test_missing_source_path(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not exist"):
        discover([tmp_path / "nope"])


def test_linked_folders_are_walked_once_and_loops_reported(tmp_path: Path) -> None:
    real = tmp_path / "shared-drive"
    real.mkdir()
    (real / "report.md").write_text("# Report\n\nText.\n", encoding="utf-8")
    src = tmp_path / "docs"
    (src / "sub").mkdir(parents=True)
    (src / "own.txt").write_text("own text", encoding="utf-8")
    os.symlink(real, src / "linked")  # a folder of documents linked in
    os.symlink("..", src / "sub" / "up")  # a cycle back to docs/
    os.symlink("missing.txt", src / "dangling.txt")
    found, skipped = discover([src], outside_links=True)
    assert [p.relative_to(src).as_posix() for p, _, _ in found] == ["linked/report.md", "own.txt"]
    assert dict(skipped) == {
        "up": "link to a folder already walked (a loop)",
        "dangling.txt": "broken or looping link",
    }
    found, skipped = discover([src])  # by default a link out of the source folder is not followed
    assert [p.relative_to(src).as_posix() for p, _, _ in found] == ["own.txt"]
    assert dict(skipped)["linked"] == OUTSIDE


def test_catalog_unknown_key_fails_loudly(tmp_path: Path) -> None:
    (tmp_path / "catalog.toml").write_text(
        '[[document]]\nid="a"\nfile="a.txt"\ntitle="A"\nlang="en"\nkind="text"\ncolour="red"\n'
    )
    with pytest.raises(ConfigError, match="unknown catalog key"):
        load_catalog(tmp_path)


def test_seed_catalog_describes_both_seeds() -> None:
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    catalog = load_catalog(seeds)
    assert {d.lang for d in catalog.values()} == {"zh", "en"}
    for name, doc in catalog.items():
        assert (seeds / name).exists()
        assert doc.title and doc.publisher and doc.issue and doc.date
