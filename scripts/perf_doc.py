#!/usr/bin/env python3
"""Writes the measured block of docs/performance.md (scripts/bench).

Reads scripts/size-report's output, criterion's estimates, the SDK overhead benchmark's `bench:`
lines from Rust (core/benches/overhead.rs) and from Kotlin (scripts/bench-kotlin), and replaces what
lies between the `<!-- bench:begin -->` and `<!-- bench:end -->` markers (the rest of the file is
written by hand). Creates the file with the markers when it does not exist.
"""

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys

BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"
BUDGET_BYTES = 2_883_584
FLOOR_MIB = 2.41
CPU_BUDGET_US = 50.0
# BRIEF §6: the SDK's own overhead per ceremony, called from Kotlin (p95), and the client's cold start.
CEREMONY_BUDGET_US = 1000.0
COLD_START_BUDGET_US = 5000.0

# The overhead benchmark's ceremonies: id -> what it is
CEREMONIES = [
    ("enable", "Enable (J1): check device → warning → step-up start/finish → create passkey"),
    ("password_login", "passkey login (J2): password step answered `passkey_required` → complete with passkey"),
    ("usernameless", "usernameless sign-in (J3)"),
]

# criterion id -> what it measures
BENCHES = [
    ("enable/prepare_create", "check ~1 KiB creation options, shape the platform request"),
    ("enable/check_registration", "check a real registration response (Google Password Manager)"),
    ("enable/finish_body", "registration-finish request body (response embedded unchanged)"),
    ("enable/finish_answer", "read the finish answer (passkeys + signed policy)"),
    ("enable/ceremony", "**one Enable**: all of the above + verifying the new signed policy"),
    ("login/prepare_get", "check request options, shape the platform request"),
    ("login/check_assertion", "check a real assertion (Google Password Manager)"),
    ("login/finish_body", "login-finish request body"),
    ("login/ceremony", "**one passkey login**: one policy check + all of the above"),
    ("policy/scenario_needs_passkey", "one policy question (policy held in memory)"),
    ("policy/check_login_path_h5", "may this account use H5 login? (refused: builds the error)"),
    ("policy/verify_signed", "verify a signed policy: base64url, ECDSA P-256, JSON (first read; `remember`)"),
    ("policy/p256_verify", "one ECDSA P-256 verification with ring, alone"),
]


def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/proc/loadavg") as f:
            load = "load average " + ", ".join(f.read().split()[:3]) + " when written"
    except OSError:
        load = "load average unknown"
    return (f"{os.cpu_count()} cores (nproc {run(['nproc']) or '?'}), {cpu}, "
            f"{platform.system()} {platform.machine()}, {run(['rustc', '--version'])}, {load}")


def median_ns(criterion_dir, bench_id):
    path = os.path.join(criterion_dir, *bench_id.split("/"), "new", "estimates.json")
    try:
        with open(path) as f:
            return json.load(f)["median"]["point_estimate"]
    except (OSError, KeyError, ValueError):
        return None


def fmt_us(ns):
    if ns is None:
        return "not run"
    return f"{ns / 1000:.2f} µs" if ns >= 1000 else f"{ns:.0f} ns"


def size_facts(text):
    facts = {"bytes": None, "sections": [], "crates": []}
    m = re.search(r"stripped release\): (\d+) bytes", text)
    if m:
        facts["bytes"] = int(m.group(1))
    in_sections = in_crates = False
    for line in text.splitlines():
        if line.startswith("sections (bytes):"):
            in_sections = True
            continue
        if in_sections:
            parts = line.split()
            if len(parts) == 2 and parts[1].isdigit():
                facts["sections"].append((parts[0], int(parts[1])))
                continue
            in_sections = False
        if line.strip().startswith("KiB") and "crate" in line:
            in_crates = True
            continue
        if in_crates:
            m = re.match(r"\s+([\d.]+)\s+([\d.]+)%\s+(\d+)\s+(.+)$", line)
            if not m:
                in_crates = False
                continue
            facts["crates"].append((float(m.group(1)), float(m.group(2)), m.group(4)))
    return facts


def bench_lines(path):
    """The `bench: …` lines of a benchmark's output, without the prefix."""
    if not path:
        return []
    try:
        with open(path) as f:
            return [l.strip()[len("bench: "):] for l in f if l.strip().startswith("bench: ")]
    except OSError:
        return []


OVERHEAD_LINE = re.compile(r"^(overhead|cold|new_client) side=(rust|kotlin)\b(.*)$")


def overhead_facts(lines):
    """{(kind, side, ceremony or None): {key: value}} from the overhead benchmark's lines, and the
    lines that are not its own (other Kotlin figures)."""
    facts, others = {}, []
    for line in lines:
        m = OVERHEAD_LINE.match(line)
        if not m:
            others.append(line)
            continue
        values = dict(kv.split("=", 1) for kv in m.group(3).split() if "=" in kv)
        facts[(m.group(1), m.group(2), values.get("ceremony"))] = values
    return facts, others


def us(values, key):
    try:
        return float(values[key])
    except (KeyError, TypeError, ValueError):
        return None


def fmt_duration(value_us):
    if value_us is None:
        return "—"
    if value_us >= 1000:
        return f"{value_us / 1000:.2f} ms"
    return f"{value_us:.0f} µs"


def block(args):
    size = size_facts(open(args.size).read()) if os.path.exists(args.size) else {}
    facts, kotlin_others = overhead_facts(bench_lines(args.kotlin) + bench_lines(args.overhead))
    enable = median_ns(args.criterion, "enable/ceremony")
    login = median_ns(args.criterion, "login/ceremony")

    def verdict(value, budget):
        if value is None:
            return "not measured"
        return "within" if value <= budget else "**over**"

    out = [BEGIN, "", f"Measured {datetime.date.today().isoformat()} by `scripts/bench` on: {machine()}.", ""]
    out += ["| budget (BRIEF §6) | floor / reference | measured | |", "| --- | --- | --- | --- |"]
    b = size.get("bytes")
    out.append(
        f"| stripped release library, x86-64 ≤ 2.75 MiB ({BUDGET_BYTES:,} B) | {FLOOR_MIB} MiB "
        f"(ring, all crates) | {b:,} B = {b / 1048576:.2f} MiB | {verdict(b, BUDGET_BYTES)} |"
        if b else "| stripped release library ≤ 2.75 MiB | 2.41 MiB | not measured | |"
    )
    out.append(f"| core CPU per Enable ≤ {CPU_BUDGET_US:.0f} µs | parse+serialize 1 KiB options "
               f"5–8 µs; P-256 verify ~50 µs | {fmt_us(enable)} | "
               f"{verdict(enable and enable / 1000, CPU_BUDGET_US)} |")
    out.append(f"| core CPU per passkey login ≤ {CPU_BUDGET_US:.0f} µs | same | {fmt_us(login)} | "
               f"{verdict(login and login / 1000, CPU_BUDGET_US)} |")
    for ceremony, what in CEREMONIES:
        kotlin = facts.get(("overhead", "kotlin", ceremony), {})
        rust = facts.get(("overhead", "rust", ceremony), {})
        k95, r95 = us(kotlin, "p95_us"), us(rust, "p95_us")
        label = what.split(":")[0]
        out.append(f"| SDK overhead per {label}, called from Kotlin, instant server and authenticator "
                   f"≤ 1 ms p95 | the core called from Rust: p95 {fmt_duration(r95)} | "
                   f"{'p95 ' + fmt_duration(k95) if k95 is not None else 'not run (scripts/bench-kotlin)'} | "
                   f"{verdict(k95, CEREMONY_BUDGET_US)} |")
    kcold, rcold = facts.get(("cold", "kotlin", None), {}), facts.get(("cold", "rust", None), {})
    k95, r95 = us(kcold, "p95_us"), us(rcold, "p95_us")
    measured = (f"p95 {fmt_duration(k95)} (p50 {fmt_duration(us(kcold, 'p50_us'))})"
                if k95 is not None else "not run (scripts/bench-kotlin)")
    out.append("| client cold start from Kotlin ≤ 5 ms p95 (fresh process; client creation, runtime start, "
               f"keystore read, policy verification) | from Rust: p95 {fmt_duration(r95)} | {measured} | "
               f"{verdict(k95, COLD_START_BUDGET_US)} |")
    out.append("| round trips: Enable 2 after step-up, passkey login 2 after the password | — | "
               "counted by the tests, not here | |")
    out.append("| reference server ≥ 2,000 verified passkey logins/s on 2 cores | — | "
               "not measured by scripts/bench | |")
    out.append("")

    out += ["### Core CPU time (criterion median, `--warm-up-time 1 --measurement-time 3`)", "",
            "| benchmark | what | median |", "| --- | --- | --- |"]
    for bench_id, what in BENCHES:
        ns = median_ns(args.criterion, bench_id)
        if ns is not None:
            out.append(f"| `{bench_id}` | {what} | {fmt_us(ns)} |")
    out.append("")

    if any(k[0] == "overhead" for k in facts):
        out += ["### SDK overhead per ceremony (`passkeys-testkit replay`, instant authenticator; "
                "Kotlin on the release library, Rust in the bench profile)", "",
                "| ceremony | requests | callbacks (keystore + platform) | Kotlin p50 | p95 | p99 | mean | CPU "
                "| Rust p50 | p95 | p99 | mean | CPU | Kotlin / Rust: p50 | CPU |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
                "| ---: | ---: |"]
        for ceremony, what in CEREMONIES:
            k = facts.get(("overhead", "kotlin", ceremony), {})
            r = facts.get(("overhead", "rust", ceremony), {})
            requests = k.get("requests") or r.get("requests") or "—"
            cells = [fmt_duration(us(side, key)) for side in (k, r)
                     for key in ("p50_us", "p95_us", "p99_us", "mean_us", "cpu_us")]
            ratios = [f"{us(k, key) / us(r, key):.1f}×" if us(k, key) and us(r, key) else "—"
                      for key in ("p50_us", "cpu_us")]
            keystore, platform_calls = us(k, "keystore_callbacks"), us(k, "platform_callbacks")
            callbacks = (f"{keystore:.0f} + {platform_calls:.0f}"
                         if keystore is not None and platform_calls is not None else "—")
            out.append(f"| {what} | {requests} | {callbacks} | " + " | ".join(cells + ratios) + " |")
        n = facts.get(("overhead", "kotlin", "enable"), {}).get("n") or \
            facts.get(("overhead", "rust", "enable"), {}).get("n")
        out += ["", f"{n or '?'} timed runs of each ceremony per side, interleaved, after a warm-up; "
                    "CPU: the benchmark process's CPU time (every thread, not the replay's) per "
                    "ceremony, each kind in a block of its own.", ""]

    rows = [("cold", "kotlin", "Kotlin, fresh JVM per run (library already loaded)"),
            ("cold", "rust", "Rust, fresh process per run"),
            ("new_client", "kotlin", "Kotlin, a new client in a warm JVM (runtime running)"),
            ("new_client", "rust", "Rust, a new client in a warm process (runtime running)")]
    if any(facts.get((kind, side, None)) for kind, side, _ in rows):
        out += ["### Client cold start (a session and the server-signed policy already in the keystore)", "",
                "| how | runs | p50 | p95 | p99 | mean | create (p50) | first policy check (p50) "
                "| runtime + first async call (p50) | a second client, same process (p50) |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for kind, side, what in rows:
            v = facts.get((kind, side, None))
            if not v:
                continue
            parts = [fmt_duration(us(v, key))
                     for key in ("create_p50_us", "policy_p50_us", "runtime_p50_us", "second_p50_us")]
            out.append(f"| {what} | {v.get('n', '?')} | "
                       + " | ".join(fmt_duration(us(v, key)) for key in ("p50_us", "p95_us", "p99_us", "mean_us"))
                       + " | " + " | ".join(parts) + " |")
        load = us(facts.get(("cold", "kotlin", None), {}), "load_p50_us")
        if load is not None:
            out += ["", f"Not in the cold start: loading the library in a fresh JVM (JNA binds the "
                        f"bindings' functions, `uniffiEnsureInitialized()`), p50 {fmt_duration(load)}."]
        out.append("")

    if kotlin_others:
        out += ["### Other figures from Kotlin (informational, no budget)", ""]
        out += [f"- {line}" for line in kotlin_others]
        out.append("")

    if size.get("sections"):
        out += ["### Library sections (stripped release, bytes)", "", "| section | bytes |", "| --- | ---: |"]
        out += [f"| `{name}` | {n:,} |" for name, n in size["sections"]]
        out.append("")
    if size.get("crates"):
        out += ["### Where the bytes come from (symbols of the same build, by crate)", "",
                "| crate | KiB | share of symbol bytes |", "| --- | ---: | ---: |"]
        out += [f"| {name} | {kib:.1f} | {share:.1f}% |" for kib, share, name in size["crates"][:25]]
        out.append("")
    out.append(END)
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", required=True)
    parser.add_argument("--criterion", required=True)
    parser.add_argument("--kotlin", help="scripts/bench-kotlin's output")
    parser.add_argument("--overhead", help="core/benches/overhead.rs's output (the Rust half)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    new = block(args)
    try:
        text = open(args.out).read()
    except OSError:
        text = f"# Performance\n\n{BEGIN}\n{END}\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + new + tail
    else:
        text = text.rstrip("\n") + "\n\n" + new + "\n"
    with open(args.out, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
