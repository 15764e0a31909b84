package io.exoclone.engine;

import java.util.List;

/**
 * Result of {@link Pool#check()}.
 *
 * @param problems human-readable descriptions of every broken invariant; empty when healthy
 */
public record CheckReport(List<String> problems, long nodesChecked, long extentsChecked) {
    public CheckReport {
        problems = List.copyOf(problems);
    }

    public boolean ok() {
        return problems.isEmpty();
    }
}
