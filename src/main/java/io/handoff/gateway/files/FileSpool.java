package io.handoff.gateway.files;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Where a client's file waits between its download and its upload ({@code handoff.files.spool-dir}): on
 * disk, so a file costs the heap a buffer rather than its size. The files are clients', so on POSIX file
 * systems they are the owner's only, and the folder must be too (in a shared /tmp someone else could have
 * made it, and swap a file between its download and its upload). Names carry the process (id and start
 * time): at start-up the files of a process that is gone (a crash, kill -9) are deleted, those of another
 * instance on the same host, or of another gateway in this JVM (tests), are not.
 */
@Component
public class FileSpool {

    static final String PREFIX = "client-file-";

    private static final Logger log = LoggerFactory.getLogger(FileSpool.class);
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path dir;
    private final String prefix = PREFIX + owner(ProcessHandle.current()) + "-";

    public FileSpool(FilesProperties properties) {
        this.dir = properties.spoolDir().toAbsolutePath();
        try {
            createDir();
            checkPrivate();
            deleteLeftovers();
        } catch (IOException e) {
            throw new IllegalStateException("handoff.files.spool-dir " + dir + " is not usable: " + e, e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** A new empty file of this process, to write a download to; deleted on close unless kept. */
    public Writer create() {
        try {
            return new Writer(newFile());
        } catch (IOException e) {
            throw failed(e);
        }
    }

    /** Deletes a spooled file; never throws (a file left over is deleted at the next start-up). */
    public static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException | RuntimeException e) {
            log.warn("spooled file {} not deleted: {}", file.getFileName(), e.toString());
        }
    }

    private Path newFile() throws IOException {
        try {
            return Files.createTempFile(dir, prefix, ".tmp", ownerOnly("rw-------"));
        } catch (NoSuchFileException e) {
            createDir(); // a /tmp cleaner removed the folder while the gateway ran
            return Files.createTempFile(dir, prefix, ".tmp", ownerOnly("rw-------"));
        }
    }

    private void createDir() throws IOException {
        Files.createDirectories(dir, ownerOnly("rwx------"));
    }

    /** Nobody else may rename, replace or delete what is in the folder: it is this user's, not writable by others. */
    private void checkPrivate() throws IOException {
        if (!POSIX) {
            return;
        }
        PosixFileAttributes folder = Files.readAttributes(dir, PosixFileAttributes.class);
        Path probe = newFile();
        try {
            if (!folder.owner().equals(Files.getOwner(probe))) {
                throw new IOException("it belongs to " + folder.owner().getName() + ", not to the gateway's user");
            }
        } finally {
            Files.delete(probe);
        }
        if (folder.permissions().contains(PosixFilePermission.GROUP_WRITE)
                || folder.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException("others may write to it (" + PosixFilePermissions.toString(folder.permissions()) + ")");
        }
    }

    /** Files of a process that is gone: none with its id runs, or one that started at another time (a reused id). */
    private void deleteLeftovers() throws IOException {
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path file : files) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !ofALiveProcess(file)) {
                    delete(file);
                    deleted++;
                }
            }
        }
        if (deleted > 0) {
            log.info("deleted {} client files left in {} by a gateway that stopped without cleaning up", deleted, dir);
        }
    }

    private static boolean ofALiveProcess(Path file) {
        String name = file.getFileName().toString();
        String rest = name.substring(PREFIX.length());
        int dash = rest.indexOf('-');
        try {
            return ProcessHandle.of(Long.parseLong(dash < 0 ? rest : rest.substring(0, dash)))
                    .map(process -> name.startsWith(PREFIX + owner(process) + "-")).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The process id and start time: an id alone may be reused (a container's gateway is always pid 1). */
    static String owner(ProcessHandle process) {
        return process.pid() + "-" + process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    private static FileAttribute<?>[] ownerOnly(String permissions) {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))}
                : new FileAttribute<?>[0];
    }

    /** Not the client's fault, and may pass (a full disk): unchecked, so the queue tries the message again. */
    private UncheckedIOException failed(IOException e) {
        return new UncheckedIOException("handoff.files.spool-dir " + dir + ": " + e.getMessage(), e);
    }

    /** A download being written; {@link #close()} deletes the file unless {@link #keep()} was called. */
    public final class Writer implements AutoCloseable {

        private final Path file;
        private final OutputStream out;
        private long size;
        private boolean kept;

        private Writer(Path file) throws IOException {
            this.file = file;
            try {
                this.out = Files.newOutputStream(file);
            } catch (IOException | RuntimeException e) {
                delete(file);
                throw e;
            }
        }

        public void write(byte[] bytes, int offset, int length) {
            try {
                out.write(bytes, offset, length);
            } catch (IOException e) {
                throw failed(e);
            }
            size += length;
        }

        public long size() {
            return size;
        }

        /** The complete file, which its new owner deletes. */
        public Path keep() {
            try {
                out.close();
            } catch (IOException e) {
                throw failed(e);
            }
            kept = true;
            return file;
        }

        @Override
        public void close() {
            if (!kept) {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // deleted anyway
                }
                delete(file);
            }
        }
    }
}
