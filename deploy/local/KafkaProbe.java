import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;

/**
 * Asks a broker for the cluster metadata: {@code KafkaProbe HOST:PORT}. Prints the cluster ID and
 * the number of brokers and exits 0, or prints why not and exits 1. Used by deploy/local/*.sh.
 */
public final class KafkaProbe {
    private KafkaProbe() {}

    public static void main(String[] args) {
        Map<String, Object> config =
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0],
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
                        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        try (Admin admin = Admin.create(config)) {
            DescribeClusterResult cluster = admin.describeCluster();
            String id = cluster.clusterId().get(5, TimeUnit.SECONDS);
            int brokers = cluster.nodes().get(5, TimeUnit.SECONDS).size();
            System.out.println("cluster " + id + ", " + brokers + " broker(s)");
            System.exit(brokers > 0 ? 0 : 1);
        } catch (Exception e) {
            System.out.println("unreachable: " + e);
            System.exit(1);
        }
    }
}
