package io.prosface.core.eval;

import io.prosface.core.model.HeadKind;

/** The three downstream tasks of the evaluation protocol, with their metric and its direction. */
public enum DownstreamTask {
    /** Binary face attributes; metric: mean accuracy over attributes and images. */
    ATTRIBUTES(HeadKind.ATTRIBUTES, "attributes", "mean acc", true),
    /** The 7 basic expressions; metric: top-1 accuracy. */
    EXPRESSION(HeadKind.EXPRESSION, "expression", "acc", true),
    /** 68 iBUG landmarks; metric: normalised mean error (inter-ocular), lower is better. */
    LANDMARKS(HeadKind.LANDMARKS, "landmarks", "NME", false);

    private final HeadKind headKind;
    private final String label;
    private final String metricName;
    private final boolean higherIsBetter;

    DownstreamTask(HeadKind headKind, String label, String metricName, boolean higherIsBetter) {
        this.headKind = headKind;
        this.label = label;
        this.metricName = metricName;
        this.higherIsBetter = higherIsBetter;
    }

    public HeadKind headKind() {
        return headKind;
    }

    /** Lower-case name used on the command line, in tables and as the default head name. */
    public String label() {
        return label;
    }

    public String metricName() {
        return metricName;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** Parses the lower-case label. */
    public static DownstreamTask fromLabel(String text) {
        for (DownstreamTask task : values()) {
            if (task.label.equalsIgnoreCase(text.trim())) {
                return task;
            }
        }
        throw new IllegalArgumentException("unknown task '" + text + "'; known: attributes, expression, landmarks");
    }
}
