package io.prosface.server.finetune;

/**
 * One file of an upload, held in memory (the upload's byte limits bound the total).
 *
 * @param name path inside the archive ("set/happy/001.jpg") or the part's file name
 * @param bytes its content
 */
public record UploadedFile(String name, byte[] bytes) {

    /** The last path segment: "001.jpg". */
    public String baseName() {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? name : name.substring(slash + 1);
    }
}
