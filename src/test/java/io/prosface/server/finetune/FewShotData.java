package io.prosface.server.finetune;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.prosface.server.TestImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Few-shot sets built at test time from ../shared/data (read-only; nothing is copied into the repository), and the
 * upload archives made from them. Tests skip with a message when the data is absent.
 */
public final class FewShotData {

    static final String ADMIN = "Bearer test-admin-key";
    static final String READER = "Bearer test-read-key";

    /** One labelled image. */
    public record Item(String name, byte[] bytes, String label) {}

    private FewShotData() {}

    /**
     * {@code perClass} images of each class from facial_expressions, in labels.csv order after skipping the first
     * {@code skip} of each class (so a test can take disjoint sets).
     */
    static List<Item> expressions(List<String> classes, int perClass, int skip) {
        Path folder = TestImages.DATA.resolve("facial_expressions");
        Path labels = folder.resolve("labels.csv");
        assumeTrue(
                Files.isRegularFile(labels),
                "shared data absent: " + labels.toAbsolutePath()
                        + " (fine-tuning tests on real faces need ../shared/data, see its README)");
        Map<String, Integer> seen = new LinkedHashMap<>();
        List<Item> items = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(labels)
                    .subList(1, Files.readAllLines(labels).size())) {
                String[] fields = line.split(",");
                String label = fields[1].trim().toLowerCase(java.util.Locale.ROOT);
                if (!classes.contains(label)) {
                    continue;
                }
                int index = seen.merge(label, 1, Integer::sum);
                if (index > skip && index <= skip + perClass) {
                    Path image = folder.resolve("images").resolve(fields[0].trim());
                    if (Files.isRegularFile(image)) {
                        items.add(new Item(fields[0].trim(), Files.readAllBytes(image), label));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return items;
    }

    /** UTKFace faces with their age (regression) or gender label ("male"/"female"). */
    public static List<Item> utkFace(int count, int skip, boolean gender) {
        Path folder = TestImages.DATA.resolve("utkface");
        assumeTrue(Files.isDirectory(folder), "shared data absent: " + folder.toAbsolutePath());
        try (var files = Files.list(folder)) {
            List<Path> sorted = files.filter(p -> p.getFileName().toString().endsWith(".jpg"))
                    .sorted()
                    .toList();
            List<Item> items = new ArrayList<>();
            for (Path file : sorted.subList(skip, Math.min(sorted.size(), skip + count))) {
                String[] parts = file.getFileName().toString().split("_");
                String label = gender ? (parts[1].equals("0") ? "male" : "female") : parts[0];
                items.add(new Item(file.getFileName().toString(), Files.readAllBytes(file), label));
            }
            return items;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A balanced gender set: {@code perClass} "female" and "male" UTKFace faces, after skipping as many of each. */
    static List<Item> genders(int perClass, int skipPerClass) {
        List<Item> all = utkFace(4 * (perClass + skipPerClass) + 200, 0, true);
        List<Item> chosen = new ArrayList<>();
        for (String gender : List.of("female", "male")) {
            List<Item> ofGender = all.stream()
                    .filter(item -> item.label().equals(gender))
                    .skip(skipPerClass)
                    .limit(perClass)
                    .toList();
            assumeTrue(ofGender.size() == perClass, "not enough " + gender + " faces in the shared data");
            chosen.addAll(ofGender);
        }
        return chosen;
    }

    /**
     * CelebA faces by hair colour: {@code perClass} "blond" (Blond_Hair and not Black_Hair) and "black" (the
     * reverse), after skipping as many of each. Hair colour is a global colour cue, which even the random test
     * backbone's features carry; expression or gender need a trained backbone.
     */
    public static List<Item> hairColours(int perClass, int skipPerClass) {
        Path folder = TestImages.DATA.resolve("celeba");
        Path attributes = folder.resolve("list_attr_celeba.txt");
        assumeTrue(Files.isRegularFile(attributes), "shared data absent: " + attributes.toAbsolutePath());
        try {
            List<String> lines = Files.readAllLines(attributes);
            List<String> names = List.of(lines.get(1).trim().split("\\s+"));
            int blond = names.indexOf("Blond_Hair");
            int black = names.indexOf("Black_Hair");
            Map<String, List<Item>> byColour = new LinkedHashMap<>();
            byColour.put("blond", new ArrayList<>());
            byColour.put("black", new ArrayList<>());
            int[] skipped = new int[2];
            for (String line : lines.subList(2, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length != names.size() + 1) {
                    continue;
                }
                boolean isBlond = fields[blond + 1].equals("1") && fields[black + 1].equals("-1");
                boolean isBlack = fields[black + 1].equals("1") && fields[blond + 1].equals("-1");
                if (!isBlond && !isBlack) {
                    continue;
                }
                String colour = isBlond ? "blond" : "black";
                List<Item> chosen = byColour.get(colour);
                if (skipped[isBlond ? 0 : 1]++ < skipPerClass || chosen.size() >= perClass) {
                    continue;
                }
                Path image = folder.resolve("images").resolve(fields[0]);
                chosen.add(new Item(fields[0], Files.readAllBytes(image), colour));
            }
            List<Item> items = new ArrayList<>(byColour.get("blond"));
            items.addAll(byColour.get("black"));
            return items;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "image,label" CSV of the items. */
    static String csv(List<Item> items, String header) {
        StringBuilder csv = new StringBuilder("image," + header + "\n");
        items.forEach(
                item -> csv.append(item.name()).append(',').append(item.label()).append('\n'));
        return csv.toString();
    }

    /** A zip with the images under {@code faces/} and the manifest at the root. */
    static byte[] zip(List<Item> items, String manifestName, String manifest) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(manifestName, Archives.text(manifest));
        items.forEach(item -> entries.put("faces/" + item.name(), item.bytes()));
        return Archives.zip(entries);
    }
}
