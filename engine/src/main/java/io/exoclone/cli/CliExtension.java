package io.exoclone.cli;

import picocli.CommandLine;

/**
 * Adds verbs to the {@code exoclone} command line from another module.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}: list the class in {@code
 * META-INF/services/io.exoclone.cli.CliExtension}. {@link Main} calls {@link #register} once, after
 * the built-in verbs are in place, with the root command; the usual body is {@code
 * root.addSubcommand(new MyCommand())}. A command class should extend {@link PoolCommand} when it
 * works on a pool, so it opens the pool and reports errors like every other verb. The global
 * options ({@code --pool}, {@code --debug}) and {@code --help} reach added commands automatically.
 *
 * <p>An extension that fails to load or register is reported as a warning on stderr; the other
 * verbs keep working.
 */
public interface CliExtension {
    /**
     * Adds subcommands to {@code root}. Must not replace or remove existing ones: a verb name that
     * is already taken makes picocli throw, and the extension is skipped with a warning.
     */
    void register(CommandLine root);
}
