"""One function over many workbooks, several at once, so that a file whose reading crashes its
process cannot take the others down (validate --jobs, collect --jobs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def run_batch(func: Callable[[Item], Result], items: list[Item], jobs: int, crashed: Callable[[Item], Result],
              broke: Callable[[Item, Exception], Result], tick: Callable[[], None] = lambda: None) -> list[Result]:
    """`func` over `items`, results in order. Several items run in worker processes; those a broken
    pool left undone run again one by one, and one that breaks its own process gets `crashed(item)`;
    a result that cannot come back from its worker gets `broke(item, error)`. `tick` after each."""
    if len(items) == 1:
        return [func(items[0])]
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    results: dict[int, Result] = {}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(func, item): i for i, item in enumerate(items)}
        for future in as_completed(futures):
            tick()
            try:
                results[futures[future]] = future.result()
            except BrokenProcessPool:
                continue  # run again alone below
            except Exception as exc:
                results[futures[future]] = broke(items[futures[future]], exc)
    for i in sorted(set(range(len(items))) - set(results)):
        with ProcessPoolExecutor(max_workers=1) as alone:
            try:
                results[i] = alone.submit(func, items[i]).result()
            except BrokenProcessPool:
                results[i] = crashed(items[i])
    return [results[i] for i in range(len(items))]
