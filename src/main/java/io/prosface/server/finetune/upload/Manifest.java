package io.prosface.server.finetune.upload;

import java.util.List;

/**
 * A parsed label manifest, before its labels are checked against the task.
 *
 * @param columns names of the label columns (CSV header after the image column; JSON object keys of the first
 *     entry whose label is an object); empty when the format has none
 * @param rows one per labelled image, in file order
 */
public record Manifest(List<String> columns, List<Row> rows) {

    /**
     * @param line 1-based line of the manifest file, for error messages
     * @param image the image name as written
     * @param fields the label as text fields: one class, several tags, several numbers
     */
    public record Row(int line, String image, List<String> fields) {}
}
