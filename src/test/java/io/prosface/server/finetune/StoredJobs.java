package io.prosface.server.finetune;

import io.prosface.core.model.HeadKind;
import io.prosface.server.finetune.jobs.DataSplit;
import io.prosface.server.finetune.jobs.DatasetCodec;
import io.prosface.server.finetune.jobs.JobRecord;
import io.prosface.server.finetune.jobs.JobState;
import io.prosface.server.finetune.jobs.JobStore;
import io.prosface.server.finetune.upload.Example;
import io.prosface.server.finetune.upload.TaskSpec;
import io.prosface.server.finetune.upload.TrainingOptions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Jobs written straight into the store, for tests of what the store and the executor do with them. */
final class StoredJobs {

    private StoredJobs() {}

    /**
     * A QUEUED two-class (black/blond) classification job of 3 epochs over {@code items}, stored directly: no upload,
     * no wake-up call; its head is named {@code prefix} plus a unique suffix.
     */
    static String queued(JobStore jobs, String prefix, List<FewShotData.Item> items) {
        TaskSpec spec = new TaskSpec(
                HeadKind.CLASSIFICATION,
                prefix + Long.toHexString(System.nanoTime()),
                List.of("black", "blond"),
                new TrainingOptions(3, 0.003, 64, 0.25, 0, 0, 1, true, false));
        List<Example> examples = items.stream()
                .map(item -> new Example(
                        item.name(), item.bytes(), new float[] {item.label().equals("black") ? 0 : 1}))
                .toList();
        String id = UUID.randomUUID().toString();
        // as an upload stores it: in split order, with the split's counts
        DataSplit split = DataSplit.of(
                examples,
                spec.kind(),
                spec.options().validationSplit(),
                spec.options().seed());
        jobs.insert(
                new JobRecord(
                        id,
                        JobState.QUEUED,
                        spec,
                        "unused",
                        null,
                        0,
                        3,
                        0,
                        0,
                        Map.of(),
                        Map.of(),
                        split.train().size(),
                        split.validation().size(),
                        null,
                        false,
                        null,
                        0,
                        Instant.now(),
                        null,
                        null),
                DatasetCodec.encode(examples, split));
        return id;
    }
}
