"""Build the catalog cards in papers/ from the verified catalog facts (papers.json).

usage: python tools/build_catalog.py PATH/TO/papers.json [papers/] [--additions FILE]

Every paper and every claim of the facts file becomes a card, under the id the facts give,
with its value as printed, its evidence and its confidence. Nothing is added but the
`central` and `exact` marks below, editorial choices (the headline claims; the deterministic
facts judged by equality) that a user can change,
and the claims of an additions file (tests/data/catalog-additions.json): numbers this
project verified itself from public sources, each with its evidence, appended after the
paper's verified claims.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from starter.models import Aggregation, Claim, Paper, Venue
from starter.papers.card_write import render_card

# The claims a reimplementation of each paper is usually judged by: the headline numbers of
# the abstract or the main table. Papers without one have none marked.
CENTRAL = {
    "lecun1989": {"test-error"},
    "lenet5": {"lenet5-test-error"},
    "alexnet": {"ilsvrc2012-val-top1-error", "ilsvrc2012-val-top5-error"},
    "resnet": {"cifar10-resnet110-test-error-mean", "resnet50-val-top1-10crop"},
    "transformer": {"en-de-big-bleu", "en-de-base-bleu"},
    "dropout": {"mnist-relu-test-error", "cifar10-test-error"},
    "batchnorm": {"single-val-top1-error"},
    "gpt2": {"small-wikitext103-perplexity", "small-lambada-accuracy"},
}


# Deterministic facts judged by equality with the printed value (VERDICTS.md, "Exact
# facts"): counts a faithful reimplementation computes from its own network, and the sizes
# of the data it trains and tests on. An editorial mark like `central`; no number changes.
EXACT = {
    "lecun1989": {"train-size", "test-size", "units", "connections", "independent-parameters"},
}


def claim_from_fact(fact: dict) -> Claim:
    value = fact["value"]
    if isinstance(value, list):
        value = (value[0], value[1])
    agg = fact.get("aggregation")
    return Claim(
        id=fact["id"],
        metric=fact["metric"],
        value=value,
        value_text=fact.get("value_text"),
        unit=fact.get("unit"),
        direction=fact.get("direction"),
        dataset=fact.get("dataset"),
        split=fact.get("split"),
        setting=fact.get("setting"),
        source=fact.get("source"),
        aggregation=None
        if agg is None
        else Aggregation(agg["kind"], agg.get("n"), agg.get("spread")),
        evidence=fact.get("evidence"),
        confidence=fact.get("confidence"),
        central=False,
    )


def paper_from_fact(fact: dict) -> Paper:
    central = CENTRAL.get(fact["key"], set())
    exact = EXACT.get(fact["key"], set())
    claims = []
    for c in fact["claims"]:
        claim = claim_from_fact(c)
        if claim.id in central or claim.id in exact:
            marks = {"central": claim.id in central, "exact": claim.id in exact}
            claim = Claim(**{**claim.__dict__, **marks})
        claims.append(claim)
    for name, marked in (("CENTRAL", central), ("EXACT", exact)):
        missing = marked - {c.id for c in claims}
        if missing:
            raise SystemExit(f"{fact['key']}: {name} names unknown claims {sorted(missing)}")
    venue = {k: (str(v) if v is not None else None) for k, v in fact["venue"].items()}
    return Paper(
        key=fact["key"],
        title=fact["title"],
        authors=tuple(fact["authors"]),
        year=fact["year"],
        venue=Venue(**venue),
        doi=fact.get("doi"),
        arxiv_id=fact.get("arxiv_id"),
        confidence=fact.get("confidence"),
        claims=tuple(claims),
    )


def with_additions(facts: list[dict], additions: list[dict]) -> list[dict]:
    """The facts with each addition's claims appended to its paper's (ids must be new)."""
    by_key = {fact["key"]: fact for fact in facts}
    for extra in additions:
        fact = by_key[extra["key"]]
        known = {c["id"] for c in fact["claims"]}
        clash = known & {c["id"] for c in extra["claims"]}
        if clash:
            raise SystemExit(f"{extra['key']}: additions repeat claim ids {sorted(clash)}")
        fact["claims"] = [*fact["claims"], *extra["claims"]]
    return facts


def main() -> None:
    args = sys.argv[1:]
    additions: list[dict] = []
    if "--additions" in args:
        at = args.index("--additions")
        additions = json.loads(Path(args[at + 1]).read_text(encoding="utf-8"))
        del args[at : at + 2]
    facts = with_additions(json.loads(Path(args[0]).read_text(encoding="utf-8")), additions)
    out = Path(args[1] if len(args) > 1 else "papers")
    out.mkdir(exist_ok=True)
    for fact in facts:
        paper = paper_from_fact(fact)
        (out / f"{paper.key}.toml").write_text(render_card(paper), encoding="utf-8")
        print(f"{paper.key}: {len(paper.claims)} claims")


if __name__ == "__main__":
    main()
