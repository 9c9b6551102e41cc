"""How well `starter claim extract` drafts the numbers a reimplementer would track.

Reads the corpus in tests/data/latex/ (real papers' LaTeX sources as e-prints, each with a
hand-written truth.json) and measures, per paper and per split (SPLIT.json: splits named
"tune..." hold the papers the extractor was developed on; splits named "heldout..." were
never looked at while developing, and are measured once; several held-out splits are also
reported together):

- recall (the primary figure, issue 15's definition): of the truth's main-table numbers
  (the paper's own method), how many are among the default 15 drafts with the right
  printed text, row and column (and table label);
- recall within reach (secondary): the same hits over min(15, main-table numbers), since
  15 drafts cannot hold more than 15 of a larger main table; each draft counts for at
  most one truth number;
- precision: of those 15 drafts, how many are numbers of the truth (any table, or the
  abstract: same printed text, file and line within 2);
- the extraction time per paper (read, expand, parse, rank and draft; median of 3 runs
  after a warm-up; the e-print's bytes are already in memory).

    python bench/extraction.py            # prints Markdown
    python bench/extraction.py --write    # also updates its section of bench/RESULTS.md
    python bench/extraction.py --split tune --show   # the drafts of each tune paper, for work

Extra truth fields (spread_text, row_group, value_high, inconsistency, ...) are ignored,
except table_label_alt: a second label the table goes by, accepted like table_label.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "latex"
LIMIT = 15

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sections import write_section  # noqa: E402


def compact(text: str | None) -> str:
    plain = unicodedata.normalize("NFKC", text or "").lower().replace("−", "-")
    return re.sub(r"[^a-z0-9]", "", plain)


def words(text: str | None) -> list[str]:
    return re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKC", text or "").lower())


def printed(text: str | None) -> str:
    value = (text or "").strip().replace("−", "-").replace(",", "").replace(" ", "")
    value = re.sub(r"(?:·|×|x|\\cdot|\\times)10\^\{?([-+]?\d+)\}?", r"e\1", value)
    # "%" and a factor's "x" are printed after the number, not part of it
    return re.sub(r"(?<=\d)[x×]$", "", value.rstrip("%")).replace("e+", "e").lstrip("+")


def contained(a: list[str], b: list[str]) -> bool:
    """a is a run of words inside b."""
    return bool(a) and any(b[i : i + len(a)] == a for i in range(len(b) - len(a) + 1))


def same_label(draft: str | None, truth: str | None, source: str | None = None) -> bool:
    if not truth:
        return True
    candidates = [truth]
    if source:
        from starter.papers.latex import parse

        candidates.append(parse.to_text(parse.parse(source)))
    d = words(draft)
    for t_text in candidates:
        t = words(t_text)
        if compact(draft) == compact(t_text) or contained(d, t) or contained(t, d):
            return True
    return False


def matches(draft, truth: dict) -> bool:
    if printed(draft.claim.value_text) != printed(truth.get("value_text")):
        return False
    if truth.get("row") is None:  # a number of the abstract or the conclusion
        return (
            draft.part != "table"
            and Path(draft.file).as_posix() == truth.get("file")
            and abs(draft.line - int(truth.get("line") or 0)) <= 2
        )
    if draft.part != "table":
        return False
    labels = [t for t in (truth.get("table_label"), truth.get("table_label_alt")) if t]
    if labels and draft.table_label and compact(draft.table_label) not in map(compact, labels):
        return False
    return same_label(draft.row, truth.get("row"), truth.get("row_source")) and same_label(
        draft.column, truth.get("column")
    )


def _one_to_one(proposed: list, main: list[dict]) -> int:
    """How many truth numbers the drafts hit, each draft counting for at most one (a table
    that repeats a row label under several groups has truth items a single draft matches)."""
    taken: set[int] = set()
    for draft in proposed:
        hit = next((i for i, t in enumerate(main) if i not in taken and matches(draft, t)), None)
        if hit is not None:
            taken.add(hit)
    return len(taken)


def title(slug: str) -> str:
    """The paper's title, as `starter new` has it from the metadata: SOURCE.md's heading,
    without a trailing "(venue)" or " — note"."""
    source = CORPUS / slug / "SOURCE.md"
    head = source.read_text(encoding="utf-8").partition("\n")[0] if source.exists() else ""
    head = head.lstrip("# ").split(" — ")[0].strip()
    return re.sub(r"\s*\([^()]*\)\s*$", "", head)


def measure(slug: str, show: bool = False) -> dict:
    from starter.papers.latex.drafts import drafts, read_source

    data = (CORPUS / slug / "eprint.tar.gz").read_bytes()
    truth = json.loads((CORPUS / slug / "truth.json").read_text(encoding="utf-8"))
    name = title(slug)
    read_source(data, name)  # warm-up: imports, caches
    times = []
    for _ in range(3):
        started = time.perf_counter()
        extraction = read_source(data, name)
        proposed = [d for d in drafts(extraction, None, LIMIT) if d.skipped is None]
        times.append(time.perf_counter() - started)
    main = [t for t in truth if t.get("main_table")]
    found = _one_to_one(proposed, main)
    correct = sum(1 for d in proposed if any(matches(d, t) for t in truth))
    if show:
        print(f"\n## {slug}: names {extraction.names}")
        for d in proposed:
            ok = "+" if any(matches(d, t) for t in truth) else " "
            print(f" {ok} {d.claim.value_text:>9}  {d.file}:{d.line}  {d.claim.source}")
        for t in main:
            if not any(matches(d, t) for d in proposed):
                print(
                    f"   missed: {t.get('value_text')} row {t.get('row')!r} col {t.get('column')!r}"
                )
    return {
        "paper": slug,
        "main": len(main),
        "reach": min(LIMIT, len(main)),
        "found": found,
        "drafts": len(proposed),
        "correct": correct,
        "seconds": statistics.median(times),
    }


def ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "n/a"


def markdown(split: dict[str, list[str]], rows: dict[str, list[dict]]) -> str:
    lines = [
        "## Claim extraction from LaTeX sources (`bench/extraction.py`)",
        "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- machine: {platform.machine()}, Linux {platform.release()}; "
        f"Python {platform.python_version()}",
        f"- papers measured: {sum(len(v) for v in rows.values())} "
        + ", ".join(f"({len(v)} {k})" for k, v in rows.items()),
        f"- recall: of the truth's main-table numbers of the paper's own method, the share "
        f"among the default {LIMIT} drafts with the right printed text, row and column; "
        "precision: of those drafts, the share that are truth numbers (tables or abstract)",
        "- time: reading one e-print already in memory (unpack, expand, parse, rank, draft), "
        "median of 3 runs after a warm-up",
        "",
        f"- secondary, clearly not the goal's figure: recall within reach = the same hits over "
        f"min({LIMIT}, main-table numbers) per paper, which shows the ceiling of a paper whose "
        f"main table holds more than {LIMIT} of the method's numbers",
        "",
        "| split | paper | main-table numbers | found in top 15 | recall | recall within reach "
        "(secondary) | drafts | truth numbers among them | precision | time ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, results in rows.items():
        for r in results:
            lines.append(
                f"| {name} | {r['paper']} | {r['main']} | {r['found']} | "
                f"{ratio(r['found'], r['main'])} | {ratio(r['found'], r['reach'])} | "
                f"{r['drafts']} | {r['correct']} | "
                f"{ratio(r['correct'], r['drafts'])} | {r['seconds'] * 1000:.0f} |"
            )
    lines += ["", "| split | papers | recall (all numbers pooled; primary) | mean recall per "
              "paper | recall within reach (pooled; secondary) | precision (pooled) | "
              "slowest ms |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    groups = dict(rows)
    held = [name for name in rows if name.startswith("heldout")]
    if len(held) > 1:
        groups[" + ".join(held)] = [r for name in held for r in rows[name]]
    for name, results in groups.items():
        main = sum(r["main"] for r in results)
        found = sum(r["found"] for r in results)
        reach = sum(r["reach"] for r in results)
        drafts = sum(r["drafts"] for r in results)
        correct = sum(r["correct"] for r in results)
        per_paper = [r["found"] / r["main"] for r in results if r["main"]]
        mean = f"{statistics.mean(per_paper):.2f}" if per_paper else "n/a"
        slowest = max((r["seconds"] for r in results), default=0.0) * 1000
        lines.append(
            f"| {name} | {len(results)} | {ratio(found, main)} ({found}/{main}) | {mean} | "
            f"{ratio(found, reach)} ({found}/{reach}) | "
            f"{ratio(correct, drafts)} ({correct}/{drafts}) | {slowest:.0f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    split = json.loads((CORPUS / "SPLIT.json").read_text(encoding="utf-8"))
    parser.add_argument("--split", choices=tuple(split), help="measure one split only")
    parser.add_argument(
        "--show", action="store_true", help="print each paper's drafts (tune papers only)"
    )
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()
    if args.show and not (args.split or "").startswith("tune"):
        parser.error("--show prints drafts to work on: only with a tune split (--split tune...)")
    rows = {
        name: [measure(slug, args.show) for slug in papers]
        for name, papers in split.items()
        if args.split in (None, name)
    }
    section = markdown(split, rows)
    print(section)
    if args.write:
        write_section("extraction", section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
