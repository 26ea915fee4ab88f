package io.prosface.server.grpc;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Flow control for a bidirectional stream: starts the work for each incoming message as it arrives, keeps at most
 * {@code window} of them in progress, and emits the answers in arrival order. It reads the next message only when
 * one of the window's slots is free and the receiver has asked for another answer, so neither a fast sender nor a
 * slow reader makes the server buffer without bound.
 */
public final class OrderedWindow<I, O> implements Flow.Subscriber<I> {

    private final int window;
    private final Function<I, CompletionStage<O>> start;
    private final MultiEmitter<? super O> emitter;
    /** Work in arrival order; the head is emitted as soon as it is done and the receiver wants it. */
    private final ArrayDeque<CompletableFuture<O>> inProgress = new ArrayDeque<>();
    /** Serialises {@link #drain}: the thread that raises it from 0 drains for everybody who arrives meanwhile. */
    private final AtomicInteger drainRequests = new AtomicInteger();

    private Flow.Subscription upstream;
    /** Messages requested from the sender that have not arrived yet. */
    private long requestedFromUpstream;

    private boolean upstreamComplete;
    private Throwable upstreamFailure;
    private boolean terminated;

    private OrderedWindow(int window, Function<I, CompletionStage<O>> start, MultiEmitter<? super O> emitter) {
        this.window = window;
        this.start = start;
        this.emitter = emitter;
    }

    /**
     * Answers of {@code start} applied to every message of {@code requests}, in order, at most {@code window} at once.
     */
    public static <I, O> Multi<O> apply(Multi<I> requests, int window, Function<I, CompletionStage<O>> start) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1: " + window);
        }
        return Multi.createFrom().emitter(emitter -> {
            OrderedWindow<I, O> driver = new OrderedWindow<>(window, start, emitter);
            emitter.onRequest(demand -> driver.drain());
            emitter.onTermination(driver::cancelAll);
            requests.subscribe().withSubscriber(driver);
        });
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        synchronized (this) {
            upstream = subscription;
        }
        drain();
    }

    @Override
    public void onNext(I message) {
        CompletableFuture<O> work;
        try {
            work = start.apply(message).toCompletableFuture();
        } catch (RuntimeException failure) {
            work = CompletableFuture.failedFuture(failure);
        }
        synchronized (this) {
            requestedFromUpstream--;
            inProgress.add(work);
        }
        work.whenComplete((answer, failure) -> drain());
    }

    @Override
    public void onError(Throwable failure) {
        synchronized (this) {
            upstreamFailure = failure;
        }
        drain();
    }

    @Override
    public void onComplete() {
        synchronized (this) {
            upstreamComplete = true;
        }
        drain();
    }

    private void drain() {
        if (drainRequests.getAndIncrement() != 0) {
            return;
        }
        do {
            drainOnce();
        } while (drainRequests.decrementAndGet() != 0);
    }

    private void drainOnce() {
        while (true) {
            CompletableFuture<O> head;
            synchronized (this) {
                if (terminated) {
                    return;
                }
                if (upstreamFailure != null) {
                    terminate();
                    emitter.fail(upstreamFailure);
                    return;
                }
                head = inProgress.peek();
                if (head == null || !head.isDone() || emitter.requested() <= 0) {
                    break;
                }
                inProgress.poll();
            }
            if (head.isCompletedExceptionally()) {
                Throwable failure = head.handle((answer, error) -> error).join();
                synchronized (this) {
                    terminate();
                }
                emitter.fail(failure);
                return;
            }
            emitter.emit(head.join());
        }
        long toRequest;
        boolean complete;
        synchronized (this) {
            long outstanding = inProgress.size() + requestedFromUpstream;
            toRequest = Math.min(window - outstanding, emitter.requested() - outstanding);
            complete = upstreamComplete && inProgress.isEmpty();
            if (complete) {
                terminated = true;
            } else if (toRequest > 0 && upstream != null && !upstreamComplete) {
                requestedFromUpstream += toRequest;
            } else {
                toRequest = 0;
            }
        }
        if (complete) {
            emitter.complete();
        } else if (toRequest > 0) {
            upstream.request(toRequest);
        }
    }

    private void terminate() {
        terminated = true;
        if (upstream != null) {
            upstream.cancel();
        }
        inProgress.forEach(work -> work.cancel(true));
        inProgress.clear();
    }

    private synchronized void cancelAll() {
        if (!terminated) {
            terminate();
        }
    }
}
