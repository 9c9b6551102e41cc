"""The README's two set-up commands stay true: CI runs the test command verbatim."""

from __future__ import annotations

import re

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def setup_commands() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", README, flags=re.S)
    return [block.strip() for block in blocks[:2]]


def test_readme_starts_with_an_install_and_run_command_and_a_test_command():
    run, test = setup_commands()
    assert run.startswith("pip install . && starter new ")
    assert "--offline" in run
    assert test.startswith('pip install ".[test]"') and "pytest" in test


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    _, test = setup_commands()
    assert test in ci


def test_readme_documents_every_exit_code_starter_uses():
    from starter import errors

    codes = {value for name, value in vars(errors).items() if name.isupper()}
    for code in codes:
        assert re.search(rf"^\| {code} \|", README, flags=re.M), f"exit code {code} undocumented"
