package io.prosface.core.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntUnaryOperator;

/**
 * How many labelled training samples a downstream task may use: a fraction of the training split ("1%", "10%",
 * "100%") or k samples per class ("5-shot"; for tasks without a single class per sample, attributes and landmarks,
 * k-shot means k samples in total). Selection is seeded, so every method under comparison sees the same subset.
 *
 * @param fraction share of the training split in (0, 1], or 0 when {@code perClass} is used
 * @param perClass k of a k-shot budget, or 0 when {@code fraction} is used
 */
public record LabelBudget(double fraction, int perClass) {

    public LabelBudget {
        if ((fraction > 0) == (perClass > 0) || fraction > 1) {
            throw new IllegalArgumentException("a budget is either a fraction in (0,1] or k per class, not both");
        }
    }

    /** Parses "10%", "0.1" or "5-shot". */
    public static LabelBudget parse(String text) {
        String spec = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (spec.endsWith("-shot")) {
                return new LabelBudget(0, Integer.parseInt(spec.substring(0, spec.length() - 5)));
            }
            if (spec.endsWith("%")) {
                return new LabelBudget(Double.parseDouble(spec.substring(0, spec.length() - 1)) / 100.0, 0);
            }
            return new LabelBudget(Double.parseDouble(spec), 0);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("label budget must look like 10%, 0.1 or 5-shot, got '" + text + "'", e);
        }
    }

    /** Short label for tables: "10%" or "5-shot". */
    public String label() {
        if (perClass > 0) {
            return perClass + "-shot";
        }
        double percent = fraction * 100;
        return (percent == Math.rint(percent)
                        ? Integer.toString((int) percent)
                        : String.format(Locale.ROOT, "%.1f", percent))
                + "%";
    }

    /**
     * Indices of the selected training samples (at least one), sorted.
     *
     * @param size training split size
     * @param classOf class index of sample i, or null for tasks without a single class per sample
     */
    public List<Integer> select(int size, IntUnaryOperator classOf, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        List<Integer> chosen = new ArrayList<>();
        if (fraction > 0) {
            int count = Math.max(1, (int) Math.round(fraction * size));
            chosen.addAll(order.subList(0, Math.min(count, size)));
        } else if (classOf == null) {
            chosen.addAll(order.subList(0, Math.min(perClass, size)));
        } else {
            Map<Integer, Integer> taken = new LinkedHashMap<>();
            for (int index : order) {
                int label = classOf.applyAsInt(index);
                if (taken.merge(label, 1, Integer::sum) <= perClass) {
                    chosen.add(index);
                }
            }
        }
        Collections.sort(chosen);
        return chosen;
    }
}
