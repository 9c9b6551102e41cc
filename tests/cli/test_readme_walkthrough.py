"""The README's walkthrough runs as written: its set-up command, then every `$ ` line of its
```console blocks, in one bash session in a fresh folder (tools/walkthrough.py says the
rules). `show` and `search` talk to the loopback server, which plays the recorded answers
the walkthrough's papers have; pip installs offline from this environment's packages."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from httpserver import arxiv_route

sys.path.insert(0, str(ROOT / "tools"))

import walkthrough

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.slow  # installs the walkthrough's repository into a virtual environment
def test_readme_walkthrough_runs_top_to_bottom(tmp_path: Path, services) -> None:
    arxiv_route(services, "1706.03762", "arxiv_1706.03762v7.xml")
    services.file("/s2/graph/v1/paper/ARXIV:1706.03762", "s2_paper_ARXIV_1706.03762.json")
    services.file("/hf/api/papers/1706.03762", "hf_paper_1706.03762.json")
    env = walkthrough.environment(walkthrough.make_venv(tmp_path / "venv"))

    outcomes = walkthrough.run(tmp_path / "fresh", env)

    assert walkthrough.problems(outcomes) == []
    assert len(outcomes) == 1 + len(walkthrough.steps(README)) > 20
    report = tmp_path / "fresh" / "lecun1989" / "report"
    assert (report / "REPORT.md").is_file() and (report / "plots" / "overview.svg").is_file()


# ----------------------------------------------------------------------------- the rules

EXAMPLE = """\
```bash
pip install . && starter new lecun1989 --offline
```

```console
$ starter status
claim   verdict
test-error *  reproduced …
$ cat > runs.csv <<'EOF'
> seed,test-error
> 1,5.0
> EOF
```

<!-- walkthrough: skip (slow) -->
```console
$ bash bench/run.sh
```

```bash
$ not a console block
```
"""


def test_steps_are_the_dollar_lines_of_console_blocks_with_their_output() -> None:
    found = walkthrough.steps(EXAMPLE)

    assert [s.command for s in found] == [
        "starter status",
        "cat > runs.csv <<'EOF'\nseed,test-error\n1,5.0\nEOF",
    ]
    assert found[0].shown == ["claim   verdict", "test-error *  reproduced …"]
    assert (found[0].line, found[1].shown) == (6, [])
    assert walkthrough.setup_command(EXAMPLE) == "starter new lecun1989 --offline"


def test_a_shown_line_must_be_printed_in_order_with_an_ellipsis_for_any_text() -> None:
    step = walkthrough.steps(EXAMPLE)[0]

    def missing(output: str) -> list[str]:
        return walkthrough.missing_output(walkthrough.Outcome(step, 0, output))

    assert missing("title\nclaim verdict\ntest-error *   reproduced  5.0% 5\n") == []
    # out of order: the table's head is found, the row that should follow it is not
    assert missing("test-error * reproduced 5.0%\nclaim verdict\n") == [
        "test-error *  reproduced …"
    ]
    assert missing("claim verdict\ntest-error * inconclusive\n") == ["test-error *  reproduced …"]


def test_a_failing_command_is_reported_with_its_readme_line(tmp_path: Path) -> None:
    readme = (
        "```bash\npip install . && true\n```\n\n"
        "```console\n$ true\n$ exit_7() { return 7; }; exit_7\n```\n"
    )
    env = walkthrough.environment(tmp_path, {"PATH": "/usr/bin:/bin"})

    found = walkthrough.problems(walkthrough.run(tmp_path / "fresh", env, readme))

    assert len(found) == 1
    assert found[0].startswith("README.md:7: `exit_7() { return 7; }; exit_7` exited 7")


def test_every_skipped_console_block_says_why() -> None:
    reasons = re.findall(r"<!-- walkthrough: skip(.*?)-->\n```console\n", README)

    assert reasons, "the Speed section's benchmark block is skipped"
    assert all(re.fullmatch(r" \(.+\) ", reason) for reason in reasons), reasons
