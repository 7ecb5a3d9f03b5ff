"""Circles in an import graph, whatever language it was read from.

A graph maps each file to the files it imports (a set, or a dict whose keys are the files).
`circles(graph)` finds the sets of files that reach themselves through imports (strongly
connected sets of more than one file, Tarjan's algorithm, iterative so a deep graph needs no
recursion); `paths_through(graph, circle)` spells such a set as closed paths of files, a
shortest one through each file of the set until every file stands in one."""

from __future__ import annotations

from collections import deque
from typing import Iterable, Mapping

Graph = Mapping[str, Iterable[str]]


def circles(graph: Graph) -> list[list[str]]:
    """The sets of more than one file that reach themselves, each sorted, in file order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        # Each frame: a file and the imports of it still to visit.
        frames = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while frames:
            v, pending = frames[-1]
            w = next((w for w in pending if w in graph), None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    frames.append((w, iter(sorted(graph[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            frames.pop()
            if frames:
                parent = frames[-1][0]
                low[parent] = min(low[parent], low[v])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def shortest_cycle(graph: Graph, start: str, within: set[str]) -> list[str]:
    """The shortest closed path from `start` back to it through files of `within`
    (breadth first), as [start, ..., start]; empty when there is none."""
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        v = queue.popleft()
        for w in sorted(graph[v]):
            if w not in within:
                continue
            if w == start:
                back = [v]
                while back[-1] != start:
                    back.append(came_from[back[-1]])
                return back[::-1] + [start]
            if w not in came_from:
                came_from[w] = v
                queue.append(w)
    return []


def paths_through(graph: Graph, circle: list[str]) -> list[list[str]]:
    """Closed paths of files that together pass through every file of `circle`."""
    members = set(circle)
    covered: set[str] = set()
    out: list[list[str]] = []
    for rel in circle:
        if rel in covered:
            continue
        path = shortest_cycle(graph, rel, members)
        covered.update(path)
        out.append(path)
    return out
