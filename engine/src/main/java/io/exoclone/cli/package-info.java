/**
 * The {@code exoclone} command line: one picocli command class per verb over the engine's public
 * API.
 *
 * <p>{@link io.exoclone.cli.Main} is the entry point. Other modules add verbs by implementing
 * {@link io.exoclone.cli.CliExtension} and listing the class in {@code
 * META-INF/services/io.exoclone.cli.CliExtension}; their commands extend {@link
 * io.exoclone.cli.PoolCommand} (or use {@link io.exoclone.cli.CliContext}) to open the pool named
 * by the global {@code --pool} option and to resolve volume and snapshot names the same way the
 * built-in verbs do. Errors map to the exit codes in {@link io.exoclone.cli.ExitCodes}.
 */
package io.exoclone.cli;
