package io.prosface.core.model;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Prints GEMM and backbone-forward throughput; asserts nothing (the machine decides the numbers). Off by default:
 * {@code mvn -o -q verify -Dtest=ThroughputBenchmarkTest -Dbenchmark=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class ThroughputBenchmarkTest {

    @Test
    void printsForwardThroughputAgainstGemmAtBatch32() {
        VisionTransformerConfig tiny = VisionTransformerConfig.variant("vit_tiny_patch8_64");
        int rounds = Integer.getInteger("benchmark.rounds", 10);
        for (int repeat = 0; repeat < 3; repeat++) {
            System.out.println(ThroughputBenchmark.run(tiny, 32, 1024, rounds));
        }
    }
}
