package io.prosface.core.model.bf16;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A one-operation TorchScript module, {@code torch.to(x, dtype)}, written in memory by plain Java and loaded through
 * DJL's PyTorch engine: the only way found to get a bfloat16 tensor in DJL 0.36, whose JNI has no code for
 * BFLOAT16 (see training/docs/bf16-djl.md); used by {@link Bfloat16Forward} for {@code pros-train bench --precision
 * bf16}, nothing served uses it. The archive is what {@code torch.jit.save} writes for such a module, minus the debug
 * tables: {@code data.pkl} (the module object), {@code code/__torch__.py} (its TorchScript source),
 * {@code constants.pkl}, {@code version}, {@code byteorder}; entries are stored, not deflated, as libtorch expects.
 */
public final class TorchScriptCast implements AutoCloseable {

    /** c10::ScalarType codes (libtorch's, not DJL's DataType ordinals). */
    public static final int FLOAT32 = 6;

    public static final int BFLOAT16 = 15;

    private final Model model;
    private final Block block;

    private TorchScriptCast(Model model) {
        this.model = model;
        this.block = model.getBlock();
    }

    /** Loads the cast module for the libtorch scalar type {@code scalarType} (e.g. {@link #BFLOAT16}). */
    public static TorchScriptCast to(int scalarType) {
        Model model = Model.newInstance("cast" + scalarType, "PyTorch");
        try {
            model.load(new ByteArrayInputStream(archive("cast", scalarType)), Map.of());
        } catch (IOException | MalformedModelException failure) {
            model.close();
            throw new IllegalStateException("libtorch refused the cast module: " + failure.getMessage(), failure);
        }
        return new TorchScriptCast(model);
    }

    /** The cast of {@code array}, in the array's manager (inference: no gradient is recorded through it). */
    public NDArray apply(NDArray array) {
        return apply(array, false);
    }

    /**
     * The cast of {@code array}, in the array's manager.
     *
     * @param training run the module in training mode: inside a gradient collector, autograd records the cast, so a
     *     gradient reaches a float32 {@code array} through its bfloat16 copy
     */
    public NDArray apply(NDArray array, boolean training) {
        NDArray result = block.forward(new ParameterStore(array.getManager(), false), new NDList(array), training)
                .head();
        result.attach(array.getManager());
        return result;
    }

    @Override
    public void close() {
        model.close();
    }

    static byte[] archive(String name, int scalarType) {
        String source = "class Cast(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + "  def forward(self: __torch__.Cast,\n"
                + "    x: Tensor) -> Tensor:\n"
                + "    return torch.to(x, " + scalarType + ")\n";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            store(zip, name + "/data.pkl", moduleObject());
            store(zip, name + "/code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
            store(zip, name + "/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'}); // protocol 2, (), stop
            store(zip, name + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
            store(zip, name + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return bytes.toByteArray();
    }

    /** Pickle (protocol 2) of {@code __torch__.Cast()} with state {@code {"training": False}}. */
    private static byte[] moduleObject() {
        ByteArrayOutputStream pickle = new ByteArrayOutputStream();
        pickle.write(0x80); // PROTO 2
        pickle.write(2);
        pickle.writeBytes("c__torch__\nCast\n".getBytes(StandardCharsets.US_ASCII)); // GLOBAL module, name
        pickle.write(')'); // EMPTY_TUPLE: constructor arguments
        pickle.write(0x81); // NEWOBJ
        pickle.write('}'); // EMPTY_DICT: the state
        pickle.write('('); // MARK
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        pickle.write('X'); // BINUNICODE, 4-byte little-endian length
        pickle.writeBytes(new byte[] {(byte) key.length, 0, 0, 0});
        pickle.writeBytes(key);
        pickle.write(0x89); // NEWFALSE
        pickle.write('u'); // SETITEMS
        pickle.write('b'); // BUILD
        pickle.write('.'); // STOP
        return pickle.toByteArray();
    }

    private static void store(ZipOutputStream zip, String name, byte[] content) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
    }
}
