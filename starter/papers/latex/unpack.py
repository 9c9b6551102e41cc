"""Unpack an arXiv e-print safely into memory: a gzipped tar, a single gzipped .tex, a plain
tar or .tex, or a PDF (no source); hostile archives are refused, never written to disk."""

from __future__ import annotations

import io
import posixpath
import tarfile
import zlib
from dataclasses import dataclass, field

from starter.errors import InputError

# Files the extractor never reads: their bytes are skipped, not kept.
BINARY_SUFFIXES = (
    ".png", ".jpg", ".jpeg", ".pdf", ".eps", ".ps", ".gif", ".bmp", ".tif", ".tiff",
    ".svg", ".zip", ".gz", ".tgz", ".mp4", ".webp", ".pptx", ".key", ".psd", ".ai",
    ".ttf", ".otf", ".pfb", ".tfm", ".mov", ".npy", ".pkl", ".pt",
)  # fmt: skip


@dataclass(frozen=True)
class Limits:
    """How much an e-print may unpack to (arXiv's own limit on a submission is 50 MB)."""

    unpacked: int = 256 * 1024 * 1024  # bytes after decompression, all members together
    members: int = 5000  # entries in the tar
    text_file: int = 8 * 1024 * 1024  # one text file kept in memory
    text_total: int = 64 * 1024 * 1024  # all text files kept


@dataclass(frozen=True)
class Source:
    """The text files of an e-print by their path inside it; `kind` is "tar", "tex" or
    "pdf" (a PDF-only e-print has no files)."""

    kind: str
    files: dict[str, bytes] = field(default_factory=dict)

    def text(self, path: str) -> str:
        data = self.files[path]
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def unpack(data: bytes, limits: Limits | None = None) -> Source:
    """The e-print's files; an InputError names what is hostile or too big."""
    limits = limits or Limits()
    if data[:5] == b"%PDF-":
        return Source("pdf")
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, limits.unpacked)
        if data[:5] == b"%PDF-":
            return Source("pdf")
    if _is_tar(data):
        return Source("tar", _untar(data, limits))
    if len(data) > limits.text_file:
        raise InputError(f"the e-print is a single file of {len(data):,} bytes; too big to read")
    if b"\x00" in data[:4096]:
        raise InputError("the e-print is neither a tar, a .tex file nor a PDF; cannot read it")
    return Source("tex", {"main.tex": data})


def _gunzip(data: bytes, cap: int) -> bytes:
    """Decompress without ever holding more than `cap` bytes (a gzip bomb stops here)."""
    inflater = zlib.decompressobj(wbits=47)  # gzip or zlib header
    out = bytearray()
    pending = data
    try:
        while pending:
            out += inflater.decompress(pending, cap + 1 - len(out))
            if len(out) > cap:
                raise InputError(
                    f"the e-print unpacks to more than {cap:,} bytes; refusing to unpack it"
                )
            pending = inflater.unconsumed_tail
            if inflater.eof:
                # Concatenated gzip members are legal; arXiv does not send them: stop here.
                break
    except zlib.error:
        raise InputError("the e-print is a damaged gzip file; cannot unpack it") from None
    if not inflater.eof:
        raise InputError("the e-print is a damaged gzip file; cannot unpack it")
    return bytes(out)


def _is_tar(data: bytes) -> bool:
    return len(data) >= 512 and data[257:262] == b"ustar"


def _safe_name(name: str) -> str:
    """The member's path inside the archive, or an InputError if it points outside."""
    cleaned = name.replace("\\", "/")
    if cleaned.startswith("/") or (len(cleaned) > 1 and cleaned[1] == ":"):
        raise InputError(f"the e-print holds an absolute path {name!r}; refusing to unpack it")
    normal = posixpath.normpath(cleaned)
    if normal == ".." or normal.startswith("../"):
        raise InputError(
            f"the e-print holds a path outside its folder {name!r}; refusing to unpack it"
        )
    return "" if normal == "." else normal.removeprefix("./")


def _untar(data: bytes, limits: Limits) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    links: dict[str, str] = {}
    total = kept = count = 0
    try:
        archive = tarfile.open(fileobj=io.BytesIO(data), mode="r:")  # noqa: SIM115 (in memory)
        for member in archive:
            count += 1
            if count > limits.members:
                raise InputError(
                    f"the e-print holds more than {limits.members:,} files; refusing to unpack it"
                )
            name = _safe_name(member.name)
            if member.issym() or member.islnk():
                target = member.linkname.replace("\\", "/")
                if member.issym():
                    target = posixpath.join(posixpath.dirname(name), target)
                links[name] = _link_target(name, target)
                continue
            if not member.isfile() or not name:
                continue  # folders, devices, fifos: nothing to read
            total += member.size
            if total > limits.unpacked:
                raise InputError(
                    f"the e-print unpacks to more than {limits.unpacked:,} bytes; "
                    "refusing to unpack it"
                )
            if name.lower().endswith(BINARY_SUFFIXES) or member.size > limits.text_file:
                continue
            kept += member.size
            if kept > limits.text_total:
                raise InputError("the e-print holds too much text to read; refusing it")
            handle = archive.extractfile(member)
            if handle is not None:
                files[name] = handle.read()
    except tarfile.TarError as exc:
        raise InputError(f"the e-print is a damaged tar file ({exc}); cannot unpack it") from None
    for name, target in links.items():
        if target in files:
            files.setdefault(name, files[target])
    return files


def _link_target(name: str, target: str) -> str:
    if target.startswith("/"):
        raise InputError(f"the e-print holds a link {name!r} out of its folder; refusing it")
    normal = posixpath.normpath(target)
    if normal == ".." or normal.startswith("../"):
        raise InputError(f"the e-print holds a link {name!r} out of its folder; refusing it")
    return normal
