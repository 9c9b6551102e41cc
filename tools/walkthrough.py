"""Run the README's walkthrough as a newcomer would: its set-up command, then every `$ `
line of its ```console blocks, in order, in one bash session in a fresh folder, and compare
exit codes and the output the README shows. tests/cli/test_readme_walkthrough.py runs it on
every test run; this script also makes the README's overview chart from the result:

    python tools/walkthrough.py --chart docs/overview.svg [--keep DIR]

The rules (README, "The walkthrough is tested"):
- every ```console block of README.md is run, in README order; a block right after a line
  `<!-- walkthrough: skip (why) -->` is not;
- a line starting with `$ ` is a command; lines starting with `> ` right after it continue
  it (a here-document, say); any other line of the block is output that the command must
  print: each shown line, spaces squeezed, must be a line of its output, in the same order,
  where `…` stands for any text (a run id, a commit);
- every command must exit 0;
- the folder starts as the README's set-up leaves it: `starter new ... --offline` run there
  (the `pip install .` before it is the environment the walkthrough runs in)."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = re.compile(r"<!--\s*walkthrough:\s*skip\b.*-->")
FENCE = "```"


@dataclass
class Step:
    """One command of the walkthrough, where the README has it, and the output it shows."""

    command: str
    line: int  # 1-based line of README.md
    shown: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    step: Step
    code: int
    output: str


def steps(readme: str) -> list[Step]:
    """The commands of every ```console block not marked to skip, in README order."""
    found: list[Step] = []
    inside = skip = False
    previous = ""
    for number, line in enumerate(readme.splitlines(), start=1):
        if not inside:
            if line.strip() == FENCE + "console":
                inside, skip = True, bool(SKIP.fullmatch(previous.strip()))
            if line.strip():
                previous = line
            continue
        if line.strip() == FENCE:
            inside = False
            continue
        if skip:
            continue
        if line.startswith("$ "):
            found.append(Step(line[2:], number))
        elif line.startswith("> ") and found and not found[-1].shown:
            found[-1].command += "\n" + line[2:]
        elif line.strip() and found:
            found[-1].shown.append(line)
    return found


def setup_command(readme: str) -> str:
    """`starter new ...` from the README's first set-up command (`pip install . && ...`)."""
    first = re.search(r"```bash\n(.*?)```", readme, flags=re.S)
    if first is None:
        raise ValueError("README.md has no ```bash set-up block")
    parts = [p.strip() for p in first.group(1).strip().split("&&")]
    return " && ".join(p for p in parts if not p.startswith("pip install"))


def make_venv(folder: Path) -> Path:
    """A virtual environment without pip of its own that sees this one's packages, so that
    the walkthrough's `pip install -e` installs offline (test_generated_repos does the same)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "_parent_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return folder / "bin"


def environment(venv_bin: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """The shell's environment: the venv's python first, then this starter; pip never goes
    to an index and builds with the packages at hand; a fixed width for tables."""
    env = dict(os.environ if base is None else base)
    env.update(
        PATH=os.pathsep.join([str(venv_bin), str(Path(sys.executable).parent), env["PATH"]]),
        PIP_NO_INDEX="1",
        # pip reads this variable inverted: "0" turns build isolation off (pip issue 5735).
        PIP_NO_BUILD_ISOLATION="0",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        COLUMNS="100",
        NO_COLOR="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("VIRTUAL_ENV", None)
    return env


def script(commands: list[str], out: Path) -> str:
    """One bash session: each command's output and exit code to out/N.txt and out/N.rc."""
    lines = ["set +e"]
    for i, command in enumerate(commands):
        lines += [f"{{ {command}", f"}} > {out}/{i}.txt 2>&1", f"echo $? > {out}/{i}.rc"]
    return "\n".join(lines) + "\n"


def run(folder: Path, env: dict[str, str], readme: str | None = None) -> list[Outcome]:
    """Run the set-up command and the walkthrough in `folder`; what each command did."""
    readme = readme if readme is not None else (ROOT / "README.md").read_text(encoding="utf-8")
    walk = [Step(setup_command(readme), 0), *steps(readme)]
    out = folder / ".walkthrough"
    out.mkdir(parents=True)
    path = out / "walkthrough.sh"
    path.write_text(script([s.command for s in walk], out), encoding="utf-8")
    subprocess.run(["bash", str(path)], cwd=folder, env=env, check=False, timeout=900)
    outcomes = []
    for i, step in enumerate(walk):
        code = out / f"{i}.rc"
        text = out / f"{i}.txt"
        outcomes.append(
            Outcome(
                step,
                int(code.read_text().strip()) if code.exists() else -1,
                text.read_text(encoding="utf-8", errors="replace") if text.exists() else "",
            )
        )
    return outcomes


def squeeze(text: str) -> str:
    return " ".join(text.split())


def missing_output(outcome: Outcome) -> list[str]:
    """The shown lines the command did not print (in order; `…` matches anything)."""
    printed = [squeeze(line) for line in outcome.output.splitlines()]
    missing = []
    at = 0
    for shown in outcome.step.shown:
        pattern = re.compile(".*".join(re.escape(part) for part in squeeze(shown).split("…")))
        hit = next((i for i in range(at, len(printed)) if pattern.fullmatch(printed[i])), None)
        if hit is None:
            missing.append(shown)
        else:
            at = hit + 1
    return missing


def problems(outcomes: list[Outcome]) -> list[str]:
    """Every failure, naming the README line: a non-zero exit or a shown line not printed."""
    found = []
    for o in outcomes:
        where = f"README.md:{o.step.line}" if o.step.line else "the set-up command"
        tail = "\n    ".join(o.output.strip().splitlines()[-12:])
        if o.code != 0:
            found.append(f"{where}: `{o.step.command}` exited {o.code}:\n    {tail}")
        elif lost := missing_output(o):
            shown = "\n    ".join(lost)
            found.append(
                f"{where}: `{o.step.command}` did not print:\n    {shown}\n"
                f"  it printed:\n    {tail}"
            )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chart", type=Path, help="copy the report's overview chart here")
    parser.add_argument("--keep", type=Path, help="run in this folder and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="starter-walkthrough-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        # No network: the walkthrough's `show` and `search` answer from the catalog.
        env = environment(make_venv(folder / ".venv"))
        env["STARTER_OFFLINE"] = "1"
        outcomes = run(folder, env)
        for problem in problems(outcomes):
            print(problem, file=sys.stderr)
        if args.chart:
            chart = next(folder.glob("*/report/plots/overview.svg"))
            shutil.copyfile(chart, args.chart)
            print(f"wrote {args.chart}")
        return 1 if problems(outcomes) else 0
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
