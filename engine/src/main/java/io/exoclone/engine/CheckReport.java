package io.exoclone.engine;

import java.util.List;

/**
 * Result of {@link Pool#check()}.
 *
 * @param problems human-readable descriptions of every broken invariant; empty when healthy
 * @param space where the disk space goes, with space leaked by crashes (not a problem: {@link
 *     Pool#compact} reclaims it)
 */
public record CheckReport(
        List<String> problems, long nodesChecked, long extentsChecked, SpaceReport space) {
    public CheckReport {
        problems = List.copyOf(problems);
    }

    public boolean ok() {
        return problems.isEmpty();
    }
}
