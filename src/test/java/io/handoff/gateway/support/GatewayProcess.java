package io.handoff.gateway.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.handoff.gateway.HandoffGatewayApplication;

/**
 * A gateway in a JVM of its own, started from the test classpath, so a test can kill it as the kernel
 * would ({@code kill -9}: {@link Process#destroyForcibly()}) while other gateways share its database.
 * Its output goes to a file under target/ (named in failures).
 */
public final class GatewayProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private GatewayProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the gateway with {@code args} ({@code --key=value}) and waits until it reports itself ready. */
    public static GatewayProcess start(String name, List<String> args, String apiKey, Duration startup) {
        int port = freePort();
        Path log = Path.of("target", name + "-" + port + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"),
                HandoffGatewayApplication.class.getName(),
                "--server.port=" + port));
        command.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            GatewayProcess gateway = new GatewayProcess(process, port, log);
            gateway.awaitAnswering(apiKey, startup);
            return gateway;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a gateway process", e);
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    /** As {@code kill -9}: no shutdown hook, no graceful stop, leases and connections left as they were. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the gateway process did not die");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private void awaitAnswering(String apiKey, Duration startup) {
        GatewayClient client = new GatewayClient(port, apiKey);
        long deadline = System.nanoTime() + startup.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the gateway process exited at start-up; see " + log.toAbsolutePath());
            }
            try {
                // ready, not merely listening: Tomcat answers (404) before Camel's routes are up
                if (client.get("/actuator/health/readiness").status() == 200) {
                    return;
                }
            } catch (IllegalStateException notYet) {
                // connection refused: still starting
            }
            try {
                Thread.sleep(200); // polling for the port to answer: the start-up has no other observable signal
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        close();
        throw new IllegalStateException("the gateway process did not answer within " + startup + "; see " + log.toAbsolutePath());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
