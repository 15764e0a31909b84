/**
 * Exo-clone files on any Hadoop {@code FileSystem} ({@code hdfs://}, {@code s3a://}, {@code
 * file://}): where a file lives under a base URI, writing it under an in-progress name, and the
 * idempotent rename that publishes it under its final name.
 */
package io.exoclone.connectors.fs;
