"""Whether git merges the results log line by line: the `merge=union` rule in .gitattributes
that lets branches which both logged runs merge without a conflict."""

from __future__ import annotations

import subprocess
from pathlib import Path

from starter.track.results import LOG_NAME, RESULTS_DIR

LOG = f"{RESULTS_DIR}/{LOG_NAME}"
RULE = f"{LOG} merge=union"


def union_rule_missing(root: Path) -> str | None:
    """A warning with its fix when `root` is in a git work tree whose attributes do not
    merge the results log with git's union driver; None when they do, or outside git.

    Asks git itself (`git check-attr`), so a rule in any .gitattributes above the log, in
    .git/info/attributes or in core.attributesFile counts, as it does for `git merge`."""
    try:
        done = subprocess.run(
            ["git", "--no-optional-locks", "check-attr", "merge", "--", LOG],
            cwd=root,
            capture_output=True,
            stdin=subprocess.DEVNULL,
        )
    except OSError:  # no git: nothing to merge with
        return None
    if done.returncode != 0:  # not a git work tree
        return None
    value = done.stdout.decode("utf-8", "replace").rsplit(":", 1)[-1].strip()
    if value == "union":
        return None
    return (
        f"{LOG} is not merged line by line (.gitattributes has no `{RULE}` rule): two "
        "branches that both log runs will conflict when merged; add the rule with "
        f"`echo '{RULE}' >> .gitattributes` in {Path(root).name}/ and commit it"
    )
