package io.prosface.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Stream flow control: answers in request order, bounded work in progress, reads only what the reader wants.
 *
 * <p>The work is a future per message that the test completes itself, on its own thread: completing one runs the
 * window's drain right there, so when {@code complete} returns every answer it allowed has been emitted and every
 * message it allowed has been read. No timers and no sleeps: order and counts are exact.
 */
class OrderedWindowTest {

    /** Work started, in the order messages were read; the test completes it. */
    private final List<CompletableFuture<Integer>> started = new ArrayList<>();

    private CompletableFuture<Integer> heldWork(int value) {
        CompletableFuture<Integer> work = new CompletableFuture<>();
        started.add(work);
        return work;
    }

    private int inProgress() {
        return (int) started.stream().filter(work -> !work.isDone()).count();
    }

    @Test
    void answersComeInRequestOrderWithBoundedWorkInProgress() {
        Multi<Integer> requests = Multi.createFrom().range(0, 20);
        AssertSubscriber<Integer> reader = OrderedWindow.apply(requests, 4, this::heldWork)
                .subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        int peak = 0;
        for (int first = 0; first < 20; first += 4) {
            assertEquals(first + 4, started.size(), "the window is full again: 4 in progress");
            peak = Math.max(peak, inProgress());
            // the window's last three finish before its first: nothing may be emitted before the first is done
            for (int value = first + 3; value > first; value--) {
                started.get(value).complete(value * 2);
                assertEquals(first, reader.getItems().size(), "answer " + value + " waits for answer " + first);
                assertEquals(first + 4, started.size(), "no slot freed while the head is in progress");
            }
            started.get(first).complete(first * 2);
            assertEquals(first + 4, reader.getItems().size(), "the head unblocks the finished ones behind it");
        }
        reader.awaitCompletion(Duration.ofSeconds(10));
        assertEquals(IntStream.range(0, 20).map(value -> value * 2).boxed().toList(), reader.getItems());
        assertEquals(4, peak, "exactly the window's 4 in progress at once");
    }

    @Test
    void aSlowReaderStopsTheReadingOfRequests() {
        Multi<Integer> requests = Multi.createFrom().range(0, 20);
        AssertSubscriber<Integer> reader =
                OrderedWindow.apply(requests, 8, this::heldWork).subscribe().withSubscriber(AssertSubscriber.create(2));
        assertEquals(2, started.size(), "reads as many as the reader asked for, not the window's 8");
        started.get(1).complete(2);
        started.get(0).complete(0);
        assertEquals(List.of(0, 2), reader.getItems());
        assertEquals(2, started.size(), "nothing read beyond the reader's demand, with all 8 slots free");
        reader.request(18);
        assertEquals(10, started.size(), "more demand: the window fills to 8");
        for (int value = 2; value < 20; value++) {
            assertTrue(inProgress() <= 8, "at most 8 in progress: " + inProgress());
            started.get(value).complete(value * 2);
        }
        reader.awaitCompletion(Duration.ofSeconds(10));
        assertEquals(20, reader.getItems().size());
    }

    @Test
    void aFailedMessageEndsTheStreamWithItsError() {
        Multi<Integer> requests = Multi.createFrom().range(0, 5);
        AssertSubscriber<Integer> reader = OrderedWindow.apply(
                        requests,
                        2,
                        value -> value == 2
                                ? CompletableFuture.failedFuture(new IllegalStateException("frame 2"))
                                : CompletableFuture.completedFuture(value))
                .subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        reader.awaitFailure(Duration.ofSeconds(5));
        assertEquals(List.of(0, 1), reader.getItems());
        assertEquals("frame 2", reader.getFailure().getMessage());
    }
}
