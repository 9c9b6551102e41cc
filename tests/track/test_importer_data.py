"""The recorded tool files are what their README says: every file listed, each one's bytes
(after gunzip for a .gz) the git blob named, and none unlisted."""

from __future__ import annotations

import gzip
import hashlib
import re

from conftest import DATA

IMPORTERS = DATA / "importers"
ROW = re.compile(r"^\| `(?P<file>[^`]+)` \| [^|]+ \| `[^`]+` \| [0-9a-f]{40} \|")


def listed() -> dict[str, str]:
    rows: dict[str, str] = {}
    section = ""
    for line in (IMPORTERS / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line
        match = ROW.match(line)
        if match:
            blob = line.split("|")[6].strip()
            folder = {
                "Lightning": "lightning",
                "Hugging": "hf-trainer",
                "lm-eval": "lm-eval",
                "`key": "keyvalue",
                "Weights": "wandb",
                "TensorBoard": "tensorboard",
                "MLflow": "mlflow",
                "llm.c": "llmc",
                "nanoGPT": "nanogpt",
            }
            prefix = next(v for k, v in folder.items() if k in section)
            rows[f"{prefix}/{match['file']}"] = blob
    return rows


def test_every_recorded_file_is_listed_with_its_git_blob() -> None:
    rows = listed()
    files = {
        p.relative_to(IMPORTERS).as_posix()
        for p in IMPORTERS.rglob("*")
        if p.is_file() and p.name != "README.md"
    }
    assert files == set(rows)
    for name, blob in rows.items():
        data = (IMPORTERS / name).read_bytes()
        if name.endswith(".gz"):
            data = gzip.decompress(data)
        assert hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest() == blob, name


def test_no_recorded_file_holds_an_e_mail_address() -> None:
    address = re.compile(rb"[\w.+-]+@(?!github\.com)[\w-]+\.[\w.]+")
    for path in IMPORTERS.rglob("*"):
        if path.is_file() and path.name != "README.md":
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            found = [m for m in address.findall(data) if b"@" in m and not m.startswith(b"git@")]
            assert not found, (path, found[:3])
