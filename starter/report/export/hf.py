"""`starter export hf`: the results as a Hugging Face model card, in both of the Hub's
formats: `model-index` in the YAML front matter of README.md (created, or merged into the
card's other metadata, which is kept with its comments) and `.eval_results/<claim>.yaml`.

A value is this reimplementation's mean. The paper's number and where it prints it go in
each result's `source` (and in the notes of `.eval_results`); what neither format can hold
(n, sd, the interval of the gap, the tolerance, the verdict) goes in the notes, and the
command says so. `verified` is never set: only the Hub's evaluators may set it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

from starter.errors import ConflictError, InputError
from starter.models import Paper, slugify
from starter.papers.modelcard import CARD, EVAL_DIR, FENCE, load_yaml, split_front_matter
from starter.track.values import ClaimStatus

NOT_HELD = "n, sd, the 95% interval of the gap, the tolerance and the verdict"
MARK = "made by: starter"  # the last line of the notes of every result starter writes


@dataclass(frozen=True)
class Exported:
    readme: Path
    created: bool  # README.md was written new (else its front matter was merged)
    eval_files: list[Path]
    claims: list[str]  # the claims exported
    left_out: dict[str, str] = field(default_factory=dict)  # claim id -> why
    not_held: str = NOT_HELD


def _unit(claim: ClaimStatus) -> str:
    if not claim.unit:
        return ""
    return claim.unit if claim.unit == "%" else f" {claim.unit}"


def _paper_source(paper: Paper, claim: ClaimStatus) -> dict[str, str]:
    """The paper's number, where it prints it, and a link: the result's `source`."""
    who = f"{paper.short_authors()} ({paper.year})" if paper.year else paper.short_authors()
    where = claim.source or "the paper"
    source = {"name": f"{who}, {where}: paper reports {claim.reported_text}{_unit(claim)}"}
    if paper.link:
        source["url"] = paper.link
    return source


def _notes(claim: ClaimStatus, dataset: str | None, split: str | None, group: Any) -> str:
    """Everything else, one `key: value` a line (papers/modelcard.py reads the claim back)."""
    from starter import __version__

    def g(value: float | None) -> str:
        return "" if value is None else f"{value:.4g}"

    lines = [
        f"claim: {claim.id}",
        f"metric: {claim.metric}",
        f"paper value: {claim.reported_text}",
        f"unit: {claim.unit}" if claim.unit else "",
        f"better: {claim.direction}" if claim.direction else "",
        f"paper source: {claim.source}" if claim.source else "",
        f"dataset: {dataset}" if dataset else "",
        f"split: {split}" if split else "",
        f"group: {group}" if group else "",
        f"this reimplementation: mean of n = {claim.n} runs"
        + (f", sd {g(claim.sd)}" if claim.sd is not None else ""),
        f"gap, 95% interval: [{claim.ci95[0]:+.4g}, {claim.ci95[1]:+.4g}] "
        "(positive is better than the paper)"
        if claim.ci95
        else "",
        f"tolerance: ±{claim.tolerance:g} ({claim.tolerance_origin or 'no origin given'})"
        if claim.tolerance is not None
        else "tolerance: none set",
        f"verdict: {claim.verdict}"
        + (f" ({claim.detail})" if claim.detail else "")
        + " (starter's stated rule: docs/VERDICTS.md)",
        f"{MARK} {__version__}",
    ]
    return "\n".join(" ".join(line.split()) for line in lines if line)


def _hub_ids(items: list[str] | None) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or "/" not in value:
            raise InputError(
                f"--hub-dataset {item!r}: expected NAME=OWNER/DATASET (NAME: a claim id or a "
                "dataset named in paper.toml), e.g. 'MNIST=ylecun/mnist'"
            )
        mapping[key.strip()] = value.strip()
    return mapping


def export(
    root: Path,
    output: Path | None = None,
    *,
    name: str | None = None,
    task: str = "other",
    hub_datasets: list[str] | None = None,
) -> Exported:
    """Write the model card for the repository at `root` into `output` (default: `root`)."""
    from starter.track import status

    report = status.compute(root, keep_runs=True)
    paper = report.paper
    folder = Path(output) if output is not None else Path(root)
    model = name or Path(root).resolve().name
    ids = _hub_ids(hub_datasets)
    latest: dict[str, str] = {}
    for run in report.runs:
        if not run.failed:
            for key in run.metrics:
                latest[key] = max(latest.get(key, ""), run.time)
    results, entries, left_out, exported = [], {}, {}, []
    for claim in report.claims:
        if claim.reported is None or isinstance(claim.reported, tuple):
            left_out[claim.id] = "no single number in the paper"
            continue
        if claim.mean is None:
            left_out[claim.id] = "no runs yet" if claim.n == 0 else claim.verdict
            continue
        card_claim = paper.claim(claim.id)
        dataset = card_claim.dataset if card_claim else None
        split = card_claim.split if card_claim else None
        group = getattr(claim, "group", None)  # one result per group, where groups exist
        key = f"{claim.id}-{slugify(str(group))}" if group else claim.id
        hub_id = ids.get(claim.id) or ids.get(dataset or "") or slugify(dataset or "") or "unknown"
        source = _paper_source(paper, claim)
        dataset_entry: dict[str, Any] = {"type": hub_id, "name": dataset or "unspecified"}
        if split:
            dataset_entry["split"] = split
        results.append(
            {
                "task": {"type": task},
                "dataset": dataset_entry,
                "metrics": [{"type": claim.id, "value": claim.mean, "name": claim.metric}],
                "source": source,
            }
        )
        entry: dict[str, Any] = {
            "dataset": {"id": hub_id, "task_id": key},
            "value": claim.mean,
        }
        if latest.get(claim.id):
            entry["date"] = latest[claim.id]
        if "url" in source:
            entry["source"] = {"url": source["url"], "name": source["name"]}
        entry["notes"] = _notes(claim, dataset, split, group)
        entries[key] = entry
        exported.append(key)
    if not exported:
        raise InputError(
            "nothing to export: no claim has runs yet (log some with `starter log` or "
            "`starter run`, then export)"
        )
    readme = folder / CARD
    created = not readme.exists()
    # Check everything before writing anything: all or nothing.
    text = _merged_card(readme, model, results, paper)
    files = {folder / EVAL_DIR / f"{key}.yaml": entries[key] for key in exported}
    for path in files:
        _check_ours(path)
    from starter.fsutil import atomic_write_text

    atomic_write_text(readme, text)
    for path, entry in files.items():
        atomic_write_text(path, _dump([entry]))
    return Exported(readme, created, list(files), exported, left_out)


def _dump(data: Any) -> str:
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip: keeps the comments and order of merged metadata
    yaml.default_flow_style = False
    yaml.width = 4096  # no folded lines: a note stays one line per field
    out = StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _check_ours(path: Path) -> None:
    """An `.eval_results` file is rewritten only when starter wrote it."""
    if not path.exists():
        return
    entries = load_yaml(path.read_text(encoding="utf-8"), str(path))
    ours = isinstance(entries, list) and all(
        isinstance(e, dict) and MARK in str(e.get("notes") or "") for e in entries
    )
    if not ours:
        raise ConflictError(
            f"{path} was not written by starter; move it away (or export elsewhere with "
            "--output DIR): starter never overwrites a file it did not write"
        )


def _merged_card(readme: Path, model: str, results: list[Any], paper: Paper) -> str:
    """README.md's text with `model-index` set for `model`: other models' entries, other
    results of this model and every other key of the front matter are kept."""
    from ruamel.yaml import YAML, YAMLError

    body = None
    meta: Any = None
    if readme.exists():
        try:
            text = readme.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read {readme}: {exc}") from None
        front, body = split_front_matter(text)
        if front is not None and front.strip():
            try:
                meta = YAML().load(front)
            except YAMLError as exc:
                problem = " ".join(str(exc).split())[:200]
                raise InputError(
                    f"{readme}: its front matter is not valid YAML ({problem}); fix it, or "
                    "export elsewhere with --output DIR"
                ) from None
            if not isinstance(meta, dict):
                raise InputError(f"{readme}: its front matter is not a YAML mapping; fix it")
    if meta is None:
        from ruamel.yaml.comments import CommentedMap

        meta = CommentedMap()
    ours = {m["metrics"][0]["type"] for m in results}
    index = meta.get("model-index")
    if not isinstance(index, list):
        index = []
    entry = next((m for m in index if isinstance(m, dict) and m.get("name") == model), None)
    if entry is None:
        entry = {"name": model, "results": []}
        index.append(entry)
    kept = [
        r
        for r in entry.get("results") or []
        if not (isinstance(r, dict) and {m.get("type") for m in r.get("metrics") or []} & ours)
    ]
    entry["results"] = kept + results
    meta["model-index"] = index
    if body is None:
        body = _new_body(model, paper)
    return f"{FENCE}\n{_dump(meta)}{FENCE}\n{body}"


def _new_body(model: str, paper: Paper) -> str:
    link = f" ({paper.link})" if paper.link else ""
    return (
        f"\n# {model}\n\nA reimplementation of {paper.title}, {paper.short_authors()}"
        f"{f' ({paper.year})' if paper.year else ''}{link}.\n\n"
        "The evaluation results above are the means of this reimplementation's runs; each "
        "result's source names the paper's number and where the paper prints it, and the "
        f"files in `{EVAL_DIR}/` hold, in their notes, {NOT_HELD}.\n"
    )
