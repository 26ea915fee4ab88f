package io.prosface.server.inference.analysis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.prosface.server.error.ErrorMapper;
import io.prosface.server.inference.MetricNames;
import io.prosface.server.inference.engine.InferenceEngine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Counts answered requests by API ({@code grpc}/{@code http}), method ({@code analyze}, {@code attributes}, ...),
 * status ({@code OK} or the error code name) and {@code model} (the served backbone, {@code none} before it is
 * loaded), as {@link MetricNames#REQUESTS}.
 */
@ApplicationScoped
public class RequestMetrics {

    private final MeterRegistry meters;
    private final ErrorMapper errorMapper;
    private final InferenceEngine engine;

    @Inject
    RequestMetrics(MeterRegistry meters, ErrorMapper errorMapper, InferenceEngine engine) {
        this.meters = meters;
        this.errorMapper = errorMapper;
        this.engine = engine;
    }

    public void ok(String api, String method) {
        counter(api, method, "OK").increment();
    }

    public void failed(String api, String method, Throwable failure) {
        counter(api, method, errorMapper.code(failure).name()).increment();
    }

    private Counter counter(String api, String method, String status) {
        return Counter.builder(MetricNames.REQUESTS)
                .description("answered requests")
                .tag("api", api)
                .tag("method", method)
                .tag("status", status)
                .tag("model", engine.modelLabel())
                .register(meters);
    }
}
