package io.containerlogging.opensearch;

import io.containerlogging.core.LogId;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.SourceType;
import jakarta.json.stream.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.Conflicts;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.mapping.TypeMapping;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.transport.OpenSearchTransport;

/**
 * Everything {@link OpenSearchLogBackend} asks of OpenSearch, through the official client: the
 * index template, bulk writes, queries, counts, refresh and retention. Knows the index layout:
 * one index per UTC day of the message timestamp, {@code <prefix>-yyyy.MM.dd}, all read through
 * the pattern {@code <prefix>-*}.
 *
 * <p>The filter language ({@code search}, {@code exclude}, {@code regex}, {@code fields}) is
 * narrowed on the server ({@link TextFilterQueries}) and every hit re-checked here with
 * {@link LogQuery#matches}, so results equal the local backend's: a regex without a Lucene
 * equivalent, or a line too long for the keyword index, costs a scan of the server's candidates.
 *
 * <p>Thread-safety: thread-safe (the client is); holds no state of its own but names.
 */
final class OpenSearchStore implements AutoCloseable {

    /** The most hits one search request returns; OpenSearch's default max_result_window. */
    static final int PAGE_SIZE = 10_000;

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("uuuu.MM.dd");

    private final OpenSearchTransport transport;
    private final OpenSearchClient client;
    private final String prefix;
    private final String pattern;

    OpenSearchStore(OpenSearchTransport transport, String prefix) {
        this.transport = transport;
        this.client = new OpenSearchClient(transport);
        this.prefix = prefix;
        this.pattern = prefix + "-*";
    }

    // ---- layout -------------------------------------------------------------------------------

    /** The index that holds messages with this timestamp. */
    String indexFor(Instant timestamp) {
        return prefix + "-" + DAY.format(LocalDate.ofEpochDay(Math.floorDiv(timestamp.getEpochSecond(), 86_400L)));
    }

    /** The day an index of ours holds, or null if {@code index} is not one of ours. */
    LocalDate dayOf(String index) {
        if (!index.startsWith(prefix + "-")) {
            return null;
        }
        try {
            return LocalDate.parse(index.substring(prefix.length() + 1), DAY);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    // ---- writing ------------------------------------------------------------------------------

    /**
     * Installs (or replaces) the index template {@code <prefix>} for {@code <prefix>-*} with the
     * mapping in {@code index-mapping.json}, so every daily index is created with it.
     */
    void putTemplate() throws IOException {
        TypeMapping mapping = loadMapping(transport.jsonpMapper());
        client.indices().putIndexTemplate(t -> t.name(prefix).indexPatterns(pattern).priority(100)
                .template(m -> m.mappings(mapping)));
    }

    private static TypeMapping loadMapping(JsonpMapper mapper) {
        try (InputStream in = OpenSearchStore.class.getResourceAsStream("index-mapping.json")) {
            if (in == null) {
                throw new IllegalStateException("index-mapping.json missing from the classpath");
            }
            JsonParser parser = mapper.jsonProvider().createParser(new InputStreamReader(in, StandardCharsets.UTF_8));
            return TypeMapping._DESERIALIZER.deserialize(parser, mapper);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Indexes {@code messages} in one bulk request. The document id is the message id, so a
     * retried request overwrites instead of duplicating.
     */
    BulkResponse bulk(List<LogMessage> messages) throws IOException {
        return bulk(messages, false);
    }

    /**
     * Indexes messages forwarded from devices in one bulk request, each as
     * {@link LogDocument#forwarded} under {@link LogDocument#forwardedId}: a re-delivery
     * overwrites, and devices with the same log ids do not collide.
     */
    BulkResponse bulkForwarded(List<LogMessage> messages) throws IOException {
        return bulk(messages, true);
    }

    private BulkResponse bulk(List<LogMessage> messages, boolean forwarded) throws IOException {
        List<BulkOperation> operations = new ArrayList<>(messages.size());
        String lastIndex = null;
        long lastDay = Long.MIN_VALUE;
        for (LogMessage message : messages) {
            long day = Math.floorDiv(message.timestamp().getEpochSecond(), 86_400L);
            if (day != lastDay) { // batches are mostly one day: format its name once
                lastDay = day;
                lastIndex = indexFor(message.timestamp());
            }
            String index = lastIndex;
            LogDocument document = forwarded ? LogDocument.forwarded(message)
                    : new LogDocument(message, LogId.sequence(message.id()));
            String id = forwarded ? LogDocument.forwardedId(message) : message.id();
            operations.add(BulkOperation.of(o -> o.index(i -> i.index(index).id(id).document(document))));
        }
        return client.bulk(b -> b.operations(operations));
    }

    // ---- reading ------------------------------------------------------------------------------

    /** The stored messages matching {@code query}, with the limit and cursor semantics of {@link io.containerlogging.core.LogBackend#getLogs}. */
    List<LogMessage> search(LogQuery query) throws IOException {
        if (query.limit() != null && query.limit() == 0) {
            return List.of();
        }
        try {
            return search(query, true);
        } catch (OpenSearchException e) {
            if (!usesRegexp(query)) {
                throw e;
            }
            // A translated regex the server would not run (e.g. too many automaton states): leave
            // every regex to the re-check below instead.
            return search(query, false);
        }
    }

    private List<LogMessage> search(LogQuery query, boolean translateRegex) throws IOException {
        TextFilterQueries.Plan plan = TextFilterQueries.plan(query, translateRegex);
        Query filter = toQuery(query, plan.clauses());
        // The server's text clauses are a superset (long lines, regexes it cannot run): re-check.
        boolean recheck = query.hasTextOrFieldFilters();
        // With a limit and no cursor: the newest, so walk backwards and reverse at the end.
        boolean newestFirst = query.limit() != null && query.afterId() == null;
        int wanted = query.limit() == null ? Integer.MAX_VALUE : query.limit();
        List<LogMessage> result = new ArrayList<>(Math.min(wanted, PAGE_SIZE));
        scan(filter, newestFirst ? SortOrder.Desc : SortOrder.Asc, wanted, message -> {
            if (!recheck || query.matches(message)) {
                result.add(message);
            }
            return result.size() < wanted;
        });
        if (newestFirst) {
            Collections.reverse(result);
        }
        return result;
    }

    /**
     * Visits the messages matching {@code filter} in sequence order, page by page, until the
     * visitor returns false or none are left.
     *
     * <p>Messages forwarded from several devices share sequence numbers (each device counts its
     * own), so a page may end between two documents with the same {@code seq}. Each next page
     * therefore starts at the last page's final {@code seq}, not after it, and skips the
     * documents of that {@code seq} already visited; a backend's own documents have unique
     * numbers and cost one repeated hit per page.
     *
     * @param pageHint how many the caller expects to want, to size the first page
     * @throws IOException also if more documents than a page share one sequence number
     */
    private void scan(Query filter, SortOrder order, int pageHint, java.util.function.Predicate<LogMessage> visitor)
            throws IOException {
        long boundary = 0; // the seq of the last message visited; 0: none yet
        Set<String> visitedAtBoundary = new HashSet<>(); // their document ids
        while (true) {
            int size = Math.min(PAGE_SIZE, Math.max(pageHint, 1));
            Long after = boundary == 0 ? null : (order == SortOrder.Asc ? boundary - 1 : boundary + 1);
            SearchResponse<JsonData> response = client.search(s -> {
                s.index(pattern).ignoreUnavailable(true).allowNoIndices(true).query(filter).size(size)
                        .sort(o -> o.field(f -> f.field(LogDocument.SEQ).order(order)));
                if (after != null) {
                    s.searchAfter(FieldValue.of(after));
                }
                return s;
            }, JsonData.class);
            List<Hit<JsonData>> hits = response.hits().hits();
            int fresh = 0;
            for (Hit<JsonData> hit : hits) {
                LogMessage message = toMessage(hit.source());
                long seq = LogId.sequence(message.id());
                if (seq == boundary && !visitedAtBoundary.add(hit.id())) {
                    continue; // visited on the previous page
                }
                if (seq != boundary) {
                    boundary = seq;
                    visitedAtBoundary.clear();
                    visitedAtBoundary.add(hit.id());
                }
                fresh++;
                if (!visitor.test(message)) {
                    return;
                }
            }
            if (hits.size() < size) {
                return;
            }
            if (fresh == 0) {
                throw new IOException("cannot page on: more than " + size + " documents share sequence number "
                        + boundary);
            }
            pageHint = PAGE_SIZE; // the filter is re-checked: later pages may be needed in full
        }
    }

    private LogMessage toMessage(JsonData source) {
        return LogJson.fromJson(source.toJson(transport.jsonpMapper()).toString());
    }

    /** The number of stored messages matching {@code query}; its limit is ignored. */
    long count(LogQuery query) throws IOException {
        try {
            return count(query, true);
        } catch (OpenSearchException e) {
            if (!usesRegexp(query)) {
                throw e;
            }
            return count(query, false);
        }
    }

    private long count(LogQuery query, boolean translateRegex) throws IOException {
        TextFilterQueries.Plan plan = TextFilterQueries.plan(query, translateRegex);
        if (!query.hasTextOrFieldFilters()) {
            return serverCount(toQuery(query, List.of()));
        }
        long[] matching = new long[1];
        if (!plan.exactForIndexed()) {
            // A regex (or field) the server cannot judge exactly: it narrows, we count.
            scan(toQuery(query, plan.clauses()), SortOrder.Asc, PAGE_SIZE, message -> {
                if (query.matches(message)) {
                    matching[0]++;
                }
                return true;
            });
            return matching[0];
        }
        // Exact on the server for messages with a keyword; the few longer ones are checked here.
        List<Query> indexed = new ArrayList<>(plan.clauses());
        indexed.add(TextFilterQueries.withKeyword());
        List<Query> unindexed = new ArrayList<>(plan.clauses());
        unindexed.add(TextFilterQueries.withoutKeyword());
        scan(toQuery(query, unindexed), SortOrder.Asc, 100, message -> {
            if (query.matches(message)) {
                matching[0]++;
            }
            return true;
        });
        return serverCount(toQuery(query, indexed)) + matching[0];
    }

    private long serverCount(Query filter) throws IOException {
        return client.count(c -> c.index(pattern).ignoreUnavailable(true).allowNoIndices(true).query(filter)).count();
    }

    private static boolean usesRegexp(LogQuery query) {
        return query.regex().stream().anyMatch(p -> RegexTranslation.translate(p) != null);
    }

    /** The highest stored sequence number with this device slot, or 0 if there is none. */
    long maxSequence(int slot) throws IOException {
        refresh(); // a previous run's last writes may not be searchable yet
        SearchResponse<JsonData> response = client.search(s -> s.index(pattern).ignoreUnavailable(true)
                .allowNoIndices(true).size(1).source(src -> src.fetch(false))
                .query(q -> q.term(t -> t.field(LogDocument.SEQ_SLOT).value(FieldValue.of(slot))))
                .sort(o -> o.field(f -> f.field(LogDocument.SEQ).order(SortOrder.Desc))), JsonData.class);
        List<Hit<JsonData>> hits = response.hits().hits();
        if (hits.isEmpty() || hits.get(0).sort().isEmpty()) {
            return 0;
        }
        return hits.get(0).sort().get(0).longValue();
    }

    /** Makes everything indexed so far searchable. */
    void refresh() throws IOException {
        client.indices().refresh(r -> r.index(pattern).ignoreUnavailable(true).allowNoIndices(true));
    }

    // ---- retention ----------------------------------------------------------------------------

    /**
     * Removes every message with a timestamp before {@code cutoff}: deletes each daily index
     * that ends at or before the cutoff, and deletes by query the older part of the index of the
     * cutoff's own day.
     *
     * @return how many messages were removed
     */
    long deleteBefore(Instant cutoff) throws IOException {
        LocalDate cutoffDay = LocalDate.ofEpochDay(Math.floorDiv(cutoff.getEpochSecond(), 86_400L));
        List<String> indices = new ArrayList<>(client.indices()
                .get(g -> g.index(pattern).ignoreUnavailable(true).allowNoIndices(true)).result().keySet());
        long removed = 0;
        for (String index : indices) {
            LocalDate day = dayOf(index);
            if (day == null || day.isAfter(cutoffDay)) {
                continue;
            }
            if (day.isBefore(cutoffDay)) { // the whole day is before the cutoff
                removed += client.count(c -> c.index(index)).count();
                client.indices().delete(d -> d.index(index));
            } else {
                Query older = Query.of(q -> q.range(r -> r.field(LogJson.TIME_FIELD)
                        .lt(JsonData.of(LogJson.formatTime(cutoff)))));
                Long deleted = client.deleteByQuery(d -> d.index(index).query(older).refresh(Refresh.True)
                        .conflicts(Conflicts.Proceed)).deleted();
                removed += deleted == null ? 0 : deleted;
            }
        }
        return removed;
    }

    // ---- query mapping ------------------------------------------------------------------------

    /**
     * {@code query}'s criteria (not its limit) as one filter-context bool query, with
     * {@code textClauses} standing for its text and field filters.
     */
    static Query toQuery(LogQuery query, List<Query> textClauses) {
        List<Query> filters = new ArrayList<>(textClauses);
        if (query.serviceId() != null) {
            filters.add(term("serviceId", FieldValue.of(query.serviceId())));
        }
        if (query.serviceName() != null) {
            filters.add(term("serviceName", FieldValue.of(query.serviceName())));
        }
        if (query.containerId() != null) {
            filters.add(Query.of(q -> q.prefix(p -> p.field("containerId").value(query.containerId()))));
        }
        if (query.deviceId() != null) {
            filters.add(term("deviceId", FieldValue.of(query.deviceId())));
        }
        if (!query.levels().isEmpty()) {
            filters.add(terms("level", query.levels().stream().map(LogLevel::wireName).collect(Collectors.toList())));
        }
        if (!query.sourceTypes().isEmpty()) {
            filters.add(terms("source.type",
                    query.sourceTypes().stream().map(SourceType::wireName).collect(Collectors.toList())));
        }
        if (query.since() != null || query.until() != null) {
            filters.add(Query.of(q -> q.range(r -> {
                r.field(LogJson.TIME_FIELD);
                if (query.since() != null) {
                    r.gte(JsonData.of(LogJson.formatTime(query.since())));
                }
                if (query.until() != null) {
                    r.lt(JsonData.of(LogJson.formatTime(query.until())));
                }
                return r;
            })));
        }
        if (query.afterId() != null) {
            filters.add(Query.of(q -> q.range(r -> r.field(LogDocument.SEQ).gt(JsonData.of(query.afterSequence())))));
        }
        if (filters.isEmpty()) {
            return Query.of(q -> q.matchAll(m -> m));
        }
        return Query.of(q -> q.bool(b -> b.filter(filters)));
    }

    private static Query term(String field, FieldValue value) {
        return Query.of(q -> q.term(t -> t.field(field).value(value)));
    }

    private static Query terms(String field, List<String> values) {
        List<FieldValue> fieldValues = values.stream().map(FieldValue::of).collect(Collectors.toList());
        return Query.of(q -> q.terms(t -> t.field(field).terms(v -> v.value(fieldValues))));
    }

    @Override
    public void close() throws IOException {
        transport.close();
    }
}
