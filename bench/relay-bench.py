#!/usr/bin/env python3
"""Drives a running gateway (sandbox profile) like many bots at once and prints its figures:
handoffs and client messages per second, latency percentiles, events pulled, and the JVM's RSS and CPU time
per request (measured after --warmup conversations, so the figures are of the warmed-up JVM).

Usage: relay-bench.py BASE_URL API_KEY [--conversations N] [--messages M] [--concurrency C] [--warmup W] [--pid PID]
"""
import argparse
import json
import os
import statistics
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor


def call(base, key, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, text = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read()
    return status, text, time.perf_counter() - started


def conversation(base, key, messages, latencies, lock):
    cid = "bench-" + uuid.uuid4().hex[:12]
    status, text, took = call(base, key, "POST", "/api/v1/handoffs",
                              {"conversationId": cid, "switch": {"destination": "support", "firstMessage": "bench"}})
    if status != 201:
        raise RuntimeError(f"handoff answered {status}: {text[:200]!r}")
    with lock:
        latencies["handoff"].append(took)
    for m in range(messages):
        status, text, took = call(base, key, "POST", f"/api/v1/conversations/{cid}/messages",
                                  {"messageId": f"m{m}", "text": f"message {m}"})
        if status != 202:
            raise RuntimeError(f"message answered {status}: {text[:200]!r}")
        with lock:
            latencies["message"].append(took)
    status, text, took = call(base, key, "POST", f"/api/v1/conversations/{cid}/close", {})
    with lock:
        latencies["close"].append(took)
    return cid


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid):
    """User + system CPU time the process has used so far (/proc/PID/stat fields 14 and 15)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("key")
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--messages", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=0)
    parser.add_argument("--pid", type=int)
    args = parser.parse_args()

    lock = threading.Lock()
    if args.warmup:
        ignored = {"handoff": [], "message": [], "close": []}
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(lambda _: conversation(args.base, args.key, args.messages, ignored, lock), range(args.warmup)))
    latencies = {"handoff": [], "message": [], "close": []}
    before = rss_mib(args.pid) if args.pid else None
    cpu_before = cpu_seconds(args.pid) if args.pid else None
    started = time.perf_counter()
    with ThreadPoolExecutor(args.concurrency) as pool:
        ids = list(pool.map(lambda _: conversation(args.base, args.key, args.messages, latencies, lock),
                            range(args.conversations)))
    elapsed = time.perf_counter() - started
    after = rss_mib(args.pid) if args.pid else None
    cpu_after = cpu_seconds(args.pid) if args.pid else None

    events = 0
    for cid in ids[:20]:
        status, text, _ = call(args.base, args.key, "GET", f"/api/v1/conversations/{cid}/events")
        events += len(json.loads(text)["events"])

    print(f"conversations: {args.conversations}, messages each: {args.messages}, concurrency: {args.concurrency}")
    print(f"elapsed: {elapsed:.1f} s; requests/s: {sum(len(v) for v in latencies.values()) / elapsed:.1f}; "
          f"handoffs/s: {args.conversations / elapsed:.1f}; messages/s: {len(latencies['message']) / elapsed:.1f}")
    for kind, values in latencies.items():
        print(f"{kind:8s} latency ms: p50 {percentile(values, 50) * 1000:.1f}  p95 {percentile(values, 95) * 1000:.1f}  "
              f"p99 {percentile(values, 99) * 1000:.1f}  mean {statistics.mean(values) * 1000:.1f}")
    print(f"events pulled from 20 conversations: {events} (livechatFinished each)")
    if before is not None:
        print(f"gateway RSS MiB: before {before:.0f}, after {after:.0f}")
    if cpu_before is not None:
        requests = sum(len(v) for v in latencies.values())
        print(f"gateway CPU: {cpu_after - cpu_before:.1f} s for {requests} requests, "
              f"{(cpu_after - cpu_before) * 1000 / requests:.2f} ms per request (simulators included: same JVM)")


if __name__ == "__main__":
    main()
