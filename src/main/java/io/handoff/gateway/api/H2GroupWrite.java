package io.handoff.gateway.api;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import javax.sql.DataSource;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * On an H2 file database, an answer leaves only once what it acknowledges is in the file. H2 keeps
 * commits in memory and writes them every {@code WRITE_DELAY} (500 ms), so a {@code kill -9} lost what the
 * gateway had answered in that time (GatewayKilledH2Test). H2's own cure, a write per commit
 * ({@code WRITE_DELAY=0}), also stops its background housekeeping: in the bench the file grew to 557 MB in
 * 100,000 relayed messages and a message cost 2.27 ms of CPU against 1.16. Here H2 keeps its writer, and the
 * answers ask for a write: one MVStore commit for every answer waiting at that moment (group commit), not
 * one per SQL commit (deliveries and pushes do not wait; after a crash their work is done again anyway).
 * PostgreSQL, or an in-memory H2: nothing to do, the commit itself is the answer's guarantee.
 * {@code handoff.h2.write-before-answer: false} turns it off (H2's half-second window again, for its CPU).
 */
@Component
public class H2GroupWrite {

    static final Duration SAVE_TIMEOUT = Duration.ofSeconds(10);

    private final DataSource dataSource;
    private volatile MVStore store; // the open database's: H2 opens a new one after every connection closed
    private final Object lock = new Object();
    private long asked;     // callers so far; each committed what it acknowledges before asking
    private long written;   // callers whose commits are in the file
    private boolean writing;

    public H2GroupWrite(DataSource dataSource, @Value("${handoff.h2.write-before-answer}") boolean writeBeforeAnswer)
            throws SQLException {
        this.dataSource = dataSource;
        this.store = writeBeforeAnswer ? h2FileStore(dataSource) : null;
    }

    /** Returns once everything committed before the call is written to the file (by this caller or another). */
    public void writeCommitted() {
        if (store == null) {
            return;
        }
        long ticket;
        synchronized (lock) {
            ticket = ++asked;
        }
        while (true) {
            long covers;
            synchronized (lock) {
                while (writing && written < ticket) {
                    waitFor();
                }
                if (written >= ticket) {
                    return;
                }
                writing = true;
                covers = asked; // every one of them committed before this write starts
            }
            boolean done = false;
            try {
                writeAndWait();
                done = true;
            } finally {
                synchronized (lock) {
                    writing = false;
                    if (done) {
                        written = covers; // one writer at a time, and asked only grows: never less than before
                    }
                    lock.notifyAll();
                }
            }
        }
    }

    /**
     * A commit that finds nothing unwritten returns at once, though H2's own writer may still be saving
     * those changes (it writes in the background, after taking them): then wait for its chunk to be saved.
     */
    private void writeAndWait() {
        MVStore store = openStore();
        long version = store.commit(); // the version written, or -1 when nothing was left to write
        long needed = version >= 0 ? version : store.getCurrentVersion();
        long deadline = System.nanoTime() + SAVE_TIMEOUT.toNanos();
        while (store.getFileStore().lastChunkVersion() < needed) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("H2 did not save version " + needed + " within " + SAVE_TIMEOUT);
            }
            LockSupport.parkNanos(50_000); // a background save takes well under a millisecond
        }
    }

    /**
     * H2 closes a database when its last connection closes, and the next connection opens it again with a
     * store of its own; a closed store's commit writes nothing and returns at once, which would let the
     * answer leave unwritten.
     */
    private MVStore openStore() {
        MVStore current = store;
        if (!current.isClosed()) {
            return current;
        }
        try {
            MVStore reopened = h2FileStore(dataSource);
            store = reopened;
            return reopened;
        } catch (SQLException e) {
            throw new IllegalStateException("the H2 database could not be opened to write the answer's changes", e);
        }
    }

    boolean active() {
        return store != null;
    }

    private void waitFor() {
        try {
            lock.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the database was written", e);
        }
    }

    /** The MVStore of an H2 file database, or null (PostgreSQL, an in-memory H2). */
    static MVStore h2FileStore(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.isWrapperFor(JdbcConnection.class)
                    || !(connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)
                    || !session.getDatabase().isPersistent()) {
                return null;
            }
            return session.getDatabase().getStore().getMvStore();
        }
    }
}
