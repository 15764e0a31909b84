package io.exoclone.cli;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.ParseResult;

/**
 * Relative file arguments of a command line that runs in another process than the one that typed
 * it: every matched option or parameter of type {@link Path} or {@link File} (alone or in a
 * collection) is resolved against the client's working directory. {@code -} (stdin or stdout) is
 * left alone.
 */
final class WorkingDirectory {
    private WorkingDirectory() {}

    static void resolvePaths(ParseResult parsed, Path cwd) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            for (ArgSpec arg : p.matchedArgs()) {
                Object value = arg.getValue();
                if (value instanceof Collection<?> values && !(value instanceof Path)) {
                    List<Object> resolved = new ArrayList<>(values.size());
                    boolean changed = false;
                    for (Object v : values) {
                        Object r = resolve(v, cwd);
                        changed |= r != v;
                        resolved.add(r);
                    }
                    if (changed) {
                        @SuppressWarnings("unchecked")
                        Collection<Object> target = (Collection<Object>) values;
                        target.clear();
                        target.addAll(resolved);
                    }
                } else {
                    Object r = resolve(value, cwd);
                    if (r != value) {
                        arg.setValue(r);
                    }
                }
            }
        }
    }

    private static Object resolve(Object value, Path cwd) {
        if (value instanceof Path p && !p.isAbsolute() && !p.toString().equals("-")) {
            return cwd.resolve(p);
        }
        if (value instanceof File f && !f.isAbsolute() && !f.getPath().equals("-")) {
            return cwd.resolve(f.getPath()).toFile();
        }
        return value;
    }
}
