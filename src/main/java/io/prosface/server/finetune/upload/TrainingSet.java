package io.prosface.server.finetune.upload;

import java.util.List;

/** A validated upload: what to train and on which examples. */
public record TrainingSet(TaskSpec spec, List<Example> examples) {

    public TrainingSet {
        examples = List.copyOf(examples);
    }
}
