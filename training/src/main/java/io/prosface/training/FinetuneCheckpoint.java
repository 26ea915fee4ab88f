package io.prosface.training;

import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.CheckpointConfig;
import io.prosface.core.model.HeadConfig;
import io.prosface.core.model.TaskHead;
import io.prosface.core.train.DirectorySwap;
import io.prosface.core.train.MultiTaskFineTuning;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** A fine-tune's serving checkpoint (backbone + heads) and the resume state beside it (its next step). */
final class FinetuneCheckpoint {

    private FinetuneCheckpoint() {}

    /**
     * Swaps in the checkpoint of {@code base}'s backbone and {@code heads} (under {@link FinetuneHeads#NAMES}) with
     * {@code recipe}, then writes {@code nextStep} to {@code state}.
     */
    static void save(
            Checkpoint base,
            MultiTaskFineTuning.Heads heads,
            Map<String, String> recipe,
            String data,
            long nextStep,
            Path checkpointDirectory,
            Path state) {
        try {
            List<HeadConfig> configs = new ArrayList<>();
            Map<String, TaskHead> blocks = new LinkedHashMap<>();
            for (int h = 0; h < FinetuneHeads.NAMES.size(); h++) {
                TaskHead head = heads.all().get(h);
                configs.add(new HeadConfig(FinetuneHeads.NAMES.get(h), 1, head.kind(), head.labelNames()));
                blocks.put(FinetuneHeads.NAMES.get(h), head);
            }
            CheckpointConfig config = base.config()
                    .withProsHead(null)
                    .withHeads(configs)
                    .withRecipe(recipe, "multi-task fine-tuning on " + data);
            DirectorySwap.saveCheckpoint(new Checkpoint(config, base.backbone(), null, blocks), checkpointDirectory);
            Properties properties = new Properties();
            properties.setProperty("next.step", Long.toString(nextStep));
            try (var writer = Files.newBufferedWriter(state, StandardCharsets.UTF_8)) {
                properties.store(writer, "finetune resume state");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the checkpoint " + checkpointDirectory, e);
        }
    }

    /** The step a resumed run continues from, as {@link #save} wrote it to {@code state}. */
    static long nextStep(Path state) throws IOException {
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(state, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return Long.parseLong(properties.getProperty("next.step"));
    }
}
