"""The assignment itself: a min-cost flow over persons and items (OR-tools) that maximises the
total expected success under every capacity, the share of persons served per group (for the
guard), and the baseline it is measured against (every officer takes the person's top option
on their own)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from ortools.graph.python import min_cost_flow

from matcher.engine import Recommendation

SCALE = 10_000
"""Expected success is turned into integer costs at this resolution."""
RANKS = 1_000
"""Each cost step is split in this many, so that equal expected success goes to the item higher
in the person's list (a rank is below ``RANKS``)."""


def solve(
    edges: Mapping[int, list[tuple[str, float]]],
    capacities: Mapping[str, int],
    boost: Sequence[float],
) -> dict[int, str]:
    """Max total expected success, every capacity held (min-cost flow)."""
    flow = min_cost_flow.SimpleMinCostFlow()
    people = sorted(edges)
    items = sorted({item for options in edges.values() for item, _ in options})
    person_node = {p: 2 + i for i, p in enumerate(people)}
    item_node = {item: 2 + len(people) + i for i, item in enumerate(items)}
    source, sink = 0, 1
    for p in people:
        flow.add_arc_with_capacity_and_unit_cost(source, person_node[p], 1, 0)
        flow.add_arc_with_capacity_and_unit_cost(person_node[p], sink, 1, 0)  # nothing
        for rank, (item, expected) in enumerate(edges[p]):
            cost = rank - round(expected * boost[p] * SCALE) * RANKS
            flow.add_arc_with_capacity_and_unit_cost(person_node[p], item_node[item], 1, cost)
    for item in items:
        flow.add_arc_with_capacity_and_unit_cost(item_node[item], sink, max(0, capacities[item]), 0)
    flow.set_node_supply(source, len(people))
    flow.set_node_supply(sink, -len(people))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow did not solve: status {status}")
    chosen: dict[int, str] = {}
    node_item = {node: item for item, node in item_node.items()}
    node_person = {node: p for p, node in person_node.items()}
    for arc in range(flow.num_arcs()):
        if flow.flow(arc) > 0 and flow.tail(arc) in node_person and flow.head(arc) in node_item:
            chosen[node_person[flow.tail(arc)]] = node_item[flow.head(arc)]
    return chosen


def shares(
    chosen: Mapping[int, str], eligible: Sequence[int], labels: Sequence[tuple[str, ...]]
) -> dict[str, float]:
    total: Counter[str] = Counter()
    served: Counter[str] = Counter()
    for p in eligible:
        for group in labels[p]:
            total[group] += 1
            served[group] += p in chosen
    return {g: served[g] / total[g] for g in total}


def greedy(shortlists: Mapping[int, list[Recommendation]], caps: Mapping[str, int]) -> float:
    """Every officer independently takes the person's top option; a full item gives nothing."""
    left = dict(caps)
    total = 0.0
    for _, found in sorted(shortlists.items()):
        if found and left[found[0].id] > 0:
            left[found[0].id] -= 1
            total += found[0].score
    return total
