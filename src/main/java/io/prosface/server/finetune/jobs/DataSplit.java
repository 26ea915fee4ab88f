package io.prosface.server.finetune.jobs;

import io.prosface.core.model.HeadKind;
import io.prosface.server.finetune.upload.Example;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * The seeded train/validation split of a job, computed once when the upload is accepted. Classification is
 * stratified: each class gives the same share to validation and keeps at least one example for training, so small
 * classes are never trained without examples. The job's input is stored in split order ({@link #inStoredOrder}) with
 * the two counts ({@link DatasetCodec}), so the job reads the same split back ({@link #stored}) instead of splitting
 * again; an input stored before the split was recorded gets the split those versions drew when the job ran
 * ({@link #forStored}).
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

    /** The examples in split order, as a job's input is stored: the training examples, then the validation ones. */
    public <T> List<T> inStoredOrder(List<T> examples) {
        List<T> ordered = new ArrayList<>(train.size() + validation.size());
        train.forEach(index -> ordered.add(examples.get(index)));
        validation.forEach(index -> ordered.add(examples.get(index)));
        return ordered;
    }

    /**
     * The split a job trains on: the one recorded with its input, else (an input stored in upload order by an earlier
     * version) {@link #of} over it, as those versions did when the job ran.
     */
    public static DataSplit forStored(DatasetCodec.Stored input, HeadKind kind, double validationShare, long seed) {
        return input.split().orElseGet(() -> of(input.examples(), kind, validationShare, seed));
    }

    /** The split of an input stored {@link #inStoredOrder in split order}: its first {@code train} examples train. */
    public static DataSplit stored(int train, int validation, int stored) {
        if (train + validation != stored) {
            throw new IllegalStateException(
                    "the stored input has " + stored + " examples, the job " + train + " + " + validation);
        }
        return new DataSplit(
                IntStream.range(0, train).boxed().toList(),
                IntStream.range(train, train + validation).boxed().toList());
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
