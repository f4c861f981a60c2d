package io.containerlogging.core.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Finds a table's field by the name a parser reads, as fast as code that compares the name with
 * string literals: the matcher is a method handle tree built from the table (a switch on the
 * length, then a test per name of that length), and the JIT inlines it with each name a
 * constant, which a loop over the names would not give it.
 */
final class NameMatcher {

    private static final MethodHandle MATCHES;

    static {
        try {
            MATCHES = MethodHandles.lookup().findStatic(NameMatcher.class, "matches",
                    MethodType.methodType(boolean.class, String.class, int.class, String.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private NameMatcher() {
    }

    /**
     * A handle {@code (String text, int start, int length) -> F}: the field whose name is
     * {@code text[start, start + length)}, or null. Hold it in a {@code static final} field and
     * call it with {@code invokeExact}, so that the JIT inlines it.
     */
    static <F> MethodHandle of(Class<F> type, List<F> fields, Function<F, String> name) {
        int longest = 0;
        for (F field : fields) {
            longest = Math.max(longest, name.apply(field).length());
        }
        MethodHandle none = MethodHandles.dropArguments(MethodHandles.constant(type, null), 0,
                String.class, int.class);
        List<MethodHandle> byLength = new ArrayList<>();
        for (int length = 0; length <= longest; length++) {
            MethodHandle match = none;
            for (F field : fields) {
                String text = name.apply(field);
                if (text.length() == length) {
                    MethodHandle test = MethodHandles.insertArguments(MATCHES, 2, text);
                    MethodHandle found = MethodHandles.dropArguments(MethodHandles.constant(type, field), 0,
                            String.class, int.class);
                    match = MethodHandles.guardWithTest(test, found, match);
                }
            }
            byLength.add(match);
        }
        // (length, text, start) -> F, switching on the length; longer names fall to none
        MethodHandle tableSwitch = MethodHandles.tableSwitch(MethodHandles.dropArguments(none, 0, int.class),
                byLength.stream().map(h -> MethodHandles.dropArguments(h, 0, int.class)).toArray(MethodHandle[]::new));
        // (text, start, length) -> F
        return MethodHandles.permuteArguments(tableSwitch,
                MethodType.methodType(type, String.class, int.class, int.class), 2, 0, 1);
    }

    private static boolean matches(String text, int start, String name) {
        return text.startsWith(name, start);
    }
}
