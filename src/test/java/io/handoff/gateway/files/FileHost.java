package io.handoff.gateway.files;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The hosts a client's file URL may point at, all on 127.0.0.1: a file server with files, 404s, redirect
 * chains, a 200 MB body and a trickling one (it counts what it managed to send); a non-HTTP TCP service;
 * an "internal" service that only counts connections; and a port nobody listens on.
 */
final class FileHost implements AutoCloseable {

    static final byte[] FILE = "the client's receipt".getBytes(StandardCharsets.UTF_8);
    static final long HUGE_BYTES = 200L * 1024 * 1024;
    static final int TRICKLE_BYTES = 100;

    private final HttpServer http;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final ServerSocket notHttp;
    private final ServerSocket internal;
    private final int closedPort;
    final AtomicInteger internalConnections = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicLong hugeBytesSent = new AtomicLong();
    final AtomicBoolean hugeCutOff = new AtomicBoolean();
    final AtomicLong trickleBytesSent = new AtomicLong();
    final AtomicBoolean trickleCutOff = new AtomicBoolean();

    FileHost() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        http = HttpServer.create(new InetSocketAddress(loopback, 0), 50);
        http.createContext("/", this::serve);
        http.setExecutor(threads);
        http.start();
        notHttp = new ServerSocket(0, 50, loopback);
        threads.submit(() -> acceptForever(notHttp, socket -> {
            socket.getOutputStream().write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
        }));
        internal = new ServerSocket(0, 50, loopback);
        threads.submit(() -> acceptForever(internal, socket -> internalConnections.incrementAndGet()));
        try (ServerSocket probe = new ServerSocket(0, 1, loopback)) {
            closedPort = probe.getLocalPort();
        }
    }

    /** Started, for a static field. */
    static FileHost started() {
        try {
            return new FileHost();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String url(String pathAndQuery) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + pathAndQuery;
    }

    String authority() {
        return "127.0.0.1:" + http.getAddress().getPort();
    }

    int notHttpPort() {
        return notHttp.getLocalPort();
    }

    int internalPort() {
        return internal.getLocalPort();
    }

    int closedPort() {
        return closedPort;
    }

    private void serve(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getRawQuery();
        try (exchange) {
            switch (path) {
                case "/files/receipt.txt" -> sendFile(exchange);
                case "/hop" -> { // /hop?n=3: three redirects, then the file
                    int left = Integer.parseInt(query.substring("n=".length()));
                    if (left == 0) {
                        sendFile(exchange);
                    } else {
                        redirect(exchange, "/hop?n=" + (left - 1));
                    }
                }
                case "/to" -> redirect(exchange, URLDecoder.decode(query.substring("location=".length()), StandardCharsets.UTF_8));
                case "/huge" -> sendHuge(exchange);
                case "/trickle" -> trickle(exchange);
                default -> exchange.sendResponseHeaders(404, -1);
            }
        }
    }

    private static void sendFile(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/plain");
        exchange.sendResponseHeaders(200, FILE.length);
        exchange.getResponseBody().write(FILE);
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(302, -1);
    }

    /** 200 MB, chunked (no Content-Length to refuse it by): only reading stops it. */
    private void sendHuge(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, 0);
        byte[] chunk = new byte[64 * 1024];
        OutputStream body = exchange.getResponseBody();
        try {
            while (hugeBytesSent.get() < HUGE_BYTES) {
                body.write(chunk);
                hugeBytesSent.addAndGet(chunk.length);
            }
        } catch (IOException closedByTheGateway) {
            hugeCutOff.set(true);
        }
    }

    /** One byte a second of a 100-byte body. */
    private void trickle(HttpExchange exchange) throws IOException {
        exchange.sendResponseHeaders(200, TRICKLE_BYTES);
        OutputStream body = exchange.getResponseBody();
        try {
            for (int i = 0; i < TRICKLE_BYTES; i++) {
                body.write('x');
                body.flush();
                trickleBytesSent.incrementAndGet();
                Thread.sleep(1000);
            }
        } catch (IOException closedByTheGateway) {
            trickleCutOff.set(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private interface Connection {
        void handle(Socket socket) throws IOException;
    }

    private static void acceptForever(ServerSocket server, Connection connection) {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                connection.handle(socket);
            } catch (IOException e) {
                // closed, or the peer went away
            }
        }
    }

    @Override
    public void close() throws IOException {
        http.stop(0);
        notHttp.close();
        internal.close();
        threads.shutdownNow();
    }
}
