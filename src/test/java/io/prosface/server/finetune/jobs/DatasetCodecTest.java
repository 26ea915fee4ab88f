package io.prosface.server.finetune.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.prosface.core.model.HeadKind;
import io.prosface.server.finetune.upload.Example;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/** A job's stored input keeps the split drawn at upload; one stored by an earlier version still trains as it did. */
class DatasetCodecTest {

    /** 12 examples of 3 classes, interleaved (class i % 3), each image the bytes of its name. */
    private static List<Example> uploaded() {
        return IntStream.range(0, 12)
                .mapToObj(i -> new Example(
                        "face" + i + ".jpg", ("image " + i).getBytes(StandardCharsets.UTF_8), new float[] {i % 3}))
                .toList();
    }

    @Test
    void theSplitDrawnAtUploadComesBackWithTheExamplesTrainingFirst() {
        List<Example> uploaded = uploaded();
        DataSplit drawn = DataSplit.of(uploaded, HeadKind.CLASSIFICATION, 0.25, 7);

        DatasetCodec.Stored stored = DatasetCodec.decode(DatasetCodec.encode(uploaded, drawn));

        DataSplit split = stored.split().orElseThrow();
        assertEquals(drawn.train().size(), split.train().size());
        assertEquals(drawn.validation().size(), split.validation().size());
        List<String> trainNames = new ArrayList<>();
        split.train().forEach(i -> trainNames.add(stored.examples().get(i).name()));
        List<String> drawnTrainNames = new ArrayList<>();
        drawn.train().forEach(i -> drawnTrainNames.add(uploaded.get(i).name()));
        assertEquals(drawnTrainNames, trainNames, "the same examples train, in the order drawn");
        for (Example example : stored.examples()) {
            Example original = uploaded.stream()
                    .filter(e -> e.name().equals(example.name()))
                    .findFirst()
                    .orElseThrow();
            assertArrayEquals(original.image(), example.image(), example.name() + "'s bytes");
            assertArrayEquals(original.target(), example.target(), example.name() + "'s target");
        }
        assertEquals(
                split,
                DataSplit.forStored(stored, HeadKind.CLASSIFICATION, 0.5, 99),
                "a recorded split wins over the job's options (they drew it already)");
    }

    @Test
    void anInputStoredBeforeSplitsWereRecordedIsSplitAsThoseVersionsDid() throws Exception {
        List<Example> uploaded = uploaded();
        // the layout earlier versions wrote: examples.json and the images in upload order, no split.json
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            List<Map<String, Object>> index = new ArrayList<>();
            for (int i = 0; i < uploaded.size(); i++) {
                String file = String.format("images/%05d", i);
                index.add(Map.of(
                        "name",
                        uploaded.get(i).name(),
                        "file",
                        file,
                        "target",
                        uploaded.get(i).target()));
                zip.putNextEntry(new ZipEntry(file));
                zip.write(uploaded.get(i).image());
                zip.closeEntry();
            }
            zip.putNextEntry(new ZipEntry("examples.json"));
            zip.write(new ObjectMapper().writeValueAsBytes(index));
            zip.closeEntry();
        }

        DatasetCodec.Stored stored = DatasetCodec.decode(bytes.toByteArray());

        assertTrue(stored.split().isEmpty(), "no split was recorded");
        assertEquals(
                uploaded.stream().map(Example::name).toList(),
                stored.examples().stream().map(Example::name).toList(),
                "upload order");
        DataSplit split = DataSplit.forStored(stored, HeadKind.CLASSIFICATION, 0.25, 7);
        assertEquals(DataSplit.of(uploaded, HeadKind.CLASSIFICATION, 0.25, 7), split);
        for (int label = 0; label < 3; label++) {
            int wanted = label;
            assertTrue(
                    split.validation().stream()
                            .anyMatch(i -> stored.examples().get(i).target()[0] == wanted),
                    "stratified: class " + label + " validates too");
        }
    }
}
