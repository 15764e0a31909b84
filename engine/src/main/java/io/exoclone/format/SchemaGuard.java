package io.exoclone.format;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * Refuses writer schemas whose data could make decoding loop or recurse without bound: recursive
 * named types, and arrays whose items can encode to zero bytes (a block could then claim billions
 * of items while holding none). Every other value costs at least one byte of a bounded block.
 */
final class SchemaGuard {
    private final Set<String> enclosing = new HashSet<>();
    private final Set<String> checked = new HashSet<>();
    private final Map<String, Boolean> empty = new HashMap<>();

    private SchemaGuard() {}

    /** Why the schema is refused, or null. */
    static String problem(Schema schema) {
        return new SchemaGuard().walk(schema);
    }

    private String walk(Schema s) {
        switch (s.getType()) {
            case RECORD:
                String name = s.getFullName();
                if (enclosing.contains(name)) {
                    return "without recursive types, got recursive " + name;
                }
                if (!checked.add(name)) {
                    return null;
                }
                enclosing.add(name);
                for (Schema.Field f : s.getFields()) {
                    String p = walk(f.schema());
                    if (p != null) {
                        return p;
                    }
                }
                enclosing.remove(name);
                return null;
            case ARRAY:
                if (canBeEmpty(s.getElementType())) {
                    return "without arrays of zero-byte items";
                }
                return walk(s.getElementType());
            case MAP:
                return walk(s.getValueType());
            case UNION:
                for (Schema branch : s.getTypes()) {
                    String p = walk(branch);
                    if (p != null) {
                        return p;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    /** Whether a value of the type can encode to zero bytes. Recursion counts as "no". */
    private boolean canBeEmpty(Schema s) {
        switch (s.getType()) {
            case NULL:
                return true;
            case FIXED:
                return s.getFixedSize() == 0;
            case RECORD:
                Boolean known = empty.get(s.getFullName());
                if (known != null) {
                    return known;
                }
                empty.put(s.getFullName(), false);
                boolean all = true;
                for (Schema.Field f : s.getFields()) {
                    all &= canBeEmpty(f.schema());
                }
                empty.put(s.getFullName(), all);
                return all;
            default:
                return false;
        }
    }
}
