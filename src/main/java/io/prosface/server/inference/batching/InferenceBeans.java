package io.prosface.server.inference.batching;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Defaults that tests (or a later deployment) may replace with their own beans. */
@ApplicationScoped
public class InferenceBeans {

    /** No pause before batches. */
    @Produces
    @DefaultBean
    @ApplicationScoped
    BatchHook noBatchHook() {
        return batchSize -> {};
    }
}
