/** The Flink jobs: {@code AssembleJob} and {@code ReplicateJob}. */
package io.exoclone.jobs;
