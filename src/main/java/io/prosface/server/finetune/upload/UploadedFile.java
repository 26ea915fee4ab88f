package io.prosface.server.finetune.upload;

/**
 * One file of an upload, held in memory (the upload's byte limits bound the total).
 *
 * @param name path inside the archive ("set/happy/001.jpg") or the part's file name
 * @param bytes its content
 * @param archive the file name of the archive part it came from; null for a file sent as a part of its own
 */
public record UploadedFile(String name, byte[] bytes, String archive) {

    /** A file sent as a part of its own. */
    public UploadedFile(String name, byte[] bytes) {
        this(name, bytes, null);
    }

    /** The last path segment: "001.jpg". */
    public String baseName() {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? name : name.substring(slash + 1);
    }

    /** Where the file is, for messages: "archive 'set.zip' entry 'happy/001.jpg'" or "part '001.jpg'". */
    public String origin() {
        return archive == null ? "part '" + name + "'" : "archive '" + archive + "' entry '" + name + "'";
    }
}
