#!/usr/bin/env python3
"""Where a JFR recording's CPU samples go: `jfr print --json --stack-depth 64 --events jdk.ExecutionSample`,
aggregated (a) by the top frame's method (self), (b) by every method on the stack (inclusive, counted once
per sample), (c) by component: the first frame from the top that is not the JDK itself (java., jdk., sun.),
named by its package (Tomcat, Spring MVC, Camel, H2, Jackson, ...), so a HashMap.get is charged to whoever
called it; and where the process's CPU went by thread (jdk.ThreadCPULoad; JIT compiler threads included),
with GC CPU (jdk.GCCPUTime) and JIT compile time (jdk.Compilation). Prints Markdown tables.

Usage: jfr-summary.py RECORDING.jfr [--top 25]
"""
import argparse
import collections
import datetime
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


# what a relayed message pays for, counted inclusively: a sample counts for each marker any of its frames matches
MARKERS = [
    ("Camel bean/simple expressions (setBody/setProperty method:, filters)", ("org.apache.camel.language.bean.", "org.apache.camel.language.simple.")),
    ("Camel bean processor (bean: steps)", ("org.apache.camel.component.bean.AbstractBeanProcessor",)),
    ("exchange copies (Camel: a method: expression runs on a copy)", ("org.apache.camel.support.ExchangeHelper.createCopy",
                                                                      "org.apache.camel.support.AbstractExchange.copy")),
    ("Camel Micrometer exchange event notifier", ("org.apache.camel.component.micrometer.eventnotifier.",)),
    ("Camel Micrometer route policy", ("org.apache.camel.component.micrometer.routepolicy.",)),
    ("Camel HTTP producer (to LiveChat)", ("org.apache.camel.component.http.HttpProducer",)),
    ("H2 (SQL parse and execution)", ("org.h2.",)),
    ("Spring JDBC", ("org.springframework.jdbc.",)),
    ("Spring MVC DispatcherServlet", ("org.springframework.web.servlet.DispatcherServlet.",)),
    ("servlet filter chain", ("org.apache.catalina.core.ApplicationFilterChain.",)),
    ("Spring Security filters", ("org.springframework.security.",)),
    ("Jackson", ("com.fasterxml.jackson.",)),
    ("Logback / SLF4J", ("ch.qos.logback.", "org.slf4j.")),
    ("gateway code (io.handoff)", ("io.handoff.",)),
]


def first_own_frame(frames):
    """The first frame from the top that is not the JDK's: whoever asked for the work."""
    return next((f for f in frames if not type_of(f).startswith(JDK)), None)


def component(frames):
    for frame in frames:
        name = type_of(frame)
        if name.startswith(JDK):
            continue
        for prefix, label in COMPONENTS:
            if name.startswith(prefix):
                return label
        return name.rsplit(".", 1)[0]  # an unlisted package
    return "JDK only (" + (type_of(frames[0]) if frames else "?") + ")"


def method_of(frame):
    return type_of(frame) + "." + frame["method"]["name"]


def type_of(frame):
    return frame["method"]["type"]["name"].replace("/", ".")


def seconds(iso):
    """An ISO-8601 duration as JFR prints it, PT0.09S or PT1M2.5S."""
    value, total = iso[2:], 0.0
    for unit, factor in (("H", 3600), ("M", 60), ("S", 1)):
        if unit in value:
            number, value = value.split(unit, 1)
            total += float(number) * factor
    return total


def events_of(recording, kind, depth=None):
    command = ["jfr", "print", "--json"] + (["--stack-depth", str(depth)] if depth else []) + ["--events", kind, recording]
    return json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)["recording"]["events"]


def pool(name):
    return name.rstrip("0123456789").rstrip("-#") or name


def cpu_by_thread(recording):
    """CPU seconds per thread pool: each jdk.ThreadCPULoad event's load times the time since that thread's last one."""
    last, used = {}, collections.Counter()
    for event in sorted(events_of(recording, "jdk.ThreadCPULoad"), key=lambda e: e["values"]["startTime"]):
        values = event["values"]
        thread = values["eventThread"]
        key = thread.get("javaThreadId") or thread.get("osThreadId")
        at = time_of(values["startTime"])
        if key in last:
            used[pool(thread.get("javaName") or thread.get("osName") or "?")] += (values["user"] + values["system"]) * (at - last[key])
        last[key] = at
    return used


def time_of(stamp):
    return datetime.datetime.fromisoformat(stamp.rstrip("Z")[:26]).timestamp()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("recording")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    events = events_of(args.recording, "jdk.ExecutionSample", 64)
    own, inclusive, components, threads, callers, markers = (collections.Counter() for _ in range(6))
    for event in events:
        frames = (event["values"].get("stackTrace") or {}).get("frames") or []
        if not frames:
            continue
        own[method_of(frames[0])] += 1
        names = {method_of(f) for f in frames}
        for name in names:
            inclusive[name] += 1
        for label, prefixes in MARKERS:
            if any(name.startswith(prefixes) for name in names):
                markers[label] += 1
        components[component(frames)] += 1
        caller = first_own_frame(frames)
        callers[method_of(caller) if caller else "JDK only"] += 1
        thread = (event["values"].get("sampledThread") or {}).get("javaName") or "?"
        threads[pool(thread)] += 1
    used = cpu_by_thread(args.recording)
    gc = sum(seconds(e["values"]["userTime"]) + seconds(e["values"]["systemTime"]) for e in events_of(args.recording, "jdk.GCCPUTime"))
    compiled = collections.Counter()
    for e in events_of(args.recording, "jdk.Compilation"):
        compiled[e["values"]["compiler"]] += seconds(e["values"]["duration"])
    print("### Process CPU by thread pool (jdk.ThreadCPULoad), GC and JIT\n\n| CPU s | |\n|---:|---|")
    for name, cpu in used.most_common(args.top):
        print(f"| {cpu:.1f} | `{name}` |")
    print(f"| {gc:.1f} | GC threads (jdk.GCCPUTime) |")
    for compiler, took in compiled.items():
        print(f"| ({took:.1f}) | {compiler} compilations, wall time (jdk.Compilation; on the compiler threads above) |")
    print()
    total = sum(components.values())
    print(f"{total} Java execution samples (jdk.ExecutionSample: threads running Java code)\n")
    for title, counter in (("Inclusive, by what the time was spent under", markers),
                           ("By component (first non-JDK frame from the top)", components),
                           ("By method of the first non-JDK frame from the top", callers),
                           ("By thread pool", threads),
                           ("Self: top frame", own),
                           ("Inclusive: anywhere on the stack", inclusive)):
        print(f"### {title}\n\n| share | samples | |\n|---:|---:|---|")
        for name, n in counter.most_common(args.top):
            print(f"| {100 * n / total:.1f}% | {n} | `{name}` |")
        print()


if __name__ == "__main__":
    main()
