#!/usr/bin/env python3
"""Download the data that configs/data.toml lists into data/, each file checked against its
SHA-256, so that everyone trains on the same bytes.

    python scripts/download_data.py            # fetch what is missing, check everything
    python scripts/download_data.py --check    # only check what is there
    python scripts/download_data.py digits/train.csv   # some files only

A file is written under a temporary name and moved into place only once its SHA-256
matches: a failed or interrupted download never leaves a file that looks complete.
Standard library only, so it runs before the project is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import tomllib
import urllib.request
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20


@dataclass(frozen=True)
class Entry:
    """One file of the manifest: where it goes (under data/), its URL and its SHA-256."""

    path: str
    url: str
    sha256: str


class DataError(Exception):
    """A manifest or a file that is not what it should be."""


def read_manifest(manifest: Path) -> list[Entry]:
    """The [[files]] of the manifest, each checked for a path, a URL and a SHA-256."""
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"{manifest}: cannot read it ({exc})") from None
    entries = []
    for i, raw in enumerate(data.get("files", []), start=1):
        if not isinstance(raw, dict) or not {"path", "url", "sha256"} <= raw.keys():
            raise DataError(f"{manifest}: files #{i}: needs path, url and sha256")
        path, url, digest = str(raw["path"]), str(raw["url"]), str(raw["sha256"]).lower()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise DataError(f"{manifest}: files #{i} ({path}): sha256 is not 64 hex digits")
        if Path(path).is_absolute() or ".." in Path(path).parts:
            raise DataError(f"{manifest}: files #{i}: path {path!r} must stay inside data/")
        entries.append(Entry(path, url, digest))
    return entries


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def download(entry: Entry, dest: Path) -> None:
    """Fetch `entry` to dest/entry.path, keeping it only if its SHA-256 matches."""
    target = dest / entry.path
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(entry.url, timeout=60) as response:
            while chunk := response.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != entry.sha256:
            raise DataError(
                f"{entry.path}: SHA-256 {digest.hexdigest()} does not match the manifest's "
                f"{entry.sha256}; the download was not kept"
            )
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Download the files configs/data.toml lists, checked against their SHA-256."
    )
    parser.add_argument("paths", nargs="*", help="only these files (paths under data/)")
    parser.add_argument("--manifest", type=Path, default=Path("configs/data.toml"))
    parser.add_argument("--dest", type=Path, default=Path("data"), help="where files go")
    parser.add_argument("--check", action="store_true", help="only check, download nothing")
    args = parser.parse_args(argv)
    try:
        entries = read_manifest(args.manifest)
        unknown = sorted(set(args.paths) - {e.path for e in entries})
        if unknown:
            raise DataError(f"{unknown[0]}: not in {args.manifest}")
        chosen = [e for e in entries if not args.paths or e.path in args.paths]
        if not chosen:
            print(f"{args.manifest} lists no files yet; nothing to do")
            return 0
        bad = 0
        for entry in chosen:
            target = args.dest / entry.path
            if target.is_file():
                ok = sha256_of(target) == entry.sha256
                print(f"{'ok' if ok else 'MISMATCH':8} {entry.path}")
                bad += not ok
            elif args.check:
                print(f"{'MISSING':8} {entry.path}")
                bad += 1
            else:
                print(f"{'fetching':8} {entry.path} from {entry.url}", flush=True)
                download(entry, args.dest)
                print(f"{'ok':8} {entry.path}")
    except (DataError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if bad:
        print(f"{bad} file(s) missing or not matching {args.manifest}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
