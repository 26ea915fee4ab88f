package io.prosface.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Stream flow control: answers in request order, bounded work in progress, reads only what the reader wants. */
class OrderedWindowTest {

    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(4);
    private final AtomicInteger inProgress = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    /** Doubles after a delay that shrinks with the value, so later messages tend to finish first. */
    private CompletableFuture<Integer> slowDouble(int value) {
        started.incrementAndGet();
        peak.accumulateAndGet(inProgress.incrementAndGet(), Math::max);
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        timers.schedule(() -> {
            inProgress.decrementAndGet();
            answer.complete(value * 2);
        }, 30 - value, TimeUnit.MILLISECONDS);
        return answer;
    }

    @Test
    void answersComeInRequestOrderWithBoundedWorkInProgress() {
        Multi<Integer> requests = Multi.createFrom().range(0, 20);
        AssertSubscriber<Integer> reader = OrderedWindow.apply(requests, 4, this::slowDouble)
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        reader.awaitCompletion(Duration.ofSeconds(10));
        assertEquals(IntStream.range(0, 20).map(value -> value * 2).boxed().toList(), reader.getItems());
        assertTrue(peak.get() <= 4, "at most 4 in progress, saw " + peak.get());
        assertTrue(peak.get() > 1, "work overlaps, saw " + peak.get());
    }

    @Test
    void aSlowReaderStopsTheReadingOfRequests() throws InterruptedException {
        Multi<Integer> requests = Multi.createFrom().range(0, 20);
        AssertSubscriber<Integer> reader = OrderedWindow.apply(requests, 8, this::slowDouble)
                .subscribe().withSubscriber(AssertSubscriber.create(2));
        reader.awaitItems(2, Duration.ofSeconds(5));
        Thread.sleep(100);
        assertEquals(2, started.get(), "nothing read beyond the reader's demand");
        reader.request(18);
        reader.awaitCompletion(Duration.ofSeconds(10));
        assertEquals(20, reader.getItems().size());
    }

    @Test
    void aFailedMessageEndsTheStreamWithItsError() {
        Multi<Integer> requests = Multi.createFrom().range(0, 5);
        AssertSubscriber<Integer> reader = OrderedWindow.apply(requests, 2, value -> value == 2
                        ? CompletableFuture.failedFuture(new IllegalStateException("frame 2"))
                        : CompletableFuture.completedFuture(value))
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        reader.awaitFailure(Duration.ofSeconds(5));
        assertEquals(List.of(0, 1), reader.getItems());
        assertEquals("frame 2", reader.getFailure().getMessage());
    }
}
