package io.prosface.core.data.readers;

import io.prosface.core.data.FaceLabels;
import io.prosface.core.data.ImageDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A folder (searched recursively) of 300-W / iBUG {@code .pts} files, each next to an image of the same stem.
 * Points are returned exactly as written in the file (pixel coordinates of that image); all files must have the
 * same number of points. A {@code .pts} without an image is dropped and counted.
 */
public final class IbugReader {

    private static final String[] IMAGE_SUFFIXES = {".jpg", ".png", ".jpeg", ".bmp", ".JPG", ".PNG", ".JPEG", ".webp"};

    private IbugReader() {}

    public static ImageFileDataset read(Path folder, ImageDecoder decoder) {
        List<Path> pointFiles =
                DataFiles.listFiles(folder, file -> DataFiles.extension(file).equals("pts"));
        if (pointFiles.isEmpty()) {
            throw new IllegalArgumentException("no .pts files under " + folder.toAbsolutePath());
        }
        List<Path> images = new ArrayList<>();
        List<float[]> points = new ArrayList<>();
        Map<String, Integer> dropped = new LinkedHashMap<>();
        int pointCount = -1;
        for (Path pointFile : pointFiles) {
            float[] landmarks = parsePts(pointFile);
            if (pointCount < 0) {
                pointCount = landmarks.length / 2;
            } else if (landmarks.length / 2 != pointCount) {
                throw new DatasetFormatException(
                        pointFile,
                        2,
                        "has " + landmarks.length / 2 + " points, the data set "
                                + pointFiles.get(0).getFileName() + " has " + pointCount);
            }
            Path image = imageNextTo(pointFile);
            if (image == null) {
                DataFiles.count(dropped, "no image next to the .pts");
                continue;
            }
            images.add(image);
            points.add(landmarks);
        }
        return new ImageFileDataset(
                "iBUG " + pointCount + "-point " + folder,
                folder,
                images,
                index -> new FaceLabels(null, null, points.get(index).clone(), null, null, null),
                decoder,
                dropped);
    }

    /** Parses {@code version: 1 / n_points: N / { x y ... }}; errors name the file and line. */
    public static float[] parsePts(Path file) {
        List<String> lines = DataFiles.readLines(file);
        int line = 0;
        int declared = -1;
        // header: "key: value" lines up to the opening brace
        while (line < lines.size() && !lines.get(line).trim().equals("{")) {
            String header = lines.get(line).trim();
            if (header.startsWith("n_points")) {
                try {
                    declared = Integer.parseInt(
                            header.substring(header.indexOf(':') + 1).trim());
                } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                    throw new DatasetFormatException(file, line + 1, "expected 'n_points: N', got '" + header + "'");
                }
            } else if (!header.isEmpty() && !header.contains(":")) {
                throw new DatasetFormatException(
                        file, line + 1, "expected a 'key: value' header or '{', got '" + header + "'");
            }
            line++;
        }
        if (declared <= 0) {
            throw new DatasetFormatException(
                    file, Math.min(line + 1, lines.size()), "missing 'n_points: N' before '{'");
        }
        if (line >= lines.size()) {
            throw new DatasetFormatException(file, lines.size(), "missing '{'");
        }
        float[] points = new float[2 * declared];
        for (int point = 0; point < declared; point++) {
            int number = line + 2 + point;
            if (number > lines.size()) {
                throw new DatasetFormatException(
                        file, lines.size(), "file ends after " + point + " of " + declared + " points");
            }
            String[] values = lines.get(number - 1).trim().split("\\s+");
            if (values.length != 2) {
                throw new DatasetFormatException(
                        file, number, "expected 2 numbers (x y), got " + (values[0].isEmpty() ? 0 : values.length));
            }
            try {
                points[2 * point] = Float.parseFloat(values[0]);
                points[2 * point + 1] = Float.parseFloat(values[1]);
            } catch (NumberFormatException e) {
                throw new DatasetFormatException(
                        file,
                        number,
                        "not a number pair: '" + lines.get(number - 1).trim() + "'");
            }
        }
        int closing = line + 2 + declared;
        if (closing > lines.size() || !lines.get(closing - 1).trim().equals("}")) {
            throw new DatasetFormatException(
                    file, Math.min(closing, lines.size()), "expected '}' after " + declared + " points");
        }
        return points;
    }

    private static Path imageNextTo(Path pointFile) {
        String name = pointFile.getFileName().toString();
        String stem = name.substring(0, name.length() - ".pts".length());
        for (String suffix : IMAGE_SUFFIXES) {
            Path candidate = pointFile.resolveSibling(stem + suffix);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
