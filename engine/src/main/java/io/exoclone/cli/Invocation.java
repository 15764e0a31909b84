package io.exoclone.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One command line as a client process ran it, to be run again elsewhere (inside {@code exoclone
 * serve}): its arguments after {@code @file} expansion, the directory relative paths are relative
 * to, and whether its stderr is a terminal (progress bars are drawn only then).
 */
public record Invocation(List<String> args, Path workingDirectory, boolean terminal) {
    public Invocation {
        args = List.copyOf(Objects.requireNonNull(args, "args"));
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        if (!workingDirectory.isAbsolute()) {
            throw new IllegalArgumentException(
                    "The working directory must be absolute: " + workingDirectory);
        }
    }
}
