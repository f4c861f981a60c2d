package io.containerlogging.core.structure;

/**
 * The built-in multiline rules, after Fluent Bit's {@code java}, {@code python} and {@code go}
 * parsers: which line starts what kind of group, and whether a line continues the group before it.
 * <ul>
 * <li>Any group: a line indented with spaces or tabs continues it (Java's {@code \tat …} and
 *     {@code \t... 5 more}, Node's {@code     at …}, Python's frames).
 * <li>A one-line group (a log line) is continued by a throwable header
 *     ({@code java.lang.IllegalStateException: boom}) or {@code Traceback (most recent call last):},
 *     so a logged message and its trace stay together.
 * <li>Java: {@code Caused by: …}, {@code Suppressed: …}, {@code ... N more}.
 * <li>Python: from {@code Traceback (most recent call last):} through the frames up to and
 *     including the final exception line, chained tracebacks ({@code During handling of the above
 *     exception…}, {@code The above exception was the direct cause…}) included.
 * <li>Go: from {@code panic: } or {@code fatal error: } through blank lines, {@code goroutine N [...]:},
 *     function lines, file lines and {@code created by …}.
 * <li>Rust: from {@code thread '…' panicked at …} through the panic message, {@code stack backtrace:}
 *     and its frames, up to and including {@code note: run with `RUST_BACKTRACE=1` …}.
 * <li>PEM blocks: from {@code -----BEGIN … PRIVATE KEY-----} through the END line, so redaction
 *     sees the block whole.
 * </ul>
 */
final class MultilineRules {

    /** What kind of group is being built, and where in it we are. */
    enum Mode {
        PLAIN, JAVA, PYTHON, PYTHON_ENDED, PYTHON_BETWEEN, GO, RUST, KEY, CLOSED
    }

    private MultilineRules() {
    }

    /** The mode of a group that {@code line} starts. */
    static Mode start(String line) {
        if (line.startsWith("Traceback (most recent call last):")) {
            return Mode.PYTHON;
        }
        if (line.startsWith("panic: ") || line.startsWith("fatal error: ")) {
            return Mode.GO;
        }
        if (line.startsWith("thread '") && line.contains("' panicked at ")) {
            return Mode.RUST;
        }
        if (line.startsWith("-----BEGIN ") && line.contains("PRIVATE KEY-----")) {
            return line.contains("-----END ") ? Mode.CLOSED : Mode.KEY;
        }
        if (line.startsWith("Exception in thread ") || TextLevels.exceptionHeader(line, 0, line.length())) {
            return Mode.JAVA;
        }
        return Mode.PLAIN;
    }

    /**
     * The mode after {@code line} joins a group in {@code mode} of {@code lines} lines, or null if
     * it does not continue the group (it then starts a new one).
     *
     * @param single the group's only line when {@code lines == 1}, else null
     */
    static Mode next(Mode mode, int lines, String single, String line) {
        switch (mode) {
            case CLOSED:
                return null;
            case KEY:
                return line.startsWith("-----END ") ? Mode.CLOSED : Mode.KEY;
            case GO:
                if (line.isEmpty() || indented(line) || line.startsWith("goroutine ") || line.startsWith("created by ")
                        || line.startsWith("[signal ") || line.startsWith("exit status ")
                        || goFunction(line)) {
                    return Mode.GO;
                }
                return null;
            case RUST:
                if (line.startsWith("note: ")) {
                    return Mode.CLOSED;
                }
                return lines == 1 || indented(line) || line.startsWith("stack backtrace:") ? Mode.RUST : null;
            case PYTHON:
                if (indented(line)) {
                    return Mode.PYTHON;
                }
                if (line.isEmpty()) {
                    return null;
                }
                return identifierStart(line) ? Mode.PYTHON_ENDED : null; // the exception line ends it
            case PYTHON_ENDED:
                if (line.isEmpty()) {
                    return Mode.PYTHON_BETWEEN; // perhaps a chained traceback follows
                }
                return indented(line) ? Mode.PYTHON_ENDED : null;
            case PYTHON_BETWEEN:
                if (line.startsWith("During handling of the above exception")
                        || line.startsWith("The above exception was the direct cause")) {
                    return Mode.PYTHON_BETWEEN;
                }
                if (line.isEmpty()) {
                    return Mode.PYTHON_BETWEEN;
                }
                return line.startsWith("Traceback (most recent call last):") ? Mode.PYTHON : null;
            case JAVA:
                if (indented(line) || line.startsWith("Caused by: ") || line.startsWith("Suppressed: ")
                        || line.startsWith("... ")) {
                    return Mode.JAVA;
                }
                return null;
            default: // PLAIN
                if (indented(line)) {
                    return Mode.PLAIN;
                }
                if (lines == 1 && single != null) {
                    if (line.startsWith("Traceback (most recent call last):")) {
                        return introducesTrace(single) ? Mode.PYTHON : null;
                    }
                    if (TextLevels.exceptionHeader(line, 0, line.length())) {
                        return introducesTrace(single) ? Mode.JAVA : null;
                    }
                }
                return null;
        }
    }

    /**
     * Whether a log line can introduce the trace that follows it: it names the level warn or error,
     * or, naming none, speaks of an error, exception or failure ("Internal Server Error: /orders/17").
     * A line that names info or debug, or says nothing of the kind ("Node.js v20.11.0"), does not.
     */
    static boolean introducesTrace(String line) {
        io.containerlogging.core.LogLevel level = TextLevels.detect(line);
        if (level != null) {
            return level == io.containerlogging.core.LogLevel.WARN || level == io.containerlogging.core.LogLevel.ERROR;
        }
        String head = line.length() > TextLevels.HEAD ? line.substring(0, TextLevels.HEAD) : line;
        String lower = head.toLowerCase(java.util.Locale.ROOT);
        return lower.contains("error") || lower.contains("exception") || lower.contains("fail")
                || lower.contains("cause");
    }

    private static boolean indented(String line) {
        if (line.isEmpty()) {
            return false;
        }
        char c = line.charAt(0);
        if (c != ' ' && c != '\t') {
            return false;
        }
        for (int i = 1; i < line.length(); i++) {
            char d = line.charAt(i);
            if (d != ' ' && d != '\t') {
                return true;
            }
        }
        return false; // whitespace only: a blank line
    }

    private static boolean identifierStart(String line) {
        char c = line.charAt(0);
        return Character.isLetter(c) || c == '_';
    }

    /** A Go stack function line: {@code main.main()}, {@code net/http.(*conn).serve(0xc0000a8000, …)}. */
    private static boolean goFunction(String line) {
        int paren = line.indexOf('(');
        if (paren <= 0 || line.indexOf(' ') >= 0 && line.indexOf(' ') < paren) {
            return false;
        }
        return line.endsWith(")") || line.contains(") ...") || line.endsWith("...)");
    }
}
