"""The arithmetic under small-cell protection: counts as variables, additive relations as lines, and
the search for an *alternative table*.

A table is a list of variables (its cells, its totals and a few unseen slack variables) and a list
of **lines**: exact relations ``sum(members) == sum(totals)``. Every variable takes part in at most
two lines, one row-like (side +1) and one column-like (side -1), so the system is the incidence
matrix of a graph: the nodes are the lines plus a *ground* node, and each variable is an edge
between its two lines (or its line and ground, or a loop at ground when it is in no line). That
makes "can this hidden value be different?" a graph question, answered exactly:

    A hidden variable ``v`` can take another value, with every shown value unchanged, every line
    balanced and every hidden variable within its bounds, if and only if ``v`` lies on a directed
    cycle of the *residual graph*: an arc ``a -> b`` for each hidden variable that may grow by one,
    and ``b -> a`` for each that may shrink by one.

(If: add +1/-1 along the cycle; each node has one arc in and one out, so each line stays balanced.
Only if: the difference of two feasible tables is an integer circulation, which splits into simple
cycles whose signs agree with it, and the cycle through ``v`` alone stays within the bounds.) The
cycle is the *witness*: an explicit second table that agrees with everything published.

A **capped** line is one of inequalities made exact: its members (cells) are each at most its first
total, and the total at most their sum, the difference being a slack variable. "A cell is at most
its total" couples two variables, which a graph cannot say; the *strict* arcs bound each member by
the total's true value (so every strict cycle is valid, and the fast paths above apply), and the
*relaxed* search lets a member grow together with its total, then checks the alternative it finds
against every relation explicitly (:meth:`Network.verify`) before believing it.

This module knows nothing about tables, markers or databases; :mod:`ciateh.aggregates.suppression`
builds the network of a table and decides what to hide.
"""

from __future__ import annotations

import heapq
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass

GROUND = 0
#: A change of one variable by one unit: (variable, +1 or -1).
Move = tuple[int, int]
#: By tail node: (head, variable, direction, cost) of each arc a candidate would add.
CandidateArcs = list[list[tuple[int, int, int, int]]]
#: States the relaxed search may visit before it gives up (it only ever adds protection).
RELAXED_BUDGET = 20_000


@dataclass(frozen=True, slots=True)
class Line:
    """``sum(values[m] for m in members) == sum(values[t] for t in totals)``; ``side`` is +1 for
    row-like lines and -1 for column-like ones. ``capped``: each member is also at most
    ``totals[0]`` (and ``totals[1]`` is the line's slack)."""

    members: tuple[int, ...]
    totals: tuple[int, ...]
    side: int
    capped: bool = False


class NotANetworkError(ValueError):
    """The lines do not form a graph (a variable in three lines, or with equal effective signs)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A shown variable that may be hidden to close a cycle: its bounds once hidden, and its cost."""

    lo: int
    hi: int | None
    cost: int


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb


class Network:
    """The residual graph of a table: built once, then hidden variables are added one by one.

    Arcs are only ever added (hiding a variable never removes one), so a variable once shown to be
    on a cycle stays on it. Nodes joined by the strict cycles found so far are merged in a
    union-find structure: a union of cycles sharing nodes is strongly connected, so a variable
    whose two ends are already merged (and that is on none of those cycles) is protected without
    another search.
    """

    def __init__(self, values: Sequence[int], lines: Sequence[Line]) -> None:
        self.values = tuple(values)
        self.lines = tuple(lines)
        self.n_nodes = len(lines) + 1
        n = len(values)
        ends: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        self._nodes_of: list[list[int]] = [[] for _ in range(n)]
        self._cap_hi: list[int | None] = [None] * n
        self._cap_lo = [0] * n
        for node, line in enumerate(lines, start=1):
            for v in line.members:
                ends[v].append((node, line.side))
                self._nodes_of[v].append(node)
            for v in line.totals:
                ends[v].append((node, -line.side))
                self._nodes_of[v].append(node)
            if line.capped:
                total = line.totals[0]
                for m in line.members:
                    cap = self._cap_hi[m]
                    self._cap_hi[m] = self.values[total] if cap is None else min(cap, self.values[total])
                self._cap_lo[total] = max([self._cap_lo[total], *(self.values[m] for m in line.members)])
        self._arc: list[tuple[int, int]] = [_increase_arc(found) for found in ends]
        self._members: list[frozenset[int]] = [frozenset(), *(frozenset(line.members) for line in lines)]
        self.has_capped = any(line.capped for line in lines)
        self.lo = [0] * n  # the bounds the attacker knows (relaxed)
        self.hi: list[int | None] = [None] * n
        self._strict: list[tuple[int, int | None]] = [(0, None)] * n
        self.hidden = [False] * n
        self.adj: list[list[tuple[int, int, int]]] = [[] for _ in range(self.n_nodes)]
        self._radj: list[list[tuple[int, int, int]]] = [[] for _ in range(self.n_nodes)]
        self.protected: set[int] = set()
        self._groups = _UnionFind(self.n_nodes)

    # -- building ------------------------------------------------------------------------------

    def hide(self, v: int, lo: int, hi: int | None) -> None:
        """Hide ``v``, whose value the attacker knows only to lie in ``lo..hi`` (``None``: no bound)."""
        value = self.values[v]
        if value < lo or (hi is not None and value > hi):
            raise ValueError(f"variable {v}: value outside its own bounds")
        if self.hidden[v]:
            raise ValueError(f"variable {v} is already hidden")
        self.hidden[v] = True
        self.lo[v], self.hi[v] = lo, hi
        self._strict[v] = self._tighten(v, lo, hi)
        for direction in self.directions(v):
            tail, head = self.arc(v, direction)
            self.adj[tail].append((head, v, direction))
        for direction in _directions(value, lo, hi):
            tail, head = self.arc(v, direction)
            self._radj[tail].append((head, v, direction))

    def widen(self, v: int, lo: int, hi: int | None) -> None:
        """Loosen the bounds of hidden ``v`` (what the attacker knows of it became vaguer): arcs
        are only added, so every cycle found so far stays valid."""
        old_lo, old_hi = self.lo[v], self.hi[v]
        if not self.hidden[v] or lo > old_lo or (hi is not None and (old_hi is None or hi < old_hi)):
            raise ValueError(f"variable {v}: widening must loosen the bounds of a hidden variable")
        before = set(self.directions(v)), set(_directions(self.values[v], old_lo, old_hi))
        self.lo[v], self.hi[v] = lo, hi
        self._strict[v] = self._tighten(v, lo, hi)
        for direction in set(self.directions(v)) - before[0]:
            tail, head = self.arc(v, direction)
            self.adj[tail].append((head, v, direction))
        for direction in set(_directions(self.values[v], lo, hi)) - before[1]:
            tail, head = self.arc(v, direction)
            self._radj[tail].append((head, v, direction))

    def reveal(self, v: int) -> None:
        """Show hidden ``v`` again (it is on no cycle found so far, and will be on none later)."""
        if v in self.protected:
            raise ValueError(f"variable {v} is on a cycle already")
        self.hidden[v] = False
        for adjacency in (self.adj, self._radj):
            for node in {*self._arc[v]}:
                adjacency[node] = [arc for arc in adjacency[node] if arc[1] != v]

    def _tighten(self, v: int, lo: int, hi: int | None) -> tuple[int, int | None]:
        cap = self._cap_hi[v]
        if cap is not None:
            hi = cap if hi is None else min(hi, cap)
        return max(lo, self._cap_lo[v]), hi

    def directions(self, v: int) -> list[int]:
        """The unit changes a hidden ``v`` can take within its strict bounds."""
        lo, hi = self._strict[v]
        return _directions(self.values[v], lo, hi)

    def arc(self, v: int, direction: int) -> tuple[int, int]:
        tail, head = self._arc[v]
        return (tail, head) if direction > 0 else (head, tail)

    # -- protection ----------------------------------------------------------------------------

    def is_protected(self, v: int) -> bool:
        """True when hidden ``v`` is on a cycle: by the groups, by a search, or by a verified
        relaxed search."""
        if v in self.protected:
            return True
        for direction in self.directions(v):
            tail, head = self.arc(v, direction)
            if tail == head or self._groups.find(tail) == self._groups.find(head):
                self.protected.add(v)
                return True
        for direction in self.directions(v):
            tail, head = self.arc(v, direction)
            path = self._path(head, tail, v, stop_in_group=True)
            if path is not None:
                # the path ends in the group of ``tail``, which leads back to ``tail`` without ``v``
                self.record([(v, direction), *path])
                return True
        if self.has_capped:
            cycle = self.relaxed_cycle(v)
            if cycle is not None:
                self.protected.update(var for var, change in _net(cycle).items() if change)
                return True
        return False

    def cycle_through(self, v: int) -> list[Move] | None:
        """A verified cycle of unit moves of hidden variables that changes ``v`` (strict first)."""
        for direction in self.directions(v):
            tail, head = self.arc(v, direction)
            if tail == head:
                return [(v, direction)]
            path = self._path(head, tail, v)
            if path is not None:
                return [(v, direction), *path]
        return self.relaxed_cycle(v) if self.has_capped else None

    def record(self, cycle: Sequence[Move]) -> None:
        """Remember a strict cycle: its variables are protected, its nodes strongly connected."""
        for var, direction in cycle:
            self.protected.add(var)
            tail, head = self.arc(var, direction)
            self._groups.union(tail, head)

    def _path(self, source: int, target: int, without: int, stop_in_group: bool = False) -> list[Move] | None:
        """A shortest path of strict arcs avoiding ``without``, to ``target`` or (with
        ``stop_in_group``) to any node already strongly connected with it."""
        goal = self._groups.find(target) if stop_in_group else -1
        parent: dict[int, tuple[int, int, int]] = {}
        seen = {source}
        queue = deque([source])
        while queue:
            node = queue.popleft()
            for head, var, direction in self.adj[node]:
                if var == without or head in seen:
                    continue
                parent[head] = (node, var, direction)
                if head == target or (stop_in_group and self._groups.find(head) == goal):
                    return _unwind(parent, source, head)
                seen.add(head)
                queue.append(head)
        return None

    # -- the relaxed search --------------------------------------------------------------------

    def relaxed_cycle(self, v: int) -> list[Move] | None:
        """A closed walk through ``v`` in which members of capped lines may pass their total's
        value when the total moves with them, found breadth first over (node, arc in) states and
        kept only if :meth:`verify` accepts it."""
        value = self.values[v]
        for direction in _directions(value, self.lo[v], self.hi[v]):
            tail, head = self.arc(v, direction)
            if tail == head:
                if self.verify([(v, direction)]):
                    return [(v, direction)]
                continue
            start = (head, (v, direction))
            parent: dict[tuple[int, Move], tuple[int, Move] | None] = {start: None}
            queue = deque([start])
            while queue and len(parent) < RELAXED_BUDGET:
                state = queue.popleft()
                node, entering = state
                for nxt, var, step in self._radj[node]:
                    leaving = (var, step)
                    following = (nxt, leaving)
                    if var == v or following in parent or not self._pair_ok(node, entering, leaving):
                        continue
                    parent[following] = state
                    if nxt == tail and self._pair_ok(tail, leaving, (v, direction)):
                        walk = _unwind_states(parent, following)
                        if self.verify(walk):
                            return walk
                    queue.append(following)
        return None

    def _pair_ok(self, node: int, first: Move, second: Move) -> bool:
        """Whether passing a capped line with these two moves keeps every member at most its total."""
        if node == GROUND or not self.lines[node - 1].capped:
            return True
        line = self.lines[node - 1]
        total = line.totals[0]
        change = Counter({first[0]: 0, second[0]: 0})
        change[first[0]] += first[1]
        change[second[0]] += second[1]
        new_total = self.values[total] + change[total]
        if change[total] < 0:
            return all(self.values[m] + change[m] <= new_total for m in line.members)
        members = self._members[node]
        return all(self.values[m] + change[m] <= new_total for m in (first[0], second[0]) if m in members)

    def verify(self, moves: Sequence[Move]) -> bool:
        """Whether applying ``moves`` gives a table that agrees with every relation and bound: the
        hidden variables within the bounds the attacker knows, shown ones unchanged, every line
        balanced, every member of a capped line at most its total."""
        change = _net(moves)
        if not any(change.values()):
            return False
        lines: set[int] = set()
        for var, delta in change.items():
            if not delta:
                continue
            new = self.values[var] + delta
            hi = self.hi[var]
            if not self.hidden[var] or new < self.lo[var] or (hi is not None and new > hi):
                return False
            lines.update(self._nodes_of[var])
        for node in lines:
            line = self.lines[node - 1]
            members = sum(change[m] for m in line.members)
            if members != sum(change[t] for t in line.totals):
                return False
            if line.capped:
                total = self.values[line.totals[0]] + change[line.totals[0]]
                if any(self.values[m] + change[m] > total for m in line.members):
                    return False
        return True

    # -- repair --------------------------------------------------------------------------------

    def candidate_arcs(self, candidates: dict[int, Candidate]) -> CandidateArcs:
        """The strict arcs the candidates would add once hidden, by tail node, cheapest first."""
        adjacency: CandidateArcs = [[] for _ in range(self.n_nodes)]
        for var, cand in candidates.items():
            lo, hi = self._tighten(var, cand.lo, cand.hi)
            for direction in _directions(self.values[var], lo, hi):
                tail, head = self.arc(var, direction)
                adjacency[tail].append((head, var, direction, cand.cost))
        for arcs in adjacency:
            arcs.sort(key=lambda arc: arc[3])
        return adjacency

    def cheapest_cycle(self, v: int, adjacency: CandidateArcs) -> tuple[list[Move], int] | None:
        """The cheapest strict cycle through hidden ``v`` using hidden variables (free) and
        candidates (at their cost; ``adjacency`` from :meth:`candidate_arcs`), by Dijkstra from the
        head of ``v``'s arc back to its tail. ``None`` when hiding every candidate would not do."""
        best: tuple[list[Move], int] | None = None
        for direction in self.directions(v):
            tail, head = self.arc(v, direction)
            if tail == head:
                return [(v, direction)], 0
            found = self._dijkstra(head, tail, v, adjacency)
            if found is not None and (best is None or found[1] < best[1]):
                best = ([(v, direction), *found[0]], found[1])
        return best

    def _dijkstra(
        self, source: int, target: int, without: int, candidates: CandidateArcs
    ) -> tuple[list[Move], int] | None:
        dist = {source: 0}
        parent: dict[int, tuple[int, int, int]] = {}
        heap = [(0, source)]
        while heap:
            d, node = heapq.heappop(heap)
            if node == target:
                return _unwind(parent, source, target), d
            if d > dist[node]:
                continue
            for head, var, direction in self.adj[node]:
                if var != without and d < dist.get(head, d + 1):
                    dist[head] = d
                    parent[head] = (node, var, direction)
                    heapq.heappush(heap, (d, head))
            for head, var, direction, cost in candidates[node]:
                if var == without or self.hidden[var]:
                    continue  # a candidate hidden meanwhile has its arcs in self.adj
                nd = d + cost
                if nd < dist.get(head, nd + 1):
                    dist[head] = nd
                    parent[head] = (node, var, direction)
                    heapq.heappush(heap, (nd, head))
        return None


def _directions(value: int, lo: int, hi: int | None) -> list[int]:
    out = []
    if hi is None or value < hi:
        out.append(1)
    if value > lo:
        out.append(-1)
    return out


def _net(moves: Sequence[Move]) -> Counter[int]:
    change: Counter[int] = Counter()
    for var, direction in moves:
        change[var] += direction
    return change


def _increase_arc(found: list[tuple[int, int]]) -> tuple[int, int]:
    """The arc of a unit increase: from the node where it adds +1 to the node where it adds -1."""
    if not found:
        return GROUND, GROUND
    if len(found) == 1:
        node, sign = found[0]
        return (node, GROUND) if sign > 0 else (GROUND, node)
    if len(found) == 2:
        (u, su), (w, sw) = found
        if su != -sw:
            raise NotANetworkError("a variable has the same effective sign in both its lines")
        return (u, w) if su > 0 else (w, u)
    raise NotANetworkError("a variable is in more than two lines")


def _unwind(parent: dict[int, tuple[int, int, int]], source: int, target: int) -> list[Move]:
    moves: list[Move] = []
    node = target
    while node != source:
        previous, var, direction = parent[node]
        moves.append((var, direction))
        node = previous
    moves.reverse()
    return moves


def _unwind_states(
    parent: dict[tuple[int, Move], tuple[int, Move] | None], last: tuple[int, Move]
) -> list[Move]:
    moves: list[Move] = []
    state: tuple[int, Move] | None = last
    while state is not None:
        moves.append(state[1])
        state = parent[state]
    moves.reverse()  # the first state's move is v's own
    return moves
