package io.exoclone.connectors;

import io.exoclone.engine.UnreachableException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Asks Kafka bootstrap servers for their cluster before a command starts anything, so a wrong
 * {@code --bootstrap} fails at once with one line (exit code 8) instead of a minute of client
 * retries.
 */
public final class KafkaCheck {
    /** How long the brokers get to answer. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private KafkaCheck() {}

    /**
     * Fails with an {@link UnreachableException} unless a broker of {@code bootstrap} describes its
     * cluster within {@code timeout}; returns the number of brokers it names.
     */
    public static int check(String bootstrap, Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        int ms = (int) Math.max(1_000, timeout.toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        p.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Math.min(ms, 5_000));
        // A few attempts, not one warning per 50 ms from the client while it waits.
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 2_000);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5_000);
        try (Admin admin = Admin.create(p)) {
            return admin.describeCluster().nodes().get(ms, TimeUnit.MILLISECONDS).size();
        } catch (TimeoutException | ExecutionException e) {
            throw new UnreachableException(
                    "Kafka is not reachable at "
                            + bootstrap
                            + " (no broker answered within "
                            + timeout.toSeconds()
                            + " s); is the broker up? --bootstrap takes HOST:PORT[,HOST:PORT...]",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException("Interrupted while asking Kafka at " + bootstrap, e);
        } catch (org.apache.kafka.common.KafkaException e) {
            // Bad addresses (no resolvable bootstrap server) fail when the client is created.
            throw new UnreachableException(
                    "Kafka is not reachable at " + bootstrap + ": " + e.getMessage(), e);
        }
    }
}
