package io.handoff.gateway.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A download is written to the spool dir, not the heap: the file holds the body's bytes, is the owner's
 * only and is gone once closed; a download that fails (too large, declared or read, or too slow) leaves
 * nothing behind; a start-up deletes what a dead process left, not what a live one is using.
 */
class FileFetcherTest {

    static final FileHost HOST = FileHost.started();
    static final long MAX_BYTES = 1024 * 1024;

    @TempDir
    Path temp;
    Path spoolDir;
    FileFetcher fetcher;
    HostLookup lookup;

    @AfterAll
    static void stop() throws IOException {
        HOST.close();
    }

    @BeforeEach
    void newFetcher() {
        spoolDir = temp.resolve("spool");
        FilesProperties properties = properties(spoolDir);
        lookup = new HostLookup(properties);
        fetcher = new FileFetcher(new FileUrlPolicy(properties, lookup), properties, new FileSpool(properties));
    }

    @AfterEach
    void closeFetcher() {
        fetcher.destroy();
        lookup.destroy();
    }

    static FilesProperties properties(Path spoolDir) {
        // generous: a loaded machine is slow to start a JVM's first download; the trickle takes 100 s anyway
        return new FilesProperties(List.of(HOST.authority()), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), spoolDir);
    }

    List<Path> spooled() throws IOException {
        try (Stream<Path> files = Files.list(spoolDir)) {
            return files.toList();
        }
    }

    @Test
    void aFetchedFileIsOnDiskWithTheBodysBytesUntilClosed() throws Exception {
        FileFetcher.FetchedFile file = fetcher.fetch(HOST.url("/files/receipt.txt"), MAX_BYTES);

        assertThat(file.path().getParent()).isEqualTo(spoolDir.toAbsolutePath());
        assertThat(file.path().getFileName().toString()).startsWith(FileSpool.PREFIX + FileSpool.owner(ProcessHandle.current()) + "-");
        assertThat(Files.readAllBytes(file.path())).isEqualTo(FileHost.FILE);
        assertThat(file.size()).isEqualTo(FileHost.FILE.length);
        assertThat(file.contentType()).isEqualTo("text/plain");
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path()))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(spoolDir))).isEqualTo("rwx------");
        }

        file.close();
        assertThat(spooled()).isEmpty();
        file.close(); // again: nothing, no exception
    }

    @Test
    void aBodyOverTheLimitLeavesNoFile() throws Exception {
        assertThatThrownBy(() -> fetcher.fetch(HOST.url("/huge"), MAX_BYTES)).isInstanceOf(FileNotFetchedException.class)
                .hasMessageContaining("the body is over handoff.relay.max-file-size");
        assertThat(spooled()).isEmpty();
    }

    @Test
    void aContentLengthOverTheLimitLeavesNoFile() throws Exception {
        assertThatThrownBy(() -> fetcher.fetch(HOST.url("/files/receipt.txt"), FileHost.FILE.length - 1))
                .isInstanceOf(FileNotFetchedException.class).hasMessageContaining("Content-Length");
        assertThat(spooled()).isEmpty();
    }

    @Test
    void aBodyCutAtTheTotalTimeoutLeavesNoFile() throws Exception {
        assertThatThrownBy(() -> fetcher.fetch(HOST.url("/trickle"), MAX_BYTES)).isInstanceOf(FileNotFetchedException.class)
                .hasMessageContaining("took longer than handoff.files.total-timeout");
        assertThat(HOST.trickleBytesSent.get()).as("part of the body was written before the cut").isPositive();
        assertThat(spooled()).isEmpty();
    }

    @Test
    void aRedirectToANameServerThatNeverAnswersIsCutAtTheTotalTimeout() throws Exception {
        CountDownLatch dnsAnswers = new CountDownLatch(1);
        HostLookup.Resolver resolver = host -> {
            if (host.equals("slow.example")) {
                HostLookupTest.awaitUninterruptibly(dnsAnswers); // the name server of a host the client chose
            }
            return InetAddress.getAllByName(host);
        };
        FilesProperties properties = new FilesProperties(List.of(HOST.authority()), Duration.ofSeconds(5),
                Duration.ofSeconds(2), Duration.ofSeconds(30), spoolDir); // the look-up may wait longer than the whole download
        HostLookup slowDns = new HostLookup(properties.dnsTimeout(), resolver);
        FileFetcher bounded = new FileFetcher(new FileUrlPolicy(properties, slowDns), properties, new FileSpool(properties));
        try {
            long started = System.nanoTime();
            assertThatThrownBy(() -> bounded.fetch(HOST.url("/to?location=http%3A%2F%2Fslow.example%2Freceipt.txt"), MAX_BYTES))
                    .isInstanceOf(FileNotFetchedException.class).hasMessageStartingWith("slow.example did not resolve within");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            assertThat(spooled()).isEmpty();
        } finally {
            dnsAnswers.countDown();
            bounded.destroy();
            slowDns.destroy();
        }
    }

    @Test
    void aStartUpDeletesTheFilesOfDeadProcessesOnly() throws Exception {
        Process exited = new ProcessBuilder("true").start();
        exited.waitFor();
        ProcessHandle current = ProcessHandle.current();
        ProcessHandle anotherGateway = current.parent().orElseThrow(); // a live process on this host
        Path ofAnExitedProcess = spooledBy(exited.pid() + "-1");
        Path ofAnEarlierProcessWithThisId = spooledBy(current.pid() + "-1");
        Path ofAnEarlierProcessWithItsId = spooledBy(anotherGateway.pid() + "-1");
        Path unreadable = spooledBy("x");
        Path anotherGatewaysInUse = spooledBy(FileSpool.owner(anotherGateway));
        Path thisJvmsInUse = spooledBy(FileSpool.owner(current)); // another gateway context in this JVM
        Path notTheGateways = Files.createFile(spoolDir.resolve("notes.txt"));

        new FileSpool(properties(spoolDir));

        assertThat(List.of(ofAnExitedProcess, ofAnEarlierProcessWithThisId, ofAnEarlierProcessWithItsId, unreadable))
                .allSatisfy(leftover -> assertThat(leftover).doesNotExist());
        assertThat(List.of(anotherGatewaysInUse, thisJvmsInUse, notTheGateways)).allSatisfy(inUse -> assertThat(inUse).exists());
    }

    private Path spooledBy(String owner) throws IOException {
        return Files.createFile(spoolDir.resolve(FileSpool.PREFIX + owner + "-123.tmp"));
    }

    @Test
    void aSpoolDirOthersMayWriteToStopsTheStart() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path shared = Files.createDirectory(temp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));

        assertThatThrownBy(() -> new FileSpool(properties(shared))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("handoff.files.spool-dir").hasMessageContaining("others may write to it");
    }
}
