#!/usr/bin/env bash
# The local Kafka broker: one KRaft process in combined mode (broker and controller), listening on
# 127.0.0.1 only, its data under $EXOCLONE_LOCAL_DIR/kafka/data (kept across restarts).
#
# Usage: kafka.sh start|stop|restart|status
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

write_server_properties() {
    mkdir -p "$WORK/kafka/data"
    cat >"$WORK/conf/server.properties" <<CONF
# Written by deploy/local/kafka.sh: one broker in KRaft combined mode on $LOCAL_HOST.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$LOCAL_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$LOCAL_HOST:$KAFKA_PORT,CONTROLLER://$LOCAL_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$LOCAL_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$WORK/kafka/data
num.partitions=1
auto.create.topics.enable=true
# One broker: every internal topic has a single replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# Flink's exactly-once Kafka sink opens transactions of up to one hour by default.
transaction.max.timeout.ms=3600000
CONF
}

start() {
    load_ports
    if pid="$(running_pid kafka)"; then
        log "kafka: already running (pid $pid) on $KAFKA_BOOTSTRAP"
        return 0
    fi
    port_in_use "$KAFKA_PORT" && die "port $KAFKA_PORT (ports.env KAFKA_PORT) is taken by another process"
    [ -f "$WORK/conf/log4j2.properties" ] || write_log_config
    write_server_properties
    local cp
    cp="$(cluster_classpath)"
    if [ ! -f "$WORK/kafka/data/meta.properties" ]; then
        local id
        id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
        log "kafka: formatting storage (cluster $id)"
        "$JAVA" -Xmx128m -Dlog4j2.configurationFile="$ROOT/deploy/log4j2-cli.xml" -cp "$cp" \
            kafka.tools.StorageTool format --cluster-id="$id" -c "$WORK/conf/server.properties" \
            --standalone >"$WORK/log/kafka-format.out" 2>&1 ||
            { cat "$WORK/log/kafka-format.out" >&2; die "kafka: could not format $WORK/kafka/data"; }
    fi
    log "kafka: starting on $KAFKA_BOOTSTRAP"
    spawn kafka -Xms128m -Xmx384m -XX:+UseG1GC -cp "$cp" kafka.Kafka "$WORK/conf/server.properties"
    wait_for kafka 90 kafka_probe
    log "kafka: up (pid $(running_pid kafka))"
}

stop() { terminate kafka; }

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    restart) stop && start ;;
    status)
        load_ports
        if pid="$(running_pid kafka)"; then echo "kafka running (pid $pid) on $KAFKA_BOOTSTRAP"; else
            echo "kafka stopped"
            exit 1
        fi
        ;;
    *)
        echo "usage: $0 start|stop|restart|status" >&2
        exit 2
        ;;
esac
