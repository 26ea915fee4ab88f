package io.prosface.server.inference.registry;

/**
 * A head the client picked.
 *
 * @param task the task it is meant for (gRPC: the request field it came in); null: the task the head itself serves
 *     (REST's {@code head} parameter)
 * @param selector name and optional version
 */
public record HeadChoice(FaceTask task, HeadSelector selector) {}
