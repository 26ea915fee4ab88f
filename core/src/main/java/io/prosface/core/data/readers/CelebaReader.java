package io.prosface.core.data.readers;

import io.prosface.core.data.FaceLabels;
import io.prosface.core.data.ImageDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CelebA's {@code list_attr_celeba.txt} (line 1: row count; line 2: the attribute names; then
 * {@code NNNNNN.jpg ±1 ...}) with the images in {@code images/} next to it (or {@code img_align_celeba/}).
 * Attributes are kept as bits per row and become a map only when a sample is read.
 */
public final class CelebaReader {

    public static final String ATTRIBUTE_FILE = "list_attr_celeba.txt";

    private CelebaReader() {}

    /** Parsed attribute file: names and one bit set per listed image (bit a = attribute a is present). */
    public record AttributeTable(List<String> names, List<String> files, long[] bits) {

        public Map<String, Boolean> attributes(int row) {
            Map<String, Boolean> attributes = new LinkedHashMap<>();
            for (int a = 0; a < names.size(); a++) {
                attributes.put(names.get(a), (bits[row] >>> a & 1L) == 1L);
            }
            return Collections.unmodifiableMap(attributes);
        }
    }

    /** Reads {@code root/list_attr_celeba.txt}; listed images missing on disk are dropped and counted. */
    public static ImageFileDataset read(Path root, ImageDecoder decoder) {
        AttributeTable table = parse(root.resolve(ATTRIBUTE_FILE));
        Path imageFolder =
                Files.isDirectory(root.resolve("images")) ? root.resolve("images") : root.resolve("img_align_celeba");
        DataFiles.requireDirectory(imageFolder);
        List<Path> images = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        Map<String, Integer> dropped = new LinkedHashMap<>();
        for (int row = 0; row < table.files().size(); row++) {
            Path image = imageFolder.resolve(table.files().get(row));
            if (Files.isRegularFile(image)) {
                images.add(image);
                rows.add(row);
            } else {
                DataFiles.count(dropped, "missing image");
            }
        }
        if (images.isEmpty() && !table.files().isEmpty()) {
            throw new IllegalArgumentException("none of the " + table.files().size() + " images listed in "
                    + ATTRIBUTE_FILE + " exist in " + imageFolder.toAbsolutePath());
        }
        int[] rowOf = rows.stream().mapToInt(Integer::intValue).toArray();
        return new ImageFileDataset(
                "CelebA " + root + " (" + table.names().size() + " attributes)",
                imageFolder,
                images,
                index -> new FaceLabels(table.attributes(rowOf[index]), null, null, null, null, null),
                decoder,
                dropped);
    }

    /** Parses the attribute file; every format error names the file and line. */
    public static AttributeTable parse(Path file) {
        List<String> lines = DataFiles.readLines(file);
        if (lines.size() < 2) {
            throw new DatasetFormatException(
                    file, lines.size() + 1, "expected a row count and a line of attribute names");
        }
        int declared;
        try {
            declared = Integer.parseInt(lines.get(0).trim());
        } catch (NumberFormatException e) {
            throw new DatasetFormatException(
                    file, 1, "expected the row count, got '" + lines.get(0).trim() + "'");
        }
        List<String> names = List.of(lines.get(1).trim().split("\\s+"));
        if (names.isEmpty() || names.get(0).isEmpty() || names.size() > Long.SIZE) {
            throw new DatasetFormatException(file, 2, "expected 1 to 64 attribute names, got " + names.size());
        }
        List<String> files = new ArrayList<>();
        long[] bits = new long[Math.max(0, lines.size() - 2)];
        for (int i = 2; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split("\\s+");
            if (fields.length - 1 != names.size()) {
                throw new DatasetFormatException(
                        file, i + 1, "expected " + names.size() + " values, got " + (fields.length - 1));
            }
            long row = 0;
            for (int a = 0; a < names.size(); a++) {
                String value = fields[a + 1];
                if (value.equals("1")) {
                    row |= 1L << a;
                } else if (!value.equals("-1")) {
                    throw new DatasetFormatException(
                            file, i + 1, "attribute " + names.get(a) + " must be 1 or -1, got '" + value + "'");
                }
            }
            bits[files.size()] = row;
            files.add(fields[0]);
        }
        if (files.size() != declared) {
            throw new DatasetFormatException(file, 1, "header says " + declared + " rows, found " + files.size());
        }
        return new AttributeTable(names, List.copyOf(files), java.util.Arrays.copyOf(bits, files.size()));
    }
}
