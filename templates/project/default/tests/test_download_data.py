"""scripts/download_data.py keeps a file only when its SHA-256 matches the manifest's.

The "downloads" here read local files through file:// URLs: the tests never use the network.
"""

import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).parent.parent / "scripts" / "download_data.py"


@pytest.fixture
def script(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The script, imported from its path (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("download_data", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "download_data", module)  # dataclasses look it up
    spec.loader.exec_module(module)
    return module


def manifest(tmp_path: Path, source: Path, digest: str) -> Path:
    path = tmp_path / "data.toml"
    path.write_text(
        f'[[files]]\npath = "set/train.csv"\nurl = "{source.as_uri()}"\nsha256 = "{digest}"\n'
    )
    return path


def test_a_matching_file_is_downloaded_and_then_checked(tmp_path: Path, script: ModuleType) -> None:
    source = tmp_path / "remote.csv"
    source.write_bytes(b"x,y\n1,2\n")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    args = ["--manifest", str(manifest(tmp_path, source, digest)), "--dest", str(tmp_path / "d")]
    assert script.main(args) == 0
    assert (tmp_path / "d" / "set" / "train.csv").read_bytes() == source.read_bytes()
    assert script.main([*args, "--check"]) == 0


def test_a_file_that_does_not_match_is_an_error_and_is_not_kept(
    tmp_path: Path, script: ModuleType
) -> None:
    source = tmp_path / "remote.csv"
    source.write_bytes(b"tampered\n")
    args = ["--manifest", str(manifest(tmp_path, source, "0" * 64)), "--dest", str(tmp_path / "d")]
    assert script.main(args) == 1
    assert list((tmp_path / "d" / "set").iterdir()) == []


def test_the_manifest_as_generated_parses(script: ModuleType) -> None:
    manifest = SCRIPT.parent.parent / "configs" / "data.toml"
    assert isinstance(script.read_manifest(manifest), list)
