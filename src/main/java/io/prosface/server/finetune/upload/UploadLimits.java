package io.prosface.server.finetune.upload;

import io.prosface.server.config.FineTuneConfig;

/**
 * Guards of one upload, as plain numbers (tests build them directly).
 *
 * @param maxBytes all uploaded parts together
 * @param maxFiles images per job
 * @param maxArchiveEntries entries of an archive, skipped ones included
 * @param maxUncompressedBytes bytes after decompression, all entries of all archives together
 * @param maxCompressionRatio uncompressed / compressed bytes of every entry and of every archive as a whole
 * @param maxImageBytes one encoded image
 * @param maxImagePixels width x height of one image, read from its header
 * @param minExamples fewest labelled examples
 */
public record UploadLimits(
        long maxBytes,
        int maxFiles,
        int maxArchiveEntries,
        long maxUncompressedBytes,
        int maxCompressionRatio,
        long maxImageBytes,
        long maxImagePixels,
        int minExamples) {

    public static UploadLimits of(FineTuneConfig.Upload upload) {
        return new UploadLimits(
                upload.maxBytes(),
                upload.maxFiles(),
                upload.maxArchiveEntries(),
                upload.maxUncompressedBytes(),
                upload.maxCompressionRatio(),
                upload.maxImageBytes(),
                upload.maxImagePixels(),
                upload.minExamples());
    }
}
