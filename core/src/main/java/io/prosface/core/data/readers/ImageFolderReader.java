package io.prosface.core.data.readers;

import io.prosface.core.data.FaceLabels;
import io.prosface.core.data.ImageDecoder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Every image under a folder (recursively, by extension: jpg, jpeg, png, bmp, webp), unlabeled, sorted by path. */
public final class ImageFolderReader {

    private ImageFolderReader() {}

    public static ImageFileDataset read(Path folder, ImageDecoder decoder) {
        List<Path> images = DataFiles.listFiles(folder, DataFiles::isImage);
        FaceLabels none = ImageFileDataset.unlabeled();
        return new ImageFileDataset("unlabeled images " + folder, folder, images, index -> none, decoder, Map.of());
    }
}
