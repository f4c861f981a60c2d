package io.containerlogging.core;

import java.util.AbstractList;
import java.util.Collection;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The {@code search} or {@code exclude} texts of a {@link LogQuery}: an immutable list of the texts
 * as given, which also carries each text prepared for matching (smart case: a text with an
 * upper-case letter is found exactly, with {@link String#indexOf(String)}; one without, ignoring
 * case, with a {@link CaseFolding.Needle}). Being the record component itself, the prepared form
 * travels with the query through {@link LogQuery#toBuilder()} and is made once per query, never
 * per message.
 */
final class SearchTexts extends AbstractList<String> implements RandomAccess {

    static final SearchTexts NONE = new SearchTexts(new String[0]);

    private final String[] texts;
    private final CaseFolding.Needle[] ignoringCase; // null where the text is matched exactly

    private SearchTexts(String[] texts) {
        this.texts = texts;
        this.ignoringCase = new CaseFolding.Needle[texts.length];
        for (int i = 0; i < texts.length; i++) {
            if (!CaseFolding.hasUpperCase(texts[i])) {
                ignoringCase[i] = new CaseFolding.Needle(texts[i]);
            }
        }
    }

    /**
     * The texts of {@code values}; reuses {@code values} if it already is one.
     *
     * @param what the criterion's name, for the exception messages
     * @throws NullPointerException if a text is null
     * @throws IllegalArgumentException if a text is empty
     */
    static SearchTexts of(Collection<String> values, String what) {
        if (values == null || values.isEmpty()) {
            return NONE;
        }
        if (values instanceof SearchTexts) {
            return (SearchTexts) values;
        }
        String[] texts = values.toArray(new String[0]);
        for (String text : texts) {
            Objects.requireNonNull(text, () -> "a " + what + " text must not be null");
            if (text.isEmpty()) {
                throw new IllegalArgumentException("a " + what + " text must not be empty");
            }
        }
        return new SearchTexts(texts);
    }

    /** True if every text occurs in {@code message}. */
    boolean allFoundIn(String message) {
        for (int i = 0; i < texts.length; i++) {
            if (!foundIn(i, message)) {
                return false;
            }
        }
        return true;
    }

    /** True if any text occurs in {@code message}. */
    boolean anyFoundIn(String message) {
        for (int i = 0; i < texts.length; i++) {
            if (foundIn(i, message)) {
                return true;
            }
        }
        return false;
    }

    private boolean foundIn(int i, String message) {
        CaseFolding.Needle needle = ignoringCase[i];
        return needle == null ? message.contains(texts[i]) : needle.foundIn(message);
    }

    @Override
    public String get(int index) {
        return texts[index];
    }

    @Override
    public int size() {
        return texts.length;
    }
}
