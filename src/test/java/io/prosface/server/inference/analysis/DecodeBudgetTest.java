package io.prosface.server.inference.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.server.error.ErrorCode;
import io.prosface.server.error.ServingException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DecodeBudgetTest {

    private static final long MIB = 1 << 20;
    private static final long FAR = TimeUnit.SECONDS.toNanos(60);

    private final DecodeBudget budget = new DecodeBudget(10 * MIB, Duration.ofSeconds(1));

    private static long deadline() {
        return System.nanoTime() + FAR;
    }

    @Test
    void imageThatDoesNotFitBesideOthersWaitsThenGets429NamingTheBudget() {
        try (DecodeBudget.Lease first = budget.acquire(8 * MIB, 0, deadline())) {
            long started = System.nanoTime();
            ServingException refused = assertThrows(
                    ServingException.class,
                    () -> budget.acquire(4 * MIB, TimeUnit.MILLISECONDS.toNanos(200), deadline()));
            assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(150), "it waited first");
            assertEquals(ErrorCode.RESOURCE_EXHAUSTED, refused.code());
            assertTrue(refused.getMessage().contains("pros.input.decode-memory-budget"), refused.getMessage());
            assertTrue(refused.getMessage().contains("4.0 MiB"), refused.getMessage());
            assertEquals(Duration.ofSeconds(1), refused.retryAfter().orElseThrow());
        }
        assertEquals(10 * MIB, budget.availableBytes(), "the refused request holds nothing");
    }

    @Test
    void waitingImageIsDecodedOnceAnotherRequestIsAnswered() throws Exception {
        DecodeBudget.Lease first = budget.acquire(8 * MIB, 0, deadline());
        CompletableFuture<DecodeBudget.Lease> second =
                CompletableFuture.supplyAsync(() -> budget.acquire(4 * MIB, TimeUnit.SECONDS.toNanos(10), deadline()));
        Thread.sleep(100);
        assertTrue(!second.isDone(), "waits while the budget is taken");
        first.close();
        second.get(5, TimeUnit.SECONDS).close();
        assertEquals(10 * MIB, budget.availableBytes());
    }

    @Test
    void closingALeaseTwiceGivesItsShareBackOnce() {
        DecodeBudget.Lease lease = budget.acquire(3 * MIB, 0, deadline());
        lease.close();
        lease.close();
        assertEquals(10 * MIB, budget.availableBytes());
    }

    @Test
    void imageLargerThanTheWholeBudgetTakesAllOfItInsteadOfWaitingForever() {
        try (DecodeBudget.Lease all = budget.acquire(50 * MIB, 0, deadline())) {
            assertEquals(0, budget.availableBytes());
        }
    }

    @Test
    void waitThatOutlastsTheDeadlineIsAnsweredAsDeadlineExceeded() {
        try (DecodeBudget.Lease first = budget.acquire(8 * MIB, 0, deadline())) {
            ServingException refused = assertThrows(
                    ServingException.class,
                    () -> budget.acquire(
                            4 * MIB,
                            TimeUnit.SECONDS.toNanos(5),
                            System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100)));
            assertEquals(ErrorCode.DEADLINE_EXCEEDED, refused.code());
        }
    }
}
