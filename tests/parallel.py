"""Sending requests in parallel, so that they overlap in the servers' workers.

Each thread sends one request through its own HTTP client, and a barrier
releases the threads together.
"""

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.conftest import make_client, next_source_address


def send_parallel(
    urls: tuple[str, ...],
    count: int,
    key: str | None,
    send: Callable[[httpx.Client, int], httpx.Response],
    source: str | None = None,
) -> list[httpx.Response]:
    """Send `count` requests at once, request i to urls[i % len(urls)], all from one source address."""
    source = source or next_source_address()
    barrier = threading.Barrier(count)

    def run(index: int) -> httpx.Response:
        with make_client(urls[index % len(urls)], key=key, source=source) as client:
            barrier.wait()
            response = send(client, index)
            response.read()
            return response

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def outcome_counts(responses: list[httpx.Response]) -> Counter:
    """Count the responses by status for successes and by error code for failures."""
    return Counter(
        response.status_code if response.status_code < 300 else response.json()["error"]["code"]
        for response in responses
    )
