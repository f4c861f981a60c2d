package io.containerlogging.benchmarks;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A mix of container log lines in the formats of the labelled corpus (one in four JSON, one in
 * eight logfmt, the rest plain text, a Java trace among them), for the structure benchmarks.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.containerlogging.benchmarks.StructureSamples
 * <file> <lines>} writes {@code lines} lines cycling through the mix (for {@code scripts/bench/structure.sh}).
 */
public final class StructureSamples {

    /** The mix, in order. */
    public static final List<String> LINES = List.of(
            "{\"level\":\"info\",\"ts\":1705314225.123456,\"caller\":\"server/main.go:42\",\"msg\":\"starting server\",\"addr\":\":8080\"}",
            "172.18.0.1 - - [15/Jan/2024:10:23:46 +0000] \"GET /api/orders?page=2 HTTP/1.1\" 200 615 \"-\" \"curl/8.4.0\" \"-\"",
            "2024-01-15T10:23:45.123Z  INFO 1 --- [nio-8080-exec-1] c.e.shop.orders.OrderService : order 977 placed",
            "time=\"2024-01-15T10:23:45Z\" level=info msg=\"request served\" method=GET path=/health status=200",
            "I0115 10:23:45.123456       1 controller.go:118] Reconciled object default/web in 12ms",
            "{\"level\":30,\"time\":1705314225123,\"pid\":1,\"hostname\":\"api-7d9f\",\"reqId\":\"req-1\",\"msg\":\"request completed\"}",
            "2024-01-15 10:23:53.001 WARN  [scheduling-1] c.e.s.sync.InventorySync - inventory feed slow: 2300 ms",
            "1:M 15 Jan 2024 10:28:45.002 * Background saving started by pid 20",
            "2024-01-15 10:24:10.201 UTC [88] LOG:  duration: 12.112 ms  statement: SELECT 1",
            "{\"t\":{\"$date\":\"2024-01-15T10:24:00.000+00:00\"},\"s\":\"I\",\"c\":\"NETWORK\",\"id\":22943,\"ctx\":\"listener\",\"msg\":\"Connection accepted\"}",
            "INFO:     172.18.0.1:51234 - \"GET /items/5 HTTP/1.1\" 200 OK",
            "2024-01-15T10:23:45.600000Z  INFO request{method=GET uri=/orders/7}: api::handlers: finished latency=3 ms",
            "ts=2024-01-15T10:23:45.123Z caller=main.go:52 level=debug msg=\"cache lookup\" key=user:42",
            "2024/01/15 10:23:45 [error] 29#29: *1 open() \"/usr/share/nginx/html/favicon.ico\" failed (2: No such file)",
            "{\"@timestamp\":\"2024-01-15T10:23:53.010Z\",\"log.level\":\"INFO\",\"message\":\"request served\",\"service.name\":\"billing\"}",
            "processed batch 4411 in 83 ms, 0 errors",
            "2024-01-15 10:23:54.002 ERROR [scheduling-1] c.e.s.sync.InventorySync - inventory sync failed",
            "java.lang.IllegalStateException: inventory unavailable",
            "\tat com.example.shop.sync.InventorySync.run(InventorySync.java:37)",
            "\tat java.base/java.lang.Thread.run(Thread.java:1583)",
            "[Mon Jan 15 10:23:45.123456 2024] [mpm_event:notice] [pid 1:tid 140245123456] AH00489: resuming normal operations",
            "{\"level\":\"warn\",\"message\":\"Deprecated endpoint /v1/orders called\",\"service\":\"orders\"}",
            "WARNING:root:queue length 120 above threshold 100",
            "<30>Jan 15 10:23:45 host1 app[1234]: connection from 10.0.0.5 accepted");

    private StructureSamples() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        long lines = Long.parseLong(args[1]);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (long i = 0; i < lines; i++) {
                out.write(LINES.get((int) (i % LINES.size())));
                out.write('\n');
            }
        }
    }
}
