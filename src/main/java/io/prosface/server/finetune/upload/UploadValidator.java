package io.prosface.server.finetune.upload;

import io.prosface.core.data.InvalidImageException;
import io.prosface.server.error.ServingException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the parts of an upload into a {@link TrainingSet}, or refuses it with the first rule it breaks. Pure: it
 * stores nothing, so a refused upload leaves no trace. Order of checks: total bytes, archives (zip-slip, zip bomb,
 * entry count), the manifest's presence, the number of files, manifest syntax and image names, every referenced
 * image (decoded as serving decodes it: header guards, decode-memory plan, EXIF orientation), then the labels.
 */
public final class UploadValidator {

    /** Manifest file names recognised inside an archive (or as a part's file name). */
    static final Set<String> MANIFEST_NAMES = Set.of("manifest.csv", "manifest.json", "labels.csv", "labels.json");

    /**
     * Decodes one image completely, or throws: {@link InvalidImageException} for bytes that are not a usable image,
     * a {@link ServingException} when the server has no room to decode it now. The server's is
     * {@link io.prosface.server.inference.analysis.ImageDecoding}: the guarded, upright decode predictions use.
     */
    @FunctionalInterface
    public interface ImageCheck {
        void decode(byte[] image);
    }

    private final UploadLimits limits;
    private final UploadBudget.Lease lease;
    private final ImageCheck imageCheck;

    /**
     * {@code lease}: the upload's share of the heap, charged for every byte inflated from its archives;
     * {@code imageCheck}: how every referenced image is decoded.
     */
    public UploadValidator(UploadLimits limits, UploadBudget.Lease lease, ImageCheck imageCheck) {
        this.limits = limits;
        this.lease = lease;
        this.imageCheck = imageCheck;
    }

    /**
     * @param spec the form's task spec (labels may still be empty)
     * @param archives archive parts (zip or tar.gz)
     * @param images single image parts
     * @param manifest the manifest part, or null when it should be inside an archive
     */
    public TrainingSet validate(
            TaskSpec spec, List<UploadedFile> archives, List<UploadedFile> images, UploadedFile manifest) {
        long total = (manifest == null ? 0 : manifest.bytes().length);
        for (UploadedFile part : archives) {
            total += part.bytes().length;
        }
        for (UploadedFile part : images) {
            total += part.bytes().length;
        }
        if (total > limits.maxBytes()) {
            throw ServingException.tooLarge("upload has " + total + " bytes, limit " + limits.maxBytes());
        }
        List<UploadedFile> files = new ArrayList<>(images);
        ArchiveReader reader = new ArchiveReader(limits, lease);
        for (UploadedFile archive : archives) {
            files.addAll(reader.read(archive.name(), archive.bytes()));
        }
        if (manifest == null) {
            manifest = files.stream()
                    .filter(f -> MANIFEST_NAMES.contains(f.baseName().toLowerCase(Locale.ROOT)))
                    .min(java.util.Comparator.comparingInt(f -> f.name().split("/").length))
                    .orElseThrow(() ->
                            ServingException.invalidArgument("no label manifest: send a 'manifest' part (CSV or JSON) "
                                    + "or put manifest.csv / manifest.json in the archive"));
        }
        UploadedFile manifestFile = manifest;
        files.removeIf(file -> file == manifestFile);
        if (files.size() > limits.maxFiles()) {
            throw ServingException.tooLarge("upload has " + files.size() + " files, limit " + limits.maxFiles());
        }
        Manifest parsed = ManifestParser.parse(manifest.name(), manifest.bytes());
        List<byte[]> resolved = resolveImages(parsed, files);
        LabelEncoder.Encoded encoded = LabelEncoder.encode(spec, parsed);
        if (parsed.rows().size() < limits.minExamples()) {
            throw ServingException.invalidArgument("a job needs at least " + limits.minExamples()
                    + " labelled images, the manifest has " + parsed.rows().size());
        }
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < parsed.rows().size(); i++) {
            examples.add(new Example(
                    parsed.rows().get(i).image(),
                    resolved.get(i),
                    encoded.targets().get(i)));
        }
        TaskSpec finalSpec = new TaskSpec(spec.kind(), spec.headName(), encoded.labels(), spec.options());
        return new TrainingSet(finalSpec, examples);
    }

    /** The bytes of every manifest row's image, each decoded once by the {@link ImageCheck}. */
    private List<byte[]> resolveImages(Manifest manifest, List<UploadedFile> files) {
        Map<String, UploadedFile> byPath = new HashMap<>();
        Map<String, UploadedFile> byBaseName = new HashMap<>();
        Set<String> ambiguous = new HashSet<>();
        for (UploadedFile file : files) {
            byPath.put(file.name(), file);
            if (byBaseName.putIfAbsent(file.baseName(), file) != null) {
                ambiguous.add(file.baseName());
            }
        }
        Set<String> seen = new HashSet<>();
        List<byte[]> images = new ArrayList<>();
        for (Manifest.Row row : manifest.rows()) {
            String where = "manifest line " + row.line() + ": ";
            if (!seen.add(row.image())) {
                throw ServingException.invalidArgument(where + "image '" + row.image() + "' is listed twice");
            }
            UploadedFile file = byPath.get(row.image());
            if (file == null && !ambiguous.contains(row.image())) {
                file = byBaseName.get(row.image());
            }
            if (file == null) {
                throw ServingException.invalidArgument(where + "image '" + row.image() + "' is not in the upload"
                        + (ambiguous.contains(row.image()) ? " under that path (several files have that name)" : ""));
            }
            try {
                imageCheck.decode(file.bytes());
            } catch (InvalidImageException invalid) {
                throw new ServingException(
                        invalid.reason() == InvalidImageException.Reason.TOO_MANY_BYTES
                                ? io.prosface.server.error.ErrorCode.PAYLOAD_TOO_LARGE
                                : io.prosface.server.error.ErrorCode.INVALID_ARGUMENT,
                        where + "image '" + row.image() + "' (" + file.origin() + ") refused: " + invalid.getMessage());
            }
            images.add(file.bytes());
        }
        return images;
    }
}
