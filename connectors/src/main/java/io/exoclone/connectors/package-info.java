/** Adapters between the engine and Kafka, Flink and Hadoop file systems. */
package io.exoclone.connectors;
