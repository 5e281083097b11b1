#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs `vrtc replay` on the cases of tests/vectors/replay/cases.json, as TAP.

Usage: test-replay.py VRTC VECTORS_DIR DATA_DIR

A case is an object:
  name      what the TAP line says
  args      arguments after `vrtc`; "@DATA@" stands for DATA_DIR
  stdin     (optional) a file in VECTORS_DIR given on standard input
  expect    (optional) a file in VECTORS_DIR: the graph JSON stdout must equal (as JSON values)
  same_as   (optional) the name of an earlier case whose stdout this one must equal byte for byte
  status    (optional, default 0) the exit status
  stderr    (optional) a regular expression stderr must match (from its start); without it,
            stderr must be empty
  stdout    (optional) a regular expression stdout must match (for --help and --version)

Commands run in VECTORS_DIR, so the file names in error messages are the ones in args.
A successful replay must print one line of canonical JSON: sorted object keys, then "\\n".
"""

import json
import os
import re
import subprocess
import sys


def sorted_pairs(pairs):
    keys = [k for k, _ in pairs]
    if keys != sorted(keys, key=lambda k: k.encode("utf-8")):
        raise ValueError("object keys are not sorted: %r" % keys)
    return dict(pairs)


def check(case, vrtc, vectors, data, outputs):
    args = [a.replace("@DATA@", data) for a in case["args"]]
    stdin = None
    if "stdin" in case:
        with open(os.path.join(vectors, case["stdin"]), "rb") as f:
            stdin = f.read()
    proc = subprocess.run([vrtc] + args, input=stdin, capture_output=True, cwd=vectors,
                          timeout=60)
    out = proc.stdout.decode("utf-8")
    err = proc.stderr.decode("utf-8")
    outputs[case["name"]] = proc.stdout
    problems = []

    if proc.returncode != case.get("status", 0):
        problems.append("exit status %d, expected %d" % (proc.returncode, case.get("status", 0)))
    if "stderr" in case:
        if not re.match(case["stderr"], err):
            problems.append("stderr %r does not match %r" % (err, case["stderr"]))
    elif err:
        problems.append("unexpected stderr %r" % err)
    if "stdout" in case and not re.match(case["stdout"], out, re.S):
        problems.append("stdout %r does not match %r" % (out[:300], case["stdout"]))
    if case.get("status", 0) != 0 and out:
        problems.append("stdout must be empty on failure, got %r" % out[:300])

    if "expect" in case:
        if not out.endswith("\n") or "\n" in out[:-1]:
            problems.append("stdout is not one line ending in a newline")
        try:
            got = json.loads(out, object_pairs_hook=sorted_pairs)
            with open(os.path.join(vectors, case["expect"]), encoding="utf-8") as f:
                want = json.load(f)
            if got != want:
                problems.append("graph differs from %s:\n  got  %s\n  want %s" % (
                    case["expect"], json.dumps(got, sort_keys=True, ensure_ascii=False),
                    json.dumps(want, sort_keys=True, ensure_ascii=False)))
        except ValueError as e:
            problems.append("bad JSON on stdout: %s" % e)

    if "same_as" in case and proc.stdout != outputs.get(case["same_as"]):
        problems.append("stdout differs from case %r:\n  got  %s\n  want %s" % (
            case["same_as"], out.strip(),
            (outputs.get(case["same_as"]) or b"").decode("utf-8").strip()))
    return problems


def main():
    vrtc, vectors, data = (os.path.abspath(p) for p in sys.argv[1:4])
    with open(os.path.join(vectors, "cases.json"), encoding="utf-8") as f:
        cases = json.load(f)

    print("1..%d" % len(cases))
    outputs = {}
    failed = 0
    for i, case in enumerate(cases, 1):
        try:
            problems = check(case, vrtc, vectors, data, outputs)
        except Exception as e:  # a crash or a timeout is a failure of this case
            problems = ["%s: %s" % (type(e).__name__, e)]
        if problems:
            failed += 1
            print("not ok %d - %s" % (i, case["name"]))
            for p in problems:
                for line in p.splitlines():
                    print("# " + line)
        else:
            print("ok %d - %s" % (i, case["name"]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
