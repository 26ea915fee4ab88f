package io.prosface.core.data;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/** Combinators over {@link FaceDataset}s: concatenation (e.g. all unlabeled faces for pretraining) and subsets. */
public final class FaceDatasets {

    private FaceDatasets() {}

    /** The data sets one after another; index i of the result is in the first part whose range holds it. */
    public static FaceDataset concat(List<? extends FaceDataset> parts) {
        List<FaceDataset> copy = List.copyOf(parts);
        int[] starts = new int[copy.size() + 1];
        for (int i = 0; i < copy.size(); i++) {
            starts[i + 1] = Math.addExact(starts[i], copy.get(i).size());
        }
        return new FaceDataset() {
            @Override
            public int size() {
                return starts[copy.size()];
            }

            @Override
            public FaceSample get(int index) {
                int part = partOf(index);
                return copy.get(part).get(index - starts[part]);
            }

            @Override
            public FaceLabels labels(int index) {
                int part = partOf(index);
                return copy.get(part).labels(index - starts[part]);
            }

            @Override
            public long badImageCount() {
                return copy.stream().mapToLong(FaceDataset::badImageCount).sum();
            }

            @Override
            public String describe() {
                return copy.stream().map(FaceDataset::describe).collect(Collectors.joining(" + ", "[", "]"));
            }

            private int partOf(int index) {
                if (index < 0 || index >= size()) {
                    throw new IndexOutOfBoundsException("index " + index + " of " + size());
                }
                int found = Arrays.binarySearch(starts, index);
                // binarySearch gives -(insertion point) - 1 when index is inside a part; equal starts mean empty parts
                int part = found >= 0 ? found : -found - 2;
                while (copy.get(part).size() == 0) {
                    part++;
                }
                return part;
            }
        };
    }

    /** The samples at {@code indices} of {@code dataset}, in that order. */
    public static FaceDataset subset(FaceDataset dataset, int[] indices, String name) {
        int[] copy = indices.clone();
        for (int index : copy) {
            if (index < 0 || index >= dataset.size()) {
                throw new IndexOutOfBoundsException("subset index " + index + " of " + dataset.size());
            }
        }
        return new FaceDataset() {
            @Override
            public int size() {
                return copy.length;
            }

            @Override
            public FaceSample get(int index) {
                return dataset.get(copy[index]);
            }

            @Override
            public FaceLabels labels(int index) {
                return dataset.labels(copy[index]);
            }

            @Override
            public long badImageCount() {
                return dataset.badImageCount();
            }

            @Override
            public String describe() {
                return name + " (" + copy.length + " of " + dataset.describe() + ")";
            }
        };
    }

    /** A seeded random split: the first part gets {@code round(fraction * size)} samples, the second the rest. */
    public static List<FaceDataset> split(FaceDataset dataset, double fraction, long seed) {
        int[] order = permutation(dataset.size(), new SplittableRandom(seed));
        int cut = (int) Math.round(fraction * dataset.size());
        return List.of(
                subset(dataset, Arrays.copyOfRange(order, 0, cut), "split " + fraction),
                subset(dataset, Arrays.copyOfRange(order, cut, order.length), "split " + (1 - fraction)));
    }

    /** Fisher-Yates shuffle of 0..size-1; a null random gives the identity order. */
    static int[] permutation(int size, SplittableRandom random) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        for (int i = size - 1; random != null && i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
