"""Small-cell suppression of count tables: the one function every report, chart and export uses.

``suppress(table, threshold=5)`` takes a table of counts (rows of non-negative ints) and returns
what may be shown: each cell, each row and column total and the grand total, with ``None`` where
the value is hidden.

**Primary suppression.** Every count from 1 to ``threshold - 1`` is hidden, whether a cell or a
total. A 0 is shown: it says that nobody is in the cell, not who is.

**What a reader knows.** The shown cells and totals; that every count is a whole number; that
a hidden count is not 0 (zeros are always shown); and, where the page marks a small hidden
count "<5" and a complementary one apart (e.g. "x"), that a small one lies in 1..threshold−1 and
a complementary one is ≥ threshold. The marks cannot always be allowed: four cells "<5" in a
row whose total is "<5" must all be 1, whatever else is hidden. So the result says in
``distinguish_small`` whether the page may mark small values apart; where it is False (and
always at ``threshold == 2``, where "<2" would itself say "1") every hidden value must look the
same, and the reader knows only "≥ 1".

**Guarantee (secondary suppression).** For every hidden value, the tables of counts that agree
with everything the reader knows give it at least two different values: it cannot be worked
out, not even by combining rows, columns and totals. A reader who knows less (ignores the
marks, or only assumes "≥ 0") has at least as many possibilities. Nothing more is promised:
a reader may narrow a small value from 1..4 to, say, 1..2 (demanding the whole of 1..4 would
hide many more cells). As usual in statistical disclosure control, the reader is not assumed
to reason about which cells the algorithm would have chosen.

**Why the check is exact.** Write the table with its totals as an (m+1)×(n+1) table whose
margins carry the totals with a minus sign (the grand total with a plus): every row and column
then sums to zero. Changes that keep every shown value and every sum are exactly the cycles in
the bipartite graph of row and column lines whose edges are the hidden positions, with the
signs alternating along the cycle. A hidden value can change iff some such cycle through it
can move a little in one direction without any value on it leaving its known bounds, i.e. iff
its edge lies on a directed cycle of the "residual" graph (an edge row→column where the
position may grow, column→row where it may shrink). The constraint matrix is totally
unimodular, so two possible real values mean two possible whole counts.

**Heuristic (complementary suppression).**

1. Hide the small cells and totals. Try first to protect them from a reader of the marks; if
   that is impossible (a hidden value has no cycle even when every non-zero value is hidden),
   protect them from a reader who knows only "≥ 1", which is always possible.
2. For each hidden value that can still be worked out, find the cheapest directed path that
   closes a cycle through it (Dijkstra; a shown position costs 1 for a cell, 2 for a row or
   column total, 4 for the grand total, ties broken by the smallest sum of values) and hide the
   shown positions on it. Every value on that cycle can then move, and hiding more never
   makes a hidden value recoverable again.
3. Show again every complementary value (the most costly first) whose hiding turned out not to
   be needed, so that no single complementary value can be shown without breaking the
   guarantee. The result is locally minimal, not always the global minimum (which is
   NP-hard); a 3×3 table with one small cell hides exactly four cells, a rectangle.

The module is pure Python (no Django, no database) and fast enough for a dashboard: the
checks are graph searches over the table's rows and columns, not linear programs. The tests
audit it with linear programs (``scipy.optimize.linprog``).
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

Position = tuple[int, int]  # (row, column) in the table with totals: row m is the totals row

CELL_COST = 1
MARGIN_COST = 2  # a row or column total: it sums a whole line, so showing it is worth more
GRAND_TOTAL_COST = 4


@dataclass(frozen=True)
class Suppressed:
    """What may be shown of a table: the value, or ``None`` where hidden.

    ``small_*`` say which hidden values are themselves small; a hidden value that is not small
    was hidden to protect a small one. A shown value is never small. If ``distinguish_small``,
    a page may show small hidden values as "<5" and the others with a different mark (e.g.
    "x"), never as "<5"; if not, every hidden value must be shown with the same mark.
    """

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    total: int | None
    small_cells: tuple[tuple[bool, ...], ...]
    small_row_totals: tuple[bool, ...]
    small_column_totals: tuple[bool, ...]
    small_total: bool
    distinguish_small: bool


def suppress(table: Sequence[Sequence[int]], *, threshold: int = 5) -> Suppressed:
    """Hide the counts 1..threshold−1 and enough others that none can be worked out.

    Raises ``ValueError`` for ragged rows, a value that is not a non-negative ``int`` (``bool``
    is refused) or a threshold below 1. An empty table (no rows) has no cells and a shown
    grand total of 0.
    """
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValueError(f"threshold must be an int of at least 1, not {threshold!r}")
    rows = _validated(table)
    grid = _Grid(rows, threshold)
    hidden = _protect(grid)
    m, n = grid.m, grid.n

    def shown(position: Position) -> int | None:
        return None if position in hidden else grid.value[position]

    def small(position: Position) -> bool:
        return position in hidden and grid.is_small(position)

    return Suppressed(
        cells=tuple(tuple(shown((i, j)) for j in range(n)) for i in range(m)),
        row_totals=tuple(shown((i, n)) for i in range(m)),
        column_totals=tuple(shown((m, j)) for j in range(n)),
        total=shown((m, n)),
        small_cells=tuple(tuple(small((i, j)) for j in range(n)) for i in range(m)),
        small_row_totals=tuple(small((i, n)) for i in range(m)),
        small_column_totals=tuple(small((m, j)) for j in range(n)),
        small_total=small((m, n)),
        distinguish_small=grid.labelled,
    )


def _validated(table: Sequence[Sequence[int]]) -> list[list[int]]:
    if isinstance(table, (str, bytes)) or not isinstance(table, Sequence):
        raise ValueError("the table must be a sequence of rows")
    rows: list[list[int]] = []
    for row in table:
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
            raise ValueError("each row must be a sequence of counts")
        for value in row:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"a count must be a non-negative int, not {value!r}")
        rows.append(list(row))
    if rows and any(len(row) != len(rows[0]) for row in rows):
        raise ValueError("all rows must have the same number of cells")
    return rows


class _Grid:
    """The table with its totals as one (m+1)×(n+1) grid, and the reader's bounds."""

    def __init__(self, rows: list[list[int]], threshold: int) -> None:
        self.m = len(rows)
        self.n = len(rows[0]) if rows else 0
        self.threshold = threshold
        # Whether the reader may see small values marked apart; "<2" would say "1" (at
        # threshold 1 nothing is hidden, so it does not matter).
        self.labelled = threshold != 2
        m, n = self.m, self.n
        value: dict[Position, int] = {}
        for i, row in enumerate(rows):
            for j, count in enumerate(row):
                value[i, j] = count
            value[i, n] = sum(row)
        for j in range(n):
            value[m, j] = sum(row[j] for row in rows)
        value[m, n] = sum(value[i, n] for i in range(m))
        self.value = value
        self.nodes = (m + 1) + (n + 1)  # row lines first, then column lines

    def is_small(self, position: Position) -> bool:
        return 0 < self.value[position] < self.threshold

    def primary_hidden(self) -> set[Position]:
        return {position for position in self.value if self.is_small(position)}

    def cost(self, position: Position) -> tuple[int, int]:
        i, j = position
        if i == self.m and j == self.n:
            units = GRAND_TOTAL_COST
        elif i == self.m or j == self.n:
            units = MARGIN_COST
        else:
            units = CELL_COST
        return (units, self.value[position])

    def arcs(self, position: Position) -> list[tuple[int, int]]:
        """The residual arcs of a position if hidden: (from node, to node)."""
        i, j = position
        v = self.value[position]
        if self.labelled and self.is_small(position):
            can_grow, can_shrink = v < self.threshold - 1, v > 1
        elif self.labelled:
            can_grow, can_shrink = True, v > self.threshold
        else:
            can_grow, can_shrink = True, v > 1
        # A total sits in the zero-sum grid with a minus sign (the grand total with a plus).
        margin = (i == self.m) != (j == self.n)
        up, down = (can_shrink, can_grow) if margin else (can_grow, can_shrink)
        row_node, column_node = i, self.m + 1 + j
        result = []
        if up:
            result.append((row_node, column_node))
        if down:
            result.append((column_node, row_node))
        return result

    def can_move(self, position: Position, hidden: set[Position]) -> bool:
        """Whether a hidden position has two possible values, given the other hidden ones."""
        others: list[list[int]] = [[] for _ in range(self.nodes)]
        for other in hidden:
            if other != position:
                for start, end in self.arcs(other):
                    others[start].append(end)
        for start, end in self.arcs(position):
            # A cycle through the arc start→end is a path back from end to start.
            seen = {end}
            stack = [end]
            while stack:
                node = stack.pop()
                if node == start:
                    return True
                for following in others[node]:
                    if following not in seen:
                        seen.add(following)
                        stack.append(following)
        return False

    def all_protected(self, hidden: set[Position]) -> bool:
        return all(self.can_move(position, hidden) for position in hidden)

    def cheapest_cycle(self, position: Position, hidden: set[Position]) -> list[Position] | None:
        """The shown positions to hide so that ``position`` lies on a movable cycle."""
        arcs: list[list[tuple[int, Position]]] = [[] for _ in range(self.nodes)]
        for other, count in self.value.items():
            if other == position or (other not in hidden and count == 0):
                continue
            for start, end in self.arcs(other):
                arcs[start].append((end, other))
        best: tuple[tuple[int, int], list[Position]] | None = None
        for start, end in self.arcs(position):
            found = self._shortest_path(arcs, end, start, hidden)
            if found is not None and (best is None or found[0] < best[0]):
                best = found
        return None if best is None else best[1]

    def _shortest_path(
        self,
        arcs: list[list[tuple[int, Position]]],
        source: int,
        target: int,
        hidden: set[Position],
    ) -> tuple[tuple[int, int], list[Position]] | None:
        """Dijkstra over lexicographic (units, values) costs; hidden positions cost nothing."""
        best: dict[int, tuple[int, int]] = {source: (0, 0)}
        previous: dict[int, tuple[int, Position]] = {}
        queue: list[tuple[tuple[int, int], int]] = [((0, 0), source)]
        done: set[int] = set()
        while queue:
            cost, node = heapq.heappop(queue)
            if node in done:
                continue
            done.add(node)
            if node == target:
                path: list[Position] = []
                while node != source:
                    node, via = previous[node]
                    if via not in hidden:
                        path.append(via)
                return cost, path
            for following, via in arcs[node]:
                step = (0, 0) if via in hidden else self.cost(via)
                total = (cost[0] + step[0], cost[1] + step[1])
                if following not in best or total < best[following]:
                    best[following] = total
                    previous[following] = (node, via)
                    heapq.heappush(queue, (total, following))
        return None


def _protect(grid: _Grid) -> set[Position]:
    """The hidden positions (steps 1 to 3 of the module docstring); sets ``grid.labelled``."""
    primary = grid.primary_hidden()
    if grid.labelled:
        hidden = _complemented(grid, primary)
        if hidden is not None:
            return hidden
        grid.labelled = False
    hidden = _complemented(grid, primary)
    if hidden is None:  # pragma: no cover
        # Unreachable: without marks every hidden value may grow, so the cycle through a
        # small value, a non-zero cell of its line, its row and column totals and the grand
        # total always moves.
        raise RuntimeError("no complementary suppression found")
    return hidden


def _complemented(grid: _Grid, primary: set[Position]) -> set[Position] | None:
    """Complementary suppression for the grid's reader, or None where none exists."""
    hidden = set(primary)
    for position in sorted(primary):
        if grid.can_move(position, hidden):
            continue
        path = grid.cheapest_cycle(position, hidden)
        if path is None:
            return None
        hidden.update(path)
    complements = sorted(hidden - primary, key=grid.cost, reverse=True)
    for position in complements:
        hidden.discard(position)
        if not grid.all_protected(hidden):
            hidden.add(position)
    return hidden
