package io.prosface.core.model.bf16;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The smallest programs that show where DJL 0.36 + libtorch 2.7.1 abort on bfloat16; each case is run in a JVM of its
 * own by {@link Bfloat16InDjlTest} because the abort takes the whole process. By hand, from the repository root
 * after {@code mvn -o test-compile}:
 * <pre>
 * mvn -q -o dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * DJL_OFFLINE=true java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" \
 *     io.prosface.core.model.bf16.Bfloat16Probe zeros      # or toType, softmax: exit 134
 * </pre>
 */
public final class Bfloat16Probe {

    private Bfloat16Probe() {}

    public static void main(String[] args) {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray result = switch (args[0]) {
                // DataType.BFLOAT16.ordinal() = 11 reaches the JNI's dtype switch, which knows 0..8
                case "zeros" -> manager.zeros(new Shape(2, 2), DataType.BFLOAT16);
                case "toType" -> manager.ones(new Shape(2, 2)).toType(DataType.BFLOAT16, false);
                // a bfloat16 tensor minted inside libtorch is UNKNOWN (9) to Java; ops that pass the array's own
                // dtype back to the JNI (softmax, full, zerosLike, ...) hit the same switch
                case "softmax" -> {
                    try (TorchScriptCast cast = TorchScriptCast.to(TorchScriptCast.BFLOAT16)) {
                        yield cast.apply(manager.ones(new Shape(2, 2))).softmax(1);
                    }
                }
                default -> throw new IllegalArgumentException("zeros | toType | softmax, not " + args[0]);
            };
            System.out.println("survived: " + result.getDataType());
        }
    }
}
