package io.handoff.gateway.conversation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Wake-ups between the instances sharing one database: "something of {@code key} changed on
 * {@code channel}, look again". On PostgreSQL a {@code NOTIFY} sent in the transaction that stored the
 * change (so it arrives only if, and after, it committed) and a {@code LISTEN} on a dedicated
 * connection, not one of the pool's, that reconnects after a failure. This instance's own listeners are
 * called after the commit without the round trip. A notification is only a hint: listeners re-read the
 * table, and whoever relies on one also polls, for notifications lost while the listening connection was
 * down, and on H2 (one instance: local calls only).
 */
@Component
public class DatabaseNotifications implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DatabaseNotifications.class);
    private static final Pattern CHANNEL = Pattern.compile("[a-z_][a-z0-9_]{0,40}");
    /** How long one wait for notifications lasts: new channels are listened to and stopping is seen this often. */
    private static final int WAIT_MILLIS = 500;
    /** A quiet connection is checked this often, so a silently dead one is replaced. */
    private static final long CHECK_MILLIS = 10_000;
    private static final long MAX_RECONNECT_DELAY_MILLIS = 10_000;

    private final JdbcTemplate jdbc;
    private final DataSourceProperties dataSource;
    private final String instance;
    private final boolean postgres;
    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    private volatile String schemaSuffix;
    private volatile boolean running;
    private volatile boolean connected;
    private Thread listening;

    public DatabaseNotifications(JdbcTemplate jdbc, DataSourceProperties dataSource, InstanceId instance) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.instance = instance.value();
        String url = dataSource.determineUrl();
        this.postgres = url != null && url.startsWith("jdbc:postgresql:");
    }

    /**
     * Tells every instance's listeners of {@code channel} about {@code key}. Inside a transaction it goes
     * out when (and only if) that commits; outside one at once. Never throws for the local listeners.
     */
    public void notify(String channel, String key) {
        checkChannel(channel);
        if (postgres) {
            // the sender's id first: its own listening connection hears it too, and skips it (told locally below)
            jdbc.queryForList("select pg_notify(?, ?)", scoped(channel), instance + " " + key);
        }
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    tell(channel, key);
                }
            });
        } else {
            tell(channel, key);
        }
    }

    /**
     * Calls {@code listener} with the key of every notification on {@code channel}, this instance's and the
     * others'. It runs on the listening thread (or the committing one): it must return quickly and not throw.
     */
    public void listen(String channel, Consumer<String> listener) {
        checkChannel(channel);
        listeners.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(listener);
    }

    /** Whether other instances' notifications reach this one now (PostgreSQL, listening connection up). */
    public boolean crossInstance() {
        return connected;
    }

    private void tell(String channel, String key) {
        for (Consumer<String> listener : listeners.getOrDefault(channel, List.of())) {
            try {
                listener.accept(key);
            } catch (RuntimeException e) {
                log.warn("notification listener of {} failed: {}", channel, e.toString());
            }
        }
    }

    private void listenLoop() {
        long delay = 1_000;
        while (running) {
            try (Connection connection = DriverManager.getConnection(dataSource.determineUrl(), connectionProperties())) {
                receive(connection);
                delay = 1_000;
            } catch (SQLException | RuntimeException e) {
                if (connected || delay == 1_000) {
                    log.warn("database notifications: listening connection failed ({}); other instances' changes are "
                            + "found by polling until it is back", e.toString());
                }
                connected = false;
                pause(delay);
                delay = Math.min(delay * 2, MAX_RECONNECT_DELAY_MILLIS);
            }
        }
    }

    /** The pool's credentials; the name shows the connection in pg_stat_activity as this instance's listener. */
    private Properties connectionProperties() {
        Properties properties = new Properties();
        if (dataSource.determineUsername() != null) {
            properties.setProperty("user", dataSource.determineUsername());
        }
        if (dataSource.determinePassword() != null) {
            properties.setProperty("password", dataSource.determinePassword());
        }
        properties.setProperty("ApplicationName", applicationName());
        return properties;
    }

    /** {@code application_name} of the listening connection in pg_stat_activity. */
    public String applicationName() {
        return ("handoff notifications " + instance).substring(0, Math.min(63, 22 + instance.length()));
    }

    private void receive(Connection connection) throws SQLException {
        PGConnection pg = connection.unwrap(PGConnection.class);
        Set<String> listened = new HashSet<>();
        long checkedAt = System.currentTimeMillis();
        try (Statement sql = connection.createStatement()) {
            while (running) {
                for (String channel : listeners.keySet()) {
                    if (listened.add(channel)) {
                        sql.execute("listen " + scoped(channel)); // checked against CHANNEL: a plain identifier
                    }
                }
                if (!connected) {
                    connected = true;
                    log.info("database notifications: listening on {}", listened);
                }
                PGNotification[] received = pg.getNotifications(WAIT_MILLIS);
                long now = System.currentTimeMillis();
                if (received != null && received.length > 0) {
                    checkedAt = now;
                    for (PGNotification notification : received) {
                        deliver(notification);
                    }
                } else if (now - checkedAt > CHECK_MILLIS) {
                    sql.execute("select 1");
                    checkedAt = now;
                }
            }
        }
    }

    private void deliver(PGNotification notification) {
        String payload = notification.getParameter();
        int space = payload.indexOf(' ');
        if (space < 0 || payload.substring(0, space).equals(instance)) {
            return; // this instance's own, already told after its commit (or not ours)
        }
        String channel = notification.getName();
        tell(channel.substring(0, channel.length() - schemaSuffix().length()), payload.substring(space + 1));
    }

    /**
     * The channel as PostgreSQL knows it: channels are per database, not per schema, so the schema's hash
     * is appended, and gateways on other schemas of the same database (another deployment, other tests)
     * are not woken by these.
     */
    private String scoped(String channel) {
        return channel + schemaSuffix();
    }

    private String schemaSuffix() {
        String suffix = schemaSuffix;
        if (suffix == null) {
            String schema = String.valueOf(jdbc.queryForObject("select current_schema()", String.class));
            suffix = "_" + HexFormat.of().formatHex(sha256(schema)).substring(0, 12);
            schemaSuffix = suffix;
        }
        return suffix;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static void checkChannel(String channel) {
        if (channel == null || !CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException("channel must be a lower-case identifier: " + channel);
        }
    }

    @Override
    public void start() {
        running = true;
        if (postgres) {
            listening = new Thread(this::listenLoop, "db-notifications");
            listening.setDaemon(true);
            listening.start();
        }
    }

    @Override
    public void stop() {
        running = false;
        connected = false;
        if (listening != null) {
            listening.interrupt();
            try {
                listening.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
