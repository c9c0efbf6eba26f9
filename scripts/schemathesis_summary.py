"""Reads schemathesis' JUnit report and decides the run of scripts/schemathesis.

Usage: schemathesis_summary.py JUNIT_XML ALLOWLIST

Prints one line per failure and per error, then a summary line, and exits 0 only when every
failure is allowed by the allowlist and there is no error other than hypothesis' own internal
"AST constructor recursion depth mismatch" (a CPython 3.11/3.12 bug, not a server failure;
listed, and counted apart).

The allowlist has one entry per line: `METHOD PATH CHECK-CODE  # reason`, e.g.
`POST /v1/withdrawals ST202  # why this is accepted`. Blank lines and lines starting with `#`
are ignored; an entry without a reason is an error.
"""

import re
import sys
import xml.etree.ElementTree as ET

TOOL_ERRORS = ("AST constructor recursion depth mismatch",)
NON_BLANK = r"^.*\S.*$"


def read_allowlist(path):
    allowed = {}
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            entry, _, reason = line.partition("#")
            fields = entry.split()
            if len(fields) != 3 or not reason.strip():
                sys.exit(f"{path}:{number}: expected 'METHOD PATH CHECK  # reason'")
            allowed[tuple(fields)] = reason.strip()
    return allowed


def first_line(text, pattern):
    match = re.search(pattern, text or "", re.MULTILINE)
    return match.group(0).strip() if match else ""


def main():
    report, allowlist = sys.argv[1], sys.argv[2]
    allowed = read_allowlist(allowlist)
    root = ET.parse(report).getroot()
    cases = root.iter("testcase")
    failures, allowed_failures, errors, tool_errors, operations = [], [], [], [], 0
    for case in cases:
        operations += 1
        name = case.get("name", "?")
        for failure in case.iter("failure"):
            text = failure.text or ""
            codes = sorted(set(re.findall(r"^- (ST\d+|[A-Z]{2}\d+)\b", text, re.MULTILINE)))
            codes = codes or [failure.get("message", "?")]
            answer = first_line(text, r"^\[\d{3}\].*$")
            for code in codes:
                key = tuple(name.split(" ", 1)) + (code,)
                line = f"{name} {code} {answer}"
                if key in allowed:
                    allowed_failures.append(f"{line}  (allowed: {allowed[key]})")
                else:
                    failures.append(line)
        for error in case.iter("error"):
            text = (error.text or "") + (error.get("message") or "")
            line = f"{name}: {first_line(text, NON_BLANK)}"
            if any(marker in text for marker in TOOL_ERRORS):
                tool_errors.append(line)
            else:
                errors.append(line)
    for line in failures:
        print(f"FAIL   {line}")
    for line in errors:
        print(f"ERROR  {line}")
    for line in allowed_failures:
        print(f"ALLOW  {line}")
    for line in tool_errors:
        print(
            f"TOOL   {line} (hypothesis' internal error, a CPython bug, not a server failure; "
            "this operation's run stopped early: run again with Python 3.13 or another seed)"
        )
    server_errors = sum(1 for line in failures if " ST101 " in line)
    print(
        f"schemathesis: {operations} reports (operations and stateful); {server_errors} server errors (5xx), "
        f"{len(failures)} failures in all, {len(errors)} errors, {len(allowed_failures)} allowed, "
        f"{len(tool_errors)} tool errors"
    )
    sys.exit(1 if failures or errors else 0)


if __name__ == "__main__":
    main()
