package io.containerlogging.opensearch;

import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.query_dsl.Query;

/**
 * The filter language ({@code search}, {@code exclude}, {@code regex}, {@code fields}) as
 * OpenSearch clauses over the document fields {@code message.keyword} and {@code fieldValues}.
 *
 * <p>Smart case becomes a {@code wildcard} query {@code *text*} on {@code message.keyword} for a
 * text with an upper-case letter, and a {@code regexp} of case classes ({@link CaseClasses}) for
 * one without. A message longer than the keyword's
 * {@code ignore_above} ({@value #MAX_KEYWORD} characters, Lucene's term limit) has no keyword, so
 * no server-side text clause can judge it: every text clause also lets such messages through
 * ({@code must_not exists message.keyword}), and the backend checks them itself. A regex becomes a
 * {@code regexp} query where {@link RegexTranslation} has an exact Lucene equivalent, and is
 * otherwise left to the backend entirely. Fields are exact {@code term}s on
 * {@code fieldValues}, one keyword {@code path<US>text} per field ({@link #fieldEntry}): a keyword
 * of the value's JSON text rather than a {@code flat_object}, so that a number, a boolean and a
 * string compare by exactly the text the local backend compares ({@code LogFields.textOf}),
 * whatever OpenSearch would make of their types.
 *
 * <p>The backend re-checks every returned message with {@link LogQuery#matches}, so results are
 * always exact; {@link Plan#exactForIndexed()} says whether a count may trust the server for the
 * messages that have a keyword.
 */
final class TextFilterQueries {

    static final String KEYWORD = "message.keyword";
    static final String FIELD_VALUES = "fieldValues";
    /** The keyword's ignore_above in index-mapping.json: 4 bytes a character stay within Lucene's 32 766. */
    static final int MAX_KEYWORD = 8191;
    /** Between a field's path and its text in {@link #FIELD_VALUES}: the ASCII unit separator. */
    static final char SEPARATOR = '\u001f';

    /**
     * The server's part of a query's text and field filters.
     *
     * @param clauses filter clauses (all must hold); a superset of the true matches
     * @param exactForIndexed whether, for messages with a keyword, the clauses are exact: no regex
     *     was left to the backend and every field is indexed
     */
    record Plan(List<Query> clauses, boolean exactForIndexed) {
        static final Plan NONE = new Plan(List.of(), true);
    }

    private TextFilterQueries() {
    }

    /**
     * The clauses for {@code query}'s text and field filters.
     *
     * @param translateRegex false to leave every regex to the backend (after the server refused a
     *     translated one, e.g. as too complex)
     */
    static Plan plan(LogQuery query, boolean translateRegex) {
        if (!query.hasTextOrFieldFilters()) {
            return Plan.NONE;
        }
        List<Query> clauses = new ArrayList<>();
        boolean exact = true;
        for (String text : query.search()) {
            Query contains = contains(text);
            if (contains == null) {
                exact = false;
            } else {
                clauses.add(orWithoutKeyword(contains));
            }
        }
        for (String text : query.exclude()) {
            // A long message is never excluded here (it has no keyword): the backend checks it.
            Query contains = contains(text);
            if (contains == null) {
                exact = false;
            } else {
                clauses.add(Query.of(q -> q.bool(b -> b.mustNot(contains))));
            }
        }
        for (String pattern : query.regex()) {
            RegexTranslation.Lucene lucene = translateRegex ? RegexTranslation.translate(pattern) : null;
            if (lucene == null) {
                exact = false;
                continue;
            }
            clauses.add(orWithoutKeyword(Query.of(q -> q.regexp(r -> r.field(KEYWORD).value(lucene.regexp())
                    .caseInsensitive(lucene.caseInsensitive() ? true : null)))));
        }
        for (Map.Entry<String, String> field : query.fields().entrySet()) {
            String entry = fieldEntry(field.getKey(), field.getValue());
            if (entry == null) {
                exact = false;
                continue;
            }
            clauses.add(Query.of(q -> q.term(t -> t.field(FIELD_VALUES).value(FieldValue.of(entry)))));
        }
        return new Plan(clauses, exact);
    }

    /** Messages that have no keyword: too long for the server's text clauses, judged by the backend. */
    static Query withoutKeyword() {
        return Query.of(q -> q.bool(b -> b.mustNot(m -> m.exists(e -> e.field(KEYWORD)))));
    }

    /** Messages that have a keyword. */
    static Query withKeyword() {
        return Query.of(q -> q.exists(e -> e.field(KEYWORD)));
    }

    private static Query orWithoutKeyword(Query clause) {
        return Query.of(q -> q.bool(b -> b.should(clause).should(withoutKeyword()).minimumShouldMatch("1")));
    }

    /**
     * A clause true for messages with a keyword that contains {@code text} (smart case), or null
     * if there is none within OpenSearch's limits.
     */
    private static Query contains(String text) {
        if (LogQuery.isCaseSensitive(text)) {
            String value = "*" + escapeWildcard(text) + "*";
            return Query.of(q -> q.wildcard(w -> w.field(KEYWORD).value(value)));
        }
        // Not wildcard's case_insensitive: it folds ASCII only, while the local backend finds
        // "écrit" in "ÉCRIT" and "ok" in "o\u212A" (Kelvin sign). A regexp whose classes hold
        // every character of the same fold is exact.
        String regexp = CaseClasses.containsIgnoringCase(text);
        if (regexp == null) {
            return null;
        }
        return Query.of(q -> q.regexp(r -> r.field(KEYWORD).value(regexp)));
    }

    static String escapeWildcard(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*' || c == '?' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * The {@link #FIELD_VALUES} entry for a field: {@code path}, the separator, the value's JSON
     * text ({@link LogFields#textOf}); null if it cannot be indexed exactly (the path holds the
     * separator, or the entry is longer than a keyword keeps).
     */
    static String fieldEntry(String path, String text) {
        if (path.indexOf(SEPARATOR) >= 0 || path.length() + 1 + text.length() > MAX_KEYWORD) {
            return null;
        }
        return path + SEPARATOR + text;
    }
}
