"""Render a benchmark run as Markdown and put it into docs/benchmarks.md between markers.

The page keeps its hand-written text; a run replaces only the block between
`<!-- bench:SECTION:start -->` and `<!-- bench:SECTION:end -->`, and is
appended at the end when the page has no such block yet.
"""

import argparse
import json
import re
import sys
from pathlib import Path

from bench.requests import ENDPOINTS

# Targets, as fractions of the floor's requests per second (one worker).
FLOOR_SHARE_TARGETS = {"list": 0.50, "status": 0.60, "post": 0.25}
P99_TARGET_MS = 20.0
RSS_TARGET_MIB = 120.0
SIZE_COST_TARGET = 1.2
# The soak counts as flat when the RSS after the last chunk is at most this
# much above the RSS after the first chunk (which has warmed the caches).
FLAT_TOLERANCE_MIB = 5.0
SOAK_ROW_REQUESTS = 10_000
# The worker's main thread waits in `jobriver serve`'s call into granian for
# the whole run; its frames say nothing about the requests.
IDLE_PROJECT_FRAMES = ("(jobriver/cli.py)",)


def _ms(microseconds: float) -> float:
    return microseconds / 1000


def _fmt(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def _ratio(numerator: float, denominator: float, digits: int = 2) -> str:
    return f"{numerator / denominator:.{digits}f}" if denominator else "n/a"


def _size_table(size: dict) -> list[str]:
    endpoints = size["endpoints"]
    floor = endpoints["floor"]
    lines = [
        "| Endpoint | req/s | × floor | p50 ms | × floor | p99 ms | × floor | failed | max RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for endpoint in ENDPOINTS:
        result = endpoints.get(endpoint.slug)
        if result is None:
            continue
        p50, p99 = _ms(result["latency_us"]["p50"]), _ms(result["latency_us"]["p99"])
        floor_p50, floor_p99 = _ms(floor["latency_us"]["p50"]), _ms(floor["latency_us"]["p99"])
        lines.append(
            f"| {endpoint.name} | {_fmt(result['rps'], 0)} | {_ratio(result['rps'], floor['rps'])} "
            f"| {_fmt(p50, 2)} | {_ratio(p50, floor_p50, 1)} | {_fmt(p99, 2)} | {_ratio(p99, floor_p99, 1)} "
            f"| {result['failed']} | {_fmt(max(result['rss_max_mib'].values()))} |"
        )
    return lines


def _cost_rows(sizes: dict, small: str, large: str) -> tuple[list[str], list[tuple[str, bool, str]]]:
    lines = [
        f"| Endpoint | req/s {small} | req/s {large} | cost {large} / {small} | p50 {large} / {small} |",
        "|---|---:|---:|---:|---:|",
    ]
    verdicts = []
    for endpoint in ENDPOINTS:
        first = sizes[small]["endpoints"].get(endpoint.slug)
        second = sizes[large]["endpoints"].get(endpoint.slug)
        if first is None or second is None:
            continue
        # Cost per request at a fixed number of connections: the inverse of the throughput.
        ratio = first["rps"] / second["rps"] if second["rps"] else float("inf")
        lines.append(
            f"| {endpoint.name} | {_fmt(first['rps'], 0)} | {_fmt(second['rps'], 0)} | {ratio:.2f} "
            f"| {_ratio(second['latency_us']['p50'], first['latency_us']['p50'])} |"
        )
        if endpoint.slug != "floor":
            verdicts.append(
                (f"{endpoint.name}: cost at {large} ≤ {SIZE_COST_TARGET}× {small}", ratio <= SIZE_COST_TARGET,
                 f"{ratio:.2f}×")
            )
    return lines, verdicts


def _soak_lines(soak: dict) -> tuple[list[str], bool]:
    samples = soak["samples"]
    pids = sorted(samples[0]["rss_mib"], key=int)
    header = "| Requests | " + " | ".join(f"worker {number} RSS MiB" for number in range(1, len(pids) + 1)) + " |"
    lines = [header, "|---:|" + "---:|" * len(pids)]
    # One row per SOAK_ROW_REQUESTS requests, and the first and the last sample.
    shown = [samples[0]]
    for sample in samples[1:-1]:
        if sample["requests"] // SOAK_ROW_REQUESTS > shown[-1]["requests"] // SOAK_ROW_REQUESTS:
            shown.append(sample)
    shown.append(samples[-1])
    for sample in shown:
        values = " | ".join(_fmt(sample["rss_mib"][pid]) for pid in pids)
        lines.append(f"| {sample['requests']:,} | {values} |")
    first, last = samples[1] if len(samples) > 1 else samples[0], samples[-1]
    growth = max(last["rss_mib"][pid] - first["rss_mib"][pid] for pid in pids)
    flat = growth <= FLAT_TOLERANCE_MIB
    lines.append("")
    lines.append(
        f"Growth from {first['requests']:,} to {last['requests']:,} requests: {growth:+.1f} MiB "
        f"({'flat' if flat else 'not flat'}: the tolerance is {FLAT_TOLERANCE_MIB} MiB)."
    )
    return lines, flat


def _profile_lines(profiles: dict) -> list[str]:
    lines = []
    for slug, profile in profiles.items():
        name = next(endpoint.name for endpoint in ENDPOINTS if endpoint.slug == slug)
        lines += [
            "",
            f"**{name}** ({profile['samples']:,} samples of worker 1's threads). The project's functions by the "
            "share of samples in which they are on the stack:",
            "",
            "| Function | share |",
            "|---|---:|",
        ]
        for frame, share in profile["project"]:
            if not frame.endswith(IDLE_PROJECT_FRAMES):
                lines.append(f"| `{frame}` | {share:.0%} |")
        lines.append("")
        lines.append("Innermost frames: " + ", ".join(f"`{frame}` {share:.0%}" for frame, share in profile["self"][:6]))
    return lines


def render(run: dict) -> str:
    """Return the Markdown block of one run."""
    meta = run["meta"]
    sizes = run["sizes"]
    lines = [
        f"Run of {meta['date']}: `{meta['command']}`",
        "",
        "| | |",
        "|---|---|",
        f"| Machine | {meta['cpu']}, {meta['cores']} cores, {meta['memory_gib']:.1f} GiB RAM, Linux {meta['kernel']} |",
        f"| Database | {meta['database']} |",
        f"| Server | `jobriver serve --workers {meta['workers']} --threads {meta['threads']}` (granian {meta['granian']}), "
        f"log level {meta['log_level']} |",
        f"| Software | Python {meta['python']}, Django {meta['django']}, django-ninja {meta['ninja']} |",
        f"| Load | {meta['wrk']}, {meta['wrk_threads']} thread, {meta['connections']} connections, "
        f"{meta['duration']} s per endpoint after {meta['warmup']} s of warm-up |",
        f"| Commit | {meta['commit']} |",
        "",
    ]
    verdicts: list[tuple[str, bool, str]] = []
    for label, size in sizes.items():
        lines += [f"#### {size['description']}", ""]
        lines += _size_table(size)
        lines.append("")
        endpoints = size["endpoints"]
        floor = endpoints["floor"]["rps"]
        for slug, share in FLOOR_SHARE_TARGETS.items():
            if slug in endpoints:
                actual = endpoints[slug]["rps"] / floor if floor else 0.0
                verdicts.append((f"{label}: {slug} ≥ {share:.0%} of the floor's req/s", actual >= share, f"{actual:.0%}"))
        for endpoint in ENDPOINTS:
            if endpoint.read and endpoint.slug != "floor" and endpoint.slug in endpoints:
                p99 = _ms(endpoints[endpoint.slug]["latency_us"]["p99"])
                verdicts.append((f"{label}: {endpoint.name} p99 ≤ {P99_TARGET_MS:.0f} ms", p99 <= P99_TARGET_MS,
                                 f"{p99:.1f} ms"))
        peak = max(size["peak_rss_mib"].values())
        verdicts.append((f"{label}: peak RSS per worker ≤ {RSS_TARGET_MIB:.0f} MiB", peak <= RSS_TARGET_MIB,
                         f"{peak:.1f} MiB"))

    labels = list(sizes)
    if len(labels) >= 2:
        small, large = labels[0], labels[-1]
        cost_lines, cost_verdicts = _cost_rows(sizes, small, large)
        lines += [f"#### Cost at {large} against {small}", ""] + cost_lines + [""]
        verdicts += cost_verdicts

    if run.get("soak"):
        soak = run["soak"]
        soak_lines, flat = _soak_lines(soak)
        lines += [f"#### Memory over {soak['requests']:,} requests ({soak['size']}, mixed reads)", ""]
        lines += soak_lines + [""]
        verdicts.append((f"memory flat over {soak['requests']:,} requests", flat, "see above"))

    lines += ["#### Targets", "", "| Target | Result | Met |", "|---|---:|---|"]
    for name, met, figure in verdicts:
        lines.append(f"| {name} | {figure} | {'yes' if met else '**no**'} |")

    if run.get("profiles"):
        lines += ["", f"#### Profiles ({run['profile_size']}, py-spy)"] + _profile_lines(run["profiles"])
    return "\n".join(lines) + "\n"


def write_section(page: Path, section: str, block: str) -> None:
    """Replace the block of `section` in `page`, or append it, creating the page if needed."""
    start, end = f"<!-- bench:{section}:start -->", f"<!-- bench:{section}:end -->"
    text = page.read_text() if page.exists() else "# Benchmarks\n"
    replacement = f"{start}\n{block}{end}"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _match: replacement, text)
    else:
        text = text.rstrip("\n") + f"\n\n{replacement}\n"
    page.write_text(text)


def main(argv: list[str] | None = None) -> int:
    """Render a run's run.json into the page again, for example after a change to this module."""
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=main.__doc__)
    parser.add_argument("run", type=Path, help="run.json of a run, in bench/.cache/results/<time>/")
    parser.add_argument("--section", required=True, help="name of the block in the page to replace")
    parser.add_argument("--output", type=Path, default=Path("docs/benchmarks.md"), help="Markdown page to write")
    args = parser.parse_args(argv)
    write_section(args.output, args.section, render(json.loads(args.run.read_text())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
