/**
 * The exo-clone file format: an immutable, self-describing file holding the change between a
 * snapshot and its parent (specified in {@code FORMAT.md} at the repository root).
 *
 * <p>{@link io.exoclone.format.ExocloneWriter} streams a file without ever seeking back, {@link
 * io.exoclone.format.ExocloneReader} opens and verifies one, {@link
 * io.exoclone.format.SizeEstimator} predicts the size of an uncompressed file, {@link
 * io.exoclone.format.Signing} makes and checks Ed25519 signatures and {@link
 * io.exoclone.format.Inspect} is what {@code exoclone inspect} prints. This package knows nothing
 * of pools: the engine's export and import use it.
 */
package io.exoclone.format;
