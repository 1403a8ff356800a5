#!/usr/bin/env python3
"""Where a JFR recording's CPU samples go: `jfr print --json --stack-depth 64 --events jdk.ExecutionSample`,
aggregated (a) by the top frame's method (self), (b) by every method on the stack (inclusive, counted once
per sample), (c) by component: the first frame from the top that is not the JDK itself (java., jdk., sun.),
named by its package (Tomcat, Spring MVC, Camel, H2, Jackson, ...), so a HashMap.get is charged to whoever
called it. Prints Markdown tables.

Usage: jfr-summary.py RECORDING.jfr [--top 25]
"""
import argparse
import collections
import json
import subprocess

COMPONENTS = [  # (package prefix, name); first match wins
    ("io.handoff.", "gateway code (io.handoff)"),
    ("org.apache.camel.component.platform.http", "Camel platform-http"),
    ("org.apache.camel.component.http", "Camel HTTP producer"),
    ("org.apache.camel.language", "Camel simple/bean expressions"),
    ("org.apache.camel.component.bean", "Camel bean binding"),
    ("org.apache.camel.", "Camel routing (other)"),
    ("org.h2.", "H2 (SQL)"),
    ("com.zaxxer.hikari", "HikariCP"),
    ("org.springframework.jdbc", "Spring JDBC"),
    ("org.springframework.web", "Spring MVC"),
    ("org.springframework.security", "Spring Security"),
    ("org.springframework.", "Spring (other)"),
    ("org.apache.catalina.", "Tomcat (servlet)"),
    ("org.apache.coyote.", "Tomcat (HTTP)"),
    ("org.apache.tomcat.", "Tomcat (net/util)"),
    ("org.apache.hc.", "Apache HttpClient 5"),
    ("com.fasterxml.jackson", "Jackson"),
    ("ch.qos.logback", "Logback"),
    ("org.slf4j", "SLF4J"),
    ("io.micrometer", "Micrometer"),
    ("jakarta.", "Jakarta Servlet API"),
]
JDK = ("java.", "jdk.", "sun.", "javax.", "com.sun.")


def component(frames):
    for frame in frames:
        name = frame["method"]["type"]["name"]
        if name.startswith(JDK):
            continue
        for prefix, label in COMPONENTS:
            if name.startswith(prefix):
                return label
        return name.rsplit(".", 1)[0]  # an unlisted package
    return "JDK only (" + (frames[0]["method"]["type"]["name"] if frames else "?") + ")"


def method_of(frame):
    return frame["method"]["type"]["name"] + "." + frame["method"]["name"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("recording")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample",
                          args.recording], capture_output=True, text=True, check=True).stdout
    events = json.loads(out)["recording"]["events"]
    own, inclusive, components, threads = (collections.Counter() for _ in range(4))
    for event in events:
        frames = (event["values"].get("stackTrace") or {}).get("frames") or []
        if not frames:
            continue
        own[method_of(frames[0])] += 1
        for name in {method_of(f) for f in frames}:
            inclusive[name] += 1
        components[component(frames)] += 1
        thread = (event["values"].get("sampledThread") or {}).get("javaName") or "?"
        threads[thread.rstrip("0123456789").rstrip("-#")] += 1
    total = sum(components.values())
    print(f"{total} CPU samples (jdk.ExecutionSample)\n")
    for title, counter in (("By component (first non-JDK frame from the top)", components),
                           ("By thread pool", threads),
                           ("Self: top frame", own),
                           ("Inclusive: anywhere on the stack", inclusive)):
        print(f"### {title}\n\n| share | samples | |\n|---:|---:|---|")
        for name, n in counter.most_common(args.top):
            print(f"| {100 * n / total:.1f}% | {n} | `{name}` |")
        print()


if __name__ == "__main__":
    main()
