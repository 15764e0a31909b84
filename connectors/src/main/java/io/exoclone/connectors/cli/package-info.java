/**
 * The connectors' verbs of the {@code exoclone} command line, found through {@link
 * io.exoclone.cli.CliExtension}: {@code stream} (the change feed) and {@code events tail}.
 */
package io.exoclone.connectors.cli;
