package io.prosface.server.finetune.upload;

/**
 * One labelled image of a job.
 *
 * @param name image name as the manifest wrote it
 * @param image encoded bytes, already checked to decode within the limits
 * @param target class index (1 value), tags as 0/1 (C), values (R), or landmark pixel coordinates x0,y0,... (2K)
 */
public record Example(String name, byte[] image, float[] target) {}
