package io.prosface.server.finetune.jobs;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prosface.server.finetune.upload.Example;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The stored form of a job's examples: one zip with {@code examples.json} (name, file, target per example), the
 * encoded images as {@code images/NNNNN} (stored, not deflated: JPEG/PNG do not compress) and {@code split.json}, the
 * train/validation split drawn at upload: the examples are stored in split order, the training ones first. Inputs
 * stored by versions before the split was recorded have no {@code split.json} and are in upload order
 * ({@link Stored#split()} empty). Only the server writes these, after validation, so reading trusts the layout; the
 * blob's SHA-256 is checked by the store.
 */
public final class DatasetCodec {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INDEX = "examples.json";
    private static final String SPLIT = "split.json";

    /** One entry of {@code examples.json}. */
    record Entry(String name, String file, float[] target) {}

    /** {@code split.json}: how many of the stored examples, from the first, train; the rest validate. */
    record SplitCounts(int train, int validation) {}

    /**
     * A job's stored input.
     *
     * @param examples in stored order
     * @param split the split recorded at upload, over {@code examples}; empty for an input stored before splits were
     *     recorded (upload order)
     */
    public record Stored(List<Example> examples, Optional<DataSplit> split) {}

    private DatasetCodec() {}

    /** The examples in {@code split}'s order (training first) with the split's counts. */
    public static byte[] encode(List<Example> uploaded, DataSplit split) {
        List<Example> examples = split.inStoredOrder(uploaded);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            List<Entry> index = new ArrayList<>();
            zip.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
            for (int i = 0; i < examples.size(); i++) {
                Example example = examples.get(i);
                String file = String.format("images/%05d", i);
                index.add(new Entry(example.name(), file, example.target()));
                zip.putNextEntry(new ZipEntry(file));
                zip.write(example.image());
                zip.closeEntry();
            }
            zip.putNextEntry(new ZipEntry(INDEX));
            zip.write(JSON.writeValueAsBytes(index));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(SPLIT));
            zip.write(JSON.writeValueAsBytes(
                    new SplitCounts(split.train().size(), split.validation().size())));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pack the examples", e);
        }
        return bytes.toByteArray();
    }

    public static Stored decode(byte[] dataset) {
        Map<String, byte[]> files = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(dataset))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                files.put(entry.getName(), zip.readAllBytes());
            }
            List<Entry> index = JSON.readValue(files.get(INDEX), new TypeReference<List<Entry>>() {});
            List<Example> examples = new ArrayList<>(index.size());
            for (Entry entry : index) {
                examples.add(new Example(entry.name(), files.get(entry.file()), entry.target()));
            }
            if (!files.containsKey(SPLIT)) {
                return new Stored(examples, Optional.empty());
            }
            SplitCounts counts = JSON.readValue(files.get(SPLIT), SplitCounts.class);
            return new Stored(
                    examples, Optional.of(DataSplit.stored(counts.train(), counts.validation(), examples.size())));
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("stored examples are unreadable", e);
        }
    }
}
