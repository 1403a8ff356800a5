package io.handoff.gateway.api;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.springframework.stereotype.Component;

/**
 * On an H2 file database, an answer leaves only once what it acknowledges is in the file. H2 keeps
 * commits in memory and writes them every {@code WRITE_DELAY} (500 ms), so a {@code kill -9} lost what the
 * gateway had answered in that time (GatewayKilledH2Test). H2's own cure, a write per commit
 * ({@code WRITE_DELAY=0}), also stops its background housekeeping: the file grew by half a gigabyte in
 * 100,000 relayed messages and each message cost twice the CPU. Here H2 keeps its writer, and the answers
 * ask for a write: one write for every answer waiting at that moment (group commit), not one per commit
 * (deliveries and pushes do not wait; their work is repeated after a crash anyway).
 * PostgreSQL, or an in-memory H2: nothing to do, the commit itself is the answer's guarantee.
 */
@Component
public class H2GroupWrite {

    private final MVStore store;
    private final Object lock = new Object();
    private long asked;     // callers so far; each committed what it acknowledges before asking
    private long written;   // callers whose commits are in the file
    private boolean writing;

    public H2GroupWrite(DataSource dataSource) throws SQLException {
        this.store = h2FileStore(dataSource);
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
                store.commit();
                done = true;
            } finally {
                synchronized (lock) {
                    writing = false;
                    if (done) {
                        written = Math.max(written, covers);
                    }
                    lock.notifyAll();
                }
            }
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

    private static MVStore h2FileStore(DataSource dataSource) throws SQLException {
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
