package io.prosface.server.finetune.jobs;

import io.prosface.server.finetune.upload.Example;
import io.prosface.core.model.HeadKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The seeded train/validation split of a job. Classification is stratified: each class gives the same share to
 * validation and keeps at least one example for training, so small classes are never trained without examples.
 */
public record DataSplit(List<Integer> train, List<Integer> validation) {

    public static DataSplit of(List<Example> examples, HeadKind kind, double validationShare, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<Integer, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < examples.size(); i++) {
            int group = kind == HeadKind.CLASSIFICATION ? (int) examples.get(i).target()[0] : 0;
            groups.computeIfAbsent(group, g -> new ArrayList<>()).add(i);
        }
        List<Integer> train = new ArrayList<>();
        List<Integer> validation = new ArrayList<>();
        for (List<Integer> group : groups.values()) {
            shuffle(group, random);
            int held = (int) Math.round(group.size() * validationShare);
            held = Math.min(held, group.size() - 1);
            validation.addAll(group.subList(0, held));
            train.addAll(group.subList(held, group.size()));
        }
        return new DataSplit(List.copyOf(train), List.copyOf(validation));
    }

    private static void shuffle(List<Integer> values, SplittableRandom random) {
        for (int i = values.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Integer swap = values.get(i);
            values.set(i, values.get(j));
            values.set(j, swap);
        }
    }
}
