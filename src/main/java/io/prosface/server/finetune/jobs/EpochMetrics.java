package io.prosface.server.finetune.jobs;

import java.time.Instant;
import java.util.Map;

/**
 * One row of a job's metric history: the metrics of the last progress report in {@code epoch}.
 *
 * @param epoch 1-based
 * @param step optimiser steps done when the metrics were taken
 * @param time when they were written
 */
public record EpochMetrics(
        int epoch, long step, Map<String, Double> trainMetrics, Map<String, Double> validationMetrics, Instant time) {}
