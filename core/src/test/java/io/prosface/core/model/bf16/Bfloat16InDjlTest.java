package io.prosface.core.model.bf16;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pins what bfloat16 does in DJL 0.36 + libtorch 2.7.1 (training/docs/bf16-djl.md): asking DJL for BFLOAT16 aborts the
 * JVM; a bfloat16 tensor made inside libtorch by a TorchScript cast works for dtype-free operations. When DJL learns
 * BFLOAT16 the first test fails: then the workaround can go.
 */
class Bfloat16InDjlTest {

    @ParameterizedTest
    @ValueSource(strings = {"zeros", "toType", "softmax"})
    void askingTheJniForBfloat16AbortsTheJvm(String probe) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(
                        java.toString(),
                        "-Dai.djl.offline=true",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Bfloat16Probe.class.getName(),
                        probe)
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the probe ends");
        assertEquals(134, process.exitValue(), "SIGABRT expected; output:\n" + output);
        assertTrue(output.contains("terminate called without an active exception"), output);
    }

    @Test
    void aTorchScriptCastMintsBfloat16ThatDtypeFreeOperationsAccept() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                TorchScriptCast toBfloat16 = TorchScriptCast.to(TorchScriptCast.BFLOAT16)) {
            NDArray left = manager.randomNormal(new Shape(64, 192));
            NDArray right = manager.randomNormal(new Shape(192, 96));
            NDArray lowLeft = toBfloat16.apply(left);
            NDArray lowRight = toBfloat16.apply(right);
            // the JNI maps kBFloat16 to its catch-all code 9, which is DataType.UNKNOWN in Java
            assertEquals(DataType.UNKNOWN, lowLeft.getDataType());
            assertEquals(2L * 64 * 192, lowLeft.toByteBuffer().remaining(), "2 bytes per element");
            NDArray product =
                    lowLeft.matMul(lowRight).add(lowLeft.matMul(lowRight)).toType(DataType.FLOAT32, false);
            NDArray reference = left.matMul(right).mul(2);
            float error = reference.sub(product).abs().max().getFloat()
                    / reference.abs().max().getFloat();
            assertTrue(error > 0 && error < 2e-2f, "bfloat16 rounding (8 mantissa bits), got relative error " + error);
        }
    }
}
