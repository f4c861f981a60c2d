package io.containerlogging.local;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;

/** Makes daemon threads and remembers them, so a test can check that close() stopped them. */
final class RecordingThreadFactory implements ThreadFactory {

    final List<Thread> threads = new CopyOnWriteArrayList<>();

    @Override
    public Thread newThread(Runnable runnable) {
        Thread thread = new Thread(runnable);
        thread.setDaemon(true);
        threads.add(thread);
        return thread;
    }

    boolean anyAlive() {
        return threads.stream().anyMatch(Thread::isAlive);
    }

    List<String> names() {
        return threads.stream().map(Thread::getName).collect(java.util.stream.Collectors.toList());
    }
}
