"""Unpacking an e-print: the shapes arXiv serves, and hostile archives refused (these
archives are built here on purpose: path traversal, links out, bombs)."""

from __future__ import annotations

import contextlib
import gzip
import io
import tarfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from starter.errors import InputError
from starter.papers.latex.unpack import Limits, unpack


def tar_of(*members: tuple[str, bytes | None, str | None], gz: bool = True) -> bytes:
    """A tar of (name, content, link target): content None with a target makes a symlink."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, content, target in members:
            info = tarfile.TarInfo(name)
            if target is not None:
                info.type = tarfile.SYMTYPE
                info.linkname = target
                tar.addfile(info)
            else:
                info.size = len(content or b"")
                tar.addfile(info, io.BytesIO(content or b""))
    data = buf.getvalue()
    return gzip.compress(data, mtime=0) if gz else data


TEX = b"\\documentclass{article}\\begin{document}Hello\\end{document}\n"


def test_a_gzipped_tar_gives_its_text_files_and_skips_images():
    source = unpack(tar_of(("ms.tex", TEX, None), ("fig.png", b"\x89PNG", None)))
    assert source.kind == "tar"
    assert source.files == {"ms.tex": TEX}


def test_a_single_gzipped_tex_file_is_the_main_file():
    source = unpack(gzip.compress(TEX))
    assert (source.kind, source.files) == ("tex", {"main.tex": TEX})


def test_a_pdf_means_no_source():
    assert unpack(b"%PDF-1.5\n...").kind == "pdf"
    assert unpack(gzip.compress(b"%PDF-1.4 x")).kind == "pdf"


@pytest.mark.parametrize("name", ["../evil.tex", "a/../../evil.tex", "/etc/evil.tex"])
def test_a_path_outside_the_archive_is_refused(name):
    with pytest.raises(InputError, match="refusing"):
        unpack(tar_of(("ms.tex", TEX, None), (name, b"x", None)))


@pytest.mark.parametrize("target", ["../../etc/passwd", "/etc/passwd", "sub/../../x"])
def test_a_link_out_of_the_archive_is_refused(target):
    with pytest.raises(InputError, match="link"):
        unpack(tar_of(("ms.tex", TEX, None), ("inside.tex", None, target)))


def test_a_link_inside_the_archive_reads_its_target():
    source = unpack(tar_of(("sec/a.tex", b"A", None), ("b.tex", None, "sec/a.tex")))
    assert source.files["b.tex"] == b"A"


def test_a_gzip_bomb_stops_at_the_limit():
    bomb = gzip.compress(b"\0" * 5_000_000)
    with pytest.raises(InputError, match="more than 1,000,000 bytes"):
        unpack(bomb, Limits(unpacked=1_000_000))


def test_a_tar_whose_members_add_up_past_the_limit_is_refused():
    members = [(f"f{i}.tex", b"x" * 400, None) for i in range(10)]
    with pytest.raises(InputError, match="refusing"):
        unpack(tar_of(*members), Limits(unpacked=10**6, text_total=2000))
    with pytest.raises(InputError, match="more than 5 files"):
        unpack(tar_of(*members), Limits(members=5))


def test_damaged_archives_are_input_errors():
    with pytest.raises(InputError, match="damaged gzip"):
        unpack(b"\x1f\x8b\x08\x00garbage-garbage")
    with pytest.raises(InputError):
        unpack(tar_of(("ms.tex", TEX, None), gz=False)[:700])


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_unpack_or_give_an_input_error(data):
    with contextlib.suppress(InputError):
        unpack(data)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet="ab./\\-_ ", min_size=1, max_size=12),
            st.binary(max_size=200),
            st.one_of(st.none(), st.text(alphabet="ab./", min_size=1, max_size=10)),
        ),
        max_size=6,
    ),
    st.booleans(),
)
def test_any_archive_unpacks_or_gives_an_input_error(members, gz):
    try:
        data = tar_of(*members, gz=gz)
    except (ValueError, tarfile.TarError):
        return  # a member tarfile itself cannot write
    try:
        source = unpack(data)
    except InputError:
        return
    for name in source.files:
        assert not name.startswith("/") and ".." not in name.split("/")
