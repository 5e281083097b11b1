#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Merges `vrtc bench --json` and `node bench/peers/run.mjs` output into one table.

    bench/report.py OURS.jsonl PEERS.jsonl

Prints a Markdown table: workload, what, size, our figure, each peer's figure with the
ratio, target, pass/miss. The ratio "(N×)" is how many times better vrtc is than that
peer (peer time / our time, our rate / peer rate, peer memory / our memory); below 1
means the peer is better. Caveats of a peer figure (smaller size, one run, n/a) are
footnotes. Only the standard library is used.
"""

import json
import sys

PEERS = [("yjs", "Yjs"), ("automerge", "Automerge"), ("loro", "Loro")]


def load(path):
    rows = []
    if path is None:
        return rows
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    try:
                        rows.append(json.loads(line))
                    except json.JSONDecodeError:
                        pass
    except OSError as e:
        print(f"report: {path}: {e.strerror}", file=sys.stderr)
    return rows


def fmt(value, unit):
    if value is None:
        return "n/a"
    if unit == "bool":
        return "yes" if value >= 1 else "**NO**"
    if unit == "msg/s":
        if value >= 1e6:
            return f"{value / 1e6:.2f} M/s"
        if value >= 1e3:
            return f"{value / 1e3:.1f} k/s"
        return f"{value:.0f} /s"
    if unit == "us":
        unit = "µs"
    if abs(value) >= 100:
        return f"{value:,.0f} {unit}"
    if abs(value) >= 10:
        return f"{value:.1f} {unit}"
    return f"{value:.3g} {unit}"


def ratio(ours, peer, better):
    if ours is None or peer is None or ours <= 0 or peer <= 0:
        return None
    if better == "higher":
        return ours / peer
    if better == "lower":
        return peer / ours
    return None


def fmt_ratio(r):
    if r is None:
        return ""
    if r >= 100:
        return f" ({r:,.0f}×)"
    if r >= 10:
        return f" ({r:.0f}×)"
    return f" ({r:.2g}×)"


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    ours = load(argv[1])
    peers = load(argv[2] if len(argv) > 2 else None)

    machine = next((r for r in ours if r.get("metric") == "machine"), {})
    pmachine = next((r for r in peers if r.get("metric") == "machine"), {})
    versions = {r["impl"]: r.get("version") for r in peers if r.get("metric") == "version"}
    missing = {r["impl"]: r.get("note", "") for r in peers if r.get("status") == "not installed"}
    by_key = {(r.get("impl"), r.get("metric")): r for r in peers}

    head = [f"Machine: {machine.get('cpu', '?')}, {machine.get('nproc', '?')} cores (nproc)"]
    if pmachine:
        head.append(f"node {pmachine.get('node', '?')}")
    for impl, name in PEERS:
        if impl in missing:
            head.append(f"{name} not installed")
        elif impl in versions:
            head.append(f"{name} {versions[impl]}")
    def span(start, rows):
        end = next((r.get("loadavg_end") for r in rows if r.get("metric") == "loadavg"), None)
        return f"{start or '?'} → {end or '?'}"
    if machine.get("loadavg_start"):
        text = f"load average (1, 5, 15 min) during vrtc's run {span(machine.get('loadavg_start'), ours)}"
        if pmachine.get("loadavg_start"):
            text += f", during the peers' run {span(pmachine.get('loadavg_start'), peers)}"
        head.append(text)
    if machine.get("quick"):
        head.append("**--quick sizes: targets not judged**")
    print("; ".join(head) + ".")
    print()

    cols = ["", "what", "size", "vrtc"] + [name for _, name in PEERS] + ["target", ""]
    print("| " + " | ".join(cols) + " |")
    print("|" + "|".join(["---"] * 3 + ["--:"] * (1 + len(PEERS)) + ["---", "---"]) + "|")

    notes = []          # footnote texts, in order
    note_index = {}

    def footnote(text):
        if text not in note_index:
            notes.append(text)
            note_index[text] = len(notes)
        return f"<sup>{note_index[text]}</sup>"

    rss = []
    summary = []
    for r in ours:
        metric = r.get("metric", "")
        if metric == "machine" or "label" not in r:
            continue
        if metric.startswith("rss."):
            rss.append(f"{metric[4:]} {fmt(r.get('value'), 'MB')}")
            continue
        unit = r.get("unit", "")
        better = r.get("better", "none")
        value = r.get("value")
        cells = [r["workload"], r["label"], r.get("size", ""), fmt(value, unit)]
        ratios = {}
        for impl, name in PEERS:
            if impl in missing:
                cells.append("not installed")
                continue
            p = by_key.get((impl, metric))
            if p is None:
                cells.append("")
                continue
            pv = p.get("value")
            rr = ratio(value, pv, better) if unit != "bool" else None
            ratios[impl] = rr
            text = fmt(pv, unit) + fmt_ratio(rr)
            caveat = p.get("caveat")
            if p.get("size") and p.get("size") != r.get("size") and unit != "bool":
                caveat = f"{name}: size {p['size']}" + (f"; {caveat}" if caveat else "")
            elif caveat:
                caveat = f"{name}: {caveat}"
            if caveat:
                text += footnote(caveat)
            cells.append(text)

        target = r.get("target", "")
        verdict = ""
        if target:
            target = target.replace(">=", "≥").replace("<=", "≤").replace(" us", " µs")
            if unit == "bool":
                target = "yes"
            ok = r.get("pass")
            peer = r.get("ratio_target_peer")
            if peer:
                need = r.get("ratio_target_min")
                target += f" and ≥ {need:g}× {dict(PEERS).get(peer, peer)}"
                rr = ratios.get(peer)
                if ok is not None:
                    ok = ok and rr is not None and rr >= need
            if ok is None:
                verdict = "(quick)" if machine.get("quick") else ""
            elif ok:
                verdict = "pass"
            else:
                tv = r.get("target_value")
                by = ""
                if value and tv and unit != "bool":
                    f = value / tv if r.get("target_op") == "<=" else tv / value
                    if f > 1:
                        by = f" ({f:.1f}× off)"
                if peer and ratios.get(peer) is not None and ratios[peer] < need:
                    by += f" ({ratios[peer]:.1f}× {dict(PEERS).get(peer, peer)})"
                verdict = f"**MISS**{by}"
            summary.append((r["workload"], r["label"], verdict))
        cells += [target, verdict]
        print("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")

    print()
    print("(N×): how many times better vrtc is than that peer in this run (peer time / our time, "
          "our rate / peer rate, peer memory / our memory); below 1 the peer is better.")
    if rss:
        print()
        print("Peak RSS of each workload's own process (vrtc): " + ", ".join(rss) + ".")
    if notes:
        print()
        for i, text in enumerate(notes, 1):
            print(f"{i}. {text}")
    for impl, why in missing.items():
        print(f"- {impl}: not installed ({why})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
