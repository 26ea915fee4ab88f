/**
 * Readers of the face data sets, each in its own on-disk format, into lazy {@link io.prosface.core.data.FaceDataset}s:
 * {@link io.prosface.core.data.readers.CelebaReader} (40 attributes, aligned crops),
 * {@link io.prosface.core.data.readers.IbugReader} (68 points, iBUG .pts),
 * {@link io.prosface.core.data.readers.ExpressionCsvReader} (expression labels from a CSV),
 * {@link io.prosface.core.data.readers.UtkFaceReader} (age, gender from file names),
 * {@link io.prosface.core.data.readers.ImageFolderReader} (unlabeled folders for pretraining) and
 * {@link io.prosface.core.data.readers.TeacherLabels} (labels a teacher model wrote for faces that lack them).
 * {@link io.prosface.core.data.readers.MultiTaskCorpus} puts all of them together into the multi-task examples that
 * fine-tuning and validation draw from. A malformed file is a
 * {@link io.prosface.core.data.readers.DatasetFormatException} naming the file and line.
 */
package io.prosface.core.data.readers;
