"""Which clauses a curator should look at: those the model is unsure of."""


def needs_review(top, min_confidence: float, min_margin: float) -> bool:
    """Whether the model's guesses ``top`` ([[category, probability], …], best
    first) are too unsure to trust without a person looking.

    Unsure means the best probability is below ``min_confidence``, or the
    runner-up is within ``min_margin`` of it: a 0.55 against a 0.45 is a coin
    toss between two categories even though it clears 0.5. No guesses at all
    (a clause stored without a prediction) is as unsure as it gets.
    """
    if not top:
        return True
    best = top[0][1]
    runner_up = top[1][1] if len(top) > 1 else 0.0
    return best < min_confidence or best - runner_up < min_margin
