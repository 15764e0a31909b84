/** JMH benchmarks for the engine. */
package io.exoclone.bench;
