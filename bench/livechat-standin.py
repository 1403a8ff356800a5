#!/usr/bin/env python3
"""A LiveChat stand-in for bench/run, in a process of its own so its CPU is not the gateway's: the one issue 12
measured its figures with and set the latency ratio against (0.15-0.8 ms of CPU a send_event). bench/run takes
its latency figures against it too; bench/LiveChatStandIn.java, which answers alike, serves the CPU and
throughput figures, for 0.04-0.08 ms a send_event.

It speaks just enough of the accounts service (refresh_token and agent_token grants) and the Customer Chat
API v3.6 (get_dynamic_configuration, list_group_statuses, update_customer, start_chat, resume_chat,
send_event, deactivate_chat) for the gateway's handoff, relay and close, with the shapes of
shared/reference/livechat-api.md: Bearer tokens it issued, organization_id on every call, one chat per
customer, chat_inactive after deactivate_chat. It sends no webhooks. It counts every call by method and
send_event per chat, for the bench to read:

  GET  /_bench/stats           {"calls": {method: n}, "send_events": n, "send_events_per_chat": {chat_id: n},
                                "out_of_order": n}  (events whose custom_id m<N> is not above the chat's last one)
  POST /_bench/reset           zero the counters (state stays)
  POST /_bench/delay?ms=30     add this much to every LiveChat call from now on

Usage: livechat-standin.py PORT   (prints "ready" once it listens)
"""
import json
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ORGANIZATION_ID = "390e44e6-f1e6-4c8e-9a6d-74a14508c2e1"
LICENSE_ID = "104130623"
CLIENT_ID = "bench-client-id"
AGENT_TOKEN = "dal:bench-agent-token"
TOKEN_TTL = 28800
ONLINE_GROUPS = [0, 1]


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.calls = {}
        self.events_per_chat = {}
        self.last_number = {}       # chat_id -> N of the last custom_id m<N>: the bench numbers each chat's messages
        self.out_of_order = 0
        self.delay = 0.0
        self.customer_tokens = {}   # token -> entity_id
        self.chat_of_customer = {}  # entity_id -> chat_id
        self.active = {}            # chat_id -> bool

    def count(self, method):
        with self.lock:
            self.calls[method] = self.calls.get(method, 0) + 1


STATE = State()


class ApiError(Exception):
    def __init__(self, status, kind, message):
        super().__init__(message)
        self.status, self.kind, self.message = status, kind, message


def new_id(prefix=""):
    return prefix + uuid.uuid4().hex[:10].upper()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the gateway pools its connections
    disable_nagle_algorithm = True  # headers and body are two writes: without it each answer waits for a delayed ACK

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/_bench/stats":
            with STATE.lock:
                self.answer(200, {"calls": dict(STATE.calls), "send_events": sum(STATE.events_per_chat.values()),
                                  "send_events_per_chat": dict(STATE.events_per_chat), "out_of_order": STATE.out_of_order})
        elif url.path == "/v3.6/customer/action/get_dynamic_configuration":
            self.delayed()
            query = parse_qs(url.query)
            if query.get("license_id", [None])[0] != LICENSE_ID and query.get("organization_id", [None])[0] != ORGANIZATION_ID:
                return self.answer(404, {"error": {"type": "license_not_found", "message": "License not found"}})
            STATE.count("get_dynamic_configuration")
            self.answer(200, {"organization_id": ORGANIZATION_ID, "group_id": int(query.get("group_id", ["0"])[0]),
                              "client_limit_exceeded": False, "livechat": {"online_group_ids": ONLINE_GROUPS}})
        else:  # the gateway's readiness probe GETs the base URLs: any answer means reachable
            self.answer(404, {"error": {"type": "not_found", "message": "Not found"}})

    def do_POST(self):
        url = urlsplit(self.path)
        raw = self.body()
        if url.path == "/_bench/reset":
            with STATE.lock:
                STATE.calls.clear()
                STATE.events_per_chat.clear()
                STATE.out_of_order = 0
            return self.answer(200, {})
        if url.path == "/_bench/delay":
            STATE.delay = int(parse_qs(url.query).get("ms", ["0"])[0]) / 1000
            return self.answer(200, {})
        self.delayed()
        try:
            if url.path == "/accounts/v2/token":
                self.answer(200, self.refresh_grant(parse_qs(raw.decode())))
            elif url.path == "/accounts/v2/customer/token":
                self.answer(200, self.customer_grant(json.loads(raw or b"{}")))
            elif url.path.startswith("/v3.6/customer/action/"):
                method = url.path.rsplit("/", 1)[1]
                if parse_qs(url.query).get("organization_id", [None])[0] != ORGANIZATION_ID:
                    raise ApiError(400, "validation", "invalid organization_id")
                entity = STATE.customer_tokens.get(self.bearer())
                if entity is None:
                    raise ApiError(401, "authentication", "Invalid access token")
                if not (self.headers.get("Content-Type") or "").startswith("application/json"):
                    raise ApiError(400, "validation", "Content-Type must be application/json")
                STATE.count(method)
                self.answer(200, self.customer_action(method, entity, json.loads(raw or b"{}")))
            else:
                self.answer(404, {"error": {"type": "not_found", "message": "Not found"}})
        except ApiError as error:
            self.answer(error.status, {"error": {"type": error.kind, "message": error.message}})

    def delayed(self):
        if STATE.delay:
            time.sleep(STATE.delay)

    def bearer(self):
        value = self.headers.get("Authorization") or ""
        return value[7:] if value.startswith("Bearer ") else None

    def refresh_grant(self, form):
        if form.get("grant_type") != ["refresh_token"] or form.get("client_id") != [CLIENT_ID]:
            raise ApiError(400, "invalid_grant", "invalid refresh_token or client_id")
        STATE.count("token")
        return {"access_token": AGENT_TOKEN, "account_id": "bench", "expires_in": TOKEN_TTL,
                "organization_id": ORGANIZATION_ID, "scope": "customers:own", "token_type": "Bearer"}

    def customer_grant(self, body):
        if self.bearer() != AGENT_TOKEN:
            raise ApiError(401, "invalid_request", "invalid agent token")
        if body.get("grant_type") != "agent_token" or body.get("client_id") != CLIENT_ID or body.get("response_type") != "token":
            raise ApiError(400, "invalid_request", "grant_type agent_token, client_id and response_type token are required")
        STATE.count("customer_token")
        entity = body.get("entity_id") or str(uuid.uuid4())
        token = "dal:cust-" + uuid.uuid4().hex
        with STATE.lock:
            STATE.customer_tokens[token] = entity
        return {"access_token": token, "client_id": CLIENT_ID, "entity_id": entity, "expires_in": TOKEN_TTL,
                "token_type": "Bearer", "organization_id": ORGANIZATION_ID}

    def customer_action(self, method, entity, body):
        if method == "list_group_statuses":
            return {"groups_status": {str(g): "online" if g in ONLINE_GROUPS else "offline" for g in body.get("group_ids", [])}}
        if method == "update_customer":
            return {}
        if method == "start_chat":
            with STATE.lock:
                if STATE.active.get(STATE.chat_of_customer.get(entity)) is not None:
                    raise ApiError(400, "validation", "Chat limit reached")
                chat = new_id("CH")
                STATE.chat_of_customer[entity] = chat
                STATE.active[chat] = True
            events = body.get("chat", {}).get("thread", {}).get("events", [])
            return {"chat_id": chat, "thread_id": new_id("TH"), "event_ids": [new_id() for _ in events]}
        chat = {"resume_chat": body.get("chat", {}).get("id"), "deactivate_chat": body.get("id")}.get(method, body.get("chat_id"))
        with STATE.lock:
            if STATE.chat_of_customer.get(entity) != chat:
                raise ApiError(400, "validation", "Chat not found")
            if method == "resume_chat":
                if STATE.active[chat]:
                    raise ApiError(400, "chat_already_active", "Chat is already active")
                STATE.active[chat] = True
                return {"thread_id": new_id("TH")}
            if not STATE.active[chat]:
                raise ApiError(400, "chat_inactive", "Chat is inactive")
            if method == "send_event":
                STATE.events_per_chat[chat] = STATE.events_per_chat.get(chat, 0) + 1
                custom_id = str(body.get("event", {}).get("custom_id", ""))
                if custom_id[:1] == "m" and custom_id[1:].isdigit():
                    if int(custom_id[1:]) <= STATE.last_number.get(chat, 0):
                        STATE.out_of_order += 1
                    STATE.last_number[chat] = int(custom_id[1:])
                return {"event_id": new_id()}
            if method == "deactivate_chat":
                STATE.active[chat] = False
                return {}
        raise ApiError(400, "validation", "unknown method " + method)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # many pooled connections open at once


def main():
    server = Server(("127.0.0.1", int(sys.argv[1])), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
