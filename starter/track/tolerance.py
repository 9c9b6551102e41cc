"""Claims and tolerances as the log sees them: a tolerance is set in the paper card and each
change is also appended, with its time, to the results log, so a report can tell a tolerance
set before the results from one set after them."""

from __future__ import annotations

from starter.errors import InputError
from starter.models import Claim, shorten
from starter.track.recorder import Repo, claim_of


def add_claim(repo: Repo, claim: Claim) -> Claim:
    """Add `claim` to the card (an empty id is derived); log its tolerance if it has one."""
    return add_claims(repo, [claim])[0]


def add_claims(repo: Repo, claims: list[Claim]) -> list[Claim]:
    """Add claims to the card in one write (linked claims go in together); log the
    tolerances they have."""
    from starter.papers import edit
    from starter.track.results import append, tolerance_record

    stored = edit.add_claims(repo.card_path, claims)
    records = [
        tolerance_record(c.id, c.tolerance, c.tolerance_origin or "")
        for c in stored
        if c.tolerance is not None
    ]
    append(repo.root, records)
    return stored


def set_tolerance(
    repo: Repo,
    claim_id: str,
    value: float | None,
    origin: str | None,
    test_size: int | None = None,
) -> Claim:
    """Set a claim's tolerance (or twice the binomial SE on `test_size` items) and log it."""
    from starter.papers import edit
    from starter.track.results import append, tolerance_record

    claim = claim_of(repo.paper, claim_id)
    if test_size is not None:
        from starter.track.suggest import binomial_tolerance, is_rate

        if value is not None:
            raise InputError("give either VALUE --origin TEXT or --test-size N, not both")
        if test_size > 10**15:
            raise InputError(
                f"--test-size {shorten(str(test_size))} is out of range (at most 10**15 items)"
            )
        if not is_rate(claim):
            raise InputError(
                f"--test-size gives twice the binomial SE of a rate of right and wrong items; "
                f'{claim.metric!r} is no such rate: give VALUE --origin "why" instead'
            )
        computed = binomial_tolerance(claim, test_size) if test_size > 0 else None
        if computed is None or computed <= 0:
            raise InputError(
                f"cannot compute a binomial SE for {claim_id!r}: it needs a rate between 0 and 1 "
                "(or 0-100 with unit %) and a test size of 1 or more"
            )
        # Three significant digits: the binomial SE is itself an estimate.
        value = float(f"{computed:.3g}")
        origin = origin or f"2 binomial SE on {test_size:,} items"
    if value is None:
        raise InputError(
            f'give the tolerance: starter claim tolerance {claim_id} VALUE --origin "why"'
        )
    if not origin:
        raise InputError('say where the tolerance comes from: --origin "2 binomial SE on 10,000"')
    stored = edit.set_tolerance(repo.card_path, claim_id, value, origin)
    append(repo.root, [tolerance_record(claim_id, float(value), origin)])
    return stored
