"""The scripted session: a fixed, seeded mix of the filter changes a caseworker makes, the same for
the engine, pandas, DuckDB and the window."""
from __future__ import annotations

import random

from .common import SEED

SEARCH_WORDS = (("sup", "supply"), ("cau", "caution"), ("pos", "possession"), ("yor", "yorkshire"),
                ("whi", "white"), ("con", "conviction"), ("wes", "west"))
BROAD = "broad"  # what the label of a broad change starts with
BROAD_FORCES = 6
BROAD_CLASSES = 2
BROAD_SEARCHES = ("possession", "caution", "white", "supply", "conviction")


def is_broad(what: str) -> bool:
    """Whether a scripted change is one of the broad ones (several facets, a wide age range, a search)."""
    return what.startswith(BROAD)


def make_states(ds, rounds: int, seed: int = SEED) -> list[tuple[str, object]]:
    """(what the user did, FilterState) for `rounds` rounds of a realistic session; fixed by the seed.

    A round starts from no filters: only one force (double-click), tick a second, move the age range,
    only one drug class, change it to another, type a search (two keystrokes' worth), clear the search,
    untick an outcome, move the age range again; then the broad changes (`broad_steps`); then reset."""
    from youthdrugs_gui.core.filter_state import FilterState

    rng = random.Random(seed)
    broad_rng = random.Random(seed + 1)  # the narrow steps stay those of earlier runs
    forces = ds.categories("force")
    classes = ds.categories("drug_class")
    outcomes = ds.categories("outcome")
    out: list[tuple[str, object]] = []
    for _ in range(rounds):
        s = FilterState()
        f1, f2 = rng.sample(forces, 2)
        steps = []
        s = s.with_values("force", [f1]); steps.append((f"only force {f1}", s))
        s = s.toggled("force", f2, forces); steps.append((f"tick force {f2}", s))
        lo, hi = rng.randint(10, 13), rng.randint(14, 17)
        s = s.with_age_range((lo, hi)); steps.append((f"age {lo}-{hi}", s))
        c1, c2 = rng.sample(classes, 2)
        s = s.with_values("drug_class", [c1]); steps.append((f"only class {c1}", s))
        s = s.with_values("drug_class", [c2]); steps.append((f"class {c1} -> {c2}", s))
        prefix, word = rng.choice(SEARCH_WORDS)
        s = s.with_search(prefix); steps.append((f"search '{prefix}'", s))
        s = s.with_search(word); steps.append((f"search '{word}'", s))
        s = s.with_search(""); steps.append(("clear search", s))
        o = rng.choice(outcomes)
        s = s.toggled("outcome", o, outcomes); steps.append((f"untick outcome {o}", s))
        lo2, hi2 = rng.randint(10, 12), rng.randint(15, 17)
        if (lo2, hi2) == (lo, hi):
            hi2 = 17 if hi != 17 else 16
        s = s.with_age_range((lo2, hi2)); steps.append((f"age {lo2}-{hi2}", s))
        steps.extend(broad_steps(ds, broad_rng))
        s = FilterState(); steps.append(("reset", s))
        out.extend(steps)
    return out


def broad_state(ds, rng: random.Random):
    """A broad selection reached in one gesture (opening a saved view, undoing a reset): several forces,
    two drug classes, every outcome but one, a wide age range and a search word."""
    from youthdrugs_gui.core.filter_state import FilterState

    forces = ds.categories("force")
    outcomes = ds.categories("outcome")
    picked = rng.sample(forces, min(BROAD_FORCES, len(forces)))
    classes = rng.sample(ds.categories("drug_class"), BROAD_CLASSES)
    dropped = rng.choice(outcomes)
    lo, hi = rng.choice(((10, 16), (11, 17), (10, 17)))
    word = rng.choice(BROAD_SEARCHES)
    s = (FilterState().with_values("force", picked).with_values("drug_class", classes)
         .with_values("outcome", [o for o in outcomes if o != dropped]).with_search(word))
    if (lo, hi) != (10, 17):
        s = s.with_age_range((lo, hi))
    what = (f"{BROAD} view: {len(picked)} forces, classes {'+'.join(classes)}, without {dropped}, "
            f"ages {lo}-{hi}, search '{word}'")
    return what, s, picked


def broad_steps(ds, rng: random.Random) -> list[tuple[str, object]]:
    """The broad changes of one round: the broad selection at once, then on top of it a force ticked,
    the age range widened or narrowed, and another search word."""
    what, s, picked = broad_state(ds, rng)
    steps = [(what, s)]
    forces = ds.categories("force")
    extra = rng.choice([f for f in forces if f not in picked] or forces)
    s = s.toggled("force", extra, forces); steps.append((f"{BROAD} tick force {extra}", s))
    lo, hi = s.age_range or (10, 17)
    lo2, hi2 = (11, 17) if (lo, hi) != (11, 17) else (10, 16)
    s = s.with_age_range((lo2, hi2)); steps.append((f"{BROAD} age {lo2}-{hi2}", s))
    word = rng.choice([w for w in BROAD_SEARCHES if w != s.search])
    s = s.with_search(word); steps.append((f"{BROAD} search '{word}'", s))
    return steps
