#!/usr/bin/env python3
"""Turns one benchmarks/run.sh run into a table, ratios, a Markdown report and an SVG chart.

usage: report.py WORKDIR OUTPUT_PREFIX MACHINE COMMAND
WORKDIR holds the load test reports (<system>.json), pgbench.tsv (clients, tps) and memory.txt (bytes per grain).
"""
import json
import os
import sys

work, prefix, machine, command = sys.argv[1:5]

SYSTEMS = [
    ("milestones-pg", "Milestones (PostgreSQL)", "#1f77b4"),
    ("baseline", "Baseline (ASP.NET Core + Npgsql, row locks)", "#d62728"),
    ("milestones-sqlite", "Milestones (embedded SQLite)", "#2ca02c"),
]


def load(name):
    path = os.path.join(work, name + ".json")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        report = json.load(f)
    return [(l["concurrency"], l["opsPerSecond"], l["p50Ms"], l["p95Ms"], l["p99Ms"], l["maxMs"], l.get("errors", 0), l.get("errorsByCode", {}))
            for l in report["levels"]]


def best(levels):
    return max(levels, key=lambda l: l[1]) if levels else None


runs = {name: load(name) for name, _, _ in SYSTEMS}
hot = load("milestones-pg-hot")
baseline_hot = load("baseline-hot")
pgbench = []
with open(os.path.join(work, "pgbench.tsv")) as f:
    for line in f:
        c, tps = line.split("\t")
        if tps.strip():
            pgbench.append((int(c), float(tps)))
memory = open(os.path.join(work, "memory.txt")).read().strip() if os.path.exists(os.path.join(work, "memory.txt")) else ""

rows = ["| system | concurrency | fundings/s | p50 ms | p95 ms | p99 ms | max ms | errors |", "|---|---:|---:|---:|---:|---:|---:|---|"]
for name, label, _ in SYSTEMS:
    for c, ops, p50, p95, p99, mx, errors, codes in runs[name]:
        detail = ", ".join(f"{k}: {v}" for k, v in codes.items()) if errors else "0"
        rows.append(f"| {label} | {c} | {ops:,.0f} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {mx:.1f} | {detail} |")
for label, levels in (("Milestones (PostgreSQL), one hot client", hot), ("Baseline, one hot client", baseline_hot)):
    for c, ops, p50, p95, p99, mx, errors, codes in levels:
        rows.append(f"| {label} | {c} | {ops:,.0f} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {mx:.1f} | {errors} |")
for c, tps in pgbench:
    rows.append(f"| pgbench single-row upsert (ceiling) | {c} | {tps:,.0f} | | | | | |")

ms, bl, pgb = best(runs["milestones-pg"]), best(runs["baseline"]), max((t for _, t in pgbench), default=0)
ms64 = next((l for l in runs["milestones-pg"] if l[0] == 64), ms)
ratios = []
if ms and bl:
    ratios.append(f"- Milestones ÷ baseline, fundings/s at each one's best concurrency: **{ms[1] / bl[1]:.2f}** "
                  f"({ms[1]:,.0f} at {ms[0]} vs {bl[1]:,.0f} at {bl[0]}; target ≥ 2)")
if ms and pgb:
    ratios.append(f"- Milestones ÷ pgbench ceiling: **{ms[1] / pgb:.2f}** ({ms[1]:,.0f} vs {pgb:,.0f}; target ≥ 0.5)")
if ms:
    # The measured level nearest to half of the peak (with one level, that is the peak itself).
    half = min(runs["milestones-pg"], key=lambda l: abs(l[1] - ms[1] / 2))
    ratios.append(f"- p99 at about half of the peak: **{half[4]:.1f} ms** ({half[1]:,.0f} fundings/s at {half[0]}, "
                  f"peak {ms[1]:,.0f}; target < 50 ms)")
if hot and ms64:
    ratios.append(f"- hot client ÷ many clients (concurrency 64): **{hot[0][1] / ms64[1]:.2f}** ({hot[0][1]:,.0f} vs {ms64[1]:,.0f}; target ≥ 0.5)")
if memory:
    ratios.append(f"- memory per activated contract grain: **{int(memory):,} bytes**")

# The chart: fundings/s against concurrency, one line per system.
W, H, L, B, T, R = 720, 420, 70, 50, 30, 250
series = [(label, color, [(c, ops) for c, ops, *_ in runs[name]]) for name, label, color in SYSTEMS]
series.append(("pgbench single-row upsert", "#7f7f7f", pgbench))
xs = sorted({c for _, _, pts in series for c, _ in pts}) or [1]
ymax = max([y for _, _, pts in series for _, y in pts] + [1]) * 1.1


def px(c):
    return L + (xs.index(c) + 0.5) * (W - L - R) / len(xs)


def py(y):
    return H - B - y / ymax * (H - B - T)


svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="{L}" y="18" font-size="14">Durable fundings per second against concurrency</text>',
       f'<line x1="{L}" y1="{H - B}" x2="{W - R}" y2="{H - B}" stroke="black"/>',
       f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H - B}" stroke="black"/>',
       f'<text x="{(L + W - R) / 2}" y="{H - 12}" text-anchor="middle">requests in flight</text>']
for c in xs:
    svg.append(f'<text x="{px(c):.0f}" y="{H - B + 16}" text-anchor="middle">{c}</text>')
for i in range(6):
    y = ymax / 1.1 * i / 5
    svg.append(f'<text x="{L - 6}" y="{py(y) + 4:.0f}" text-anchor="end">{y:,.0f}</text>')
    svg.append(f'<line x1="{L}" y1="{py(y):.0f}" x2="{W - R}" y2="{py(y):.0f}" stroke="#eee"/>')
for i, (label, color, pts) in enumerate(series):
    pts = sorted(pts)
    if len(pts) > 1:
        path = " ".join(f"{px(c):.1f},{py(y):.1f}" for c, y in pts)
        svg.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
    for c, y in pts:
        svg.append(f'<circle cx="{px(c):.1f}" cy="{py(y):.1f}" r="4" fill="{color}"/>')
    svg.append(f'<rect x="{W - R + 12}" y="{T + i * 22}" width="12" height="12" fill="{color}"/>')
    svg.append(f'<text x="{W - R + 30}" y="{T + i * 22 + 11}">{label}</text>')
svg.append("</svg>")
with open(prefix + ".svg", "w") as f:
    f.write("\n".join(svg))

name = os.path.basename(prefix)
md = [f"# Benchmark {name}", "", f"Command: `{command}`", f"Machine: {machine}", "",
      "Fundings are `POST /v1/contracts/{id}/milestones/m1/fund` of ready contracts over HTTP (benchmarks/LoadTest), "
      "each a durable, exactly-once hold; the pgbench ceiling is one single-row upsert per transaction at the same "
      "client counts, on the same PostgreSQL (synchronous commit on).", "", *rows, "", *ratios, "", f"![fundings/s]({name}.svg)", ""]
with open(prefix + ".md", "w") as f:
    f.write("\n".join(md))

print("\n".join(rows))
print()
print("\n".join(ratios))
print(f"results: {prefix}.md")
if ms and bl:
    print(f"ratio milestones/baseline fundings/s: {ms[1] / bl[1]:.2f}")
