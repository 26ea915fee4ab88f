package io.prosface.server.inference.analysis;

/**
 * Where one request's time went on the server, in nanoseconds. With several faces, queue and compute are those of
 * the face that waited (or computed) longest.
 */
public record RequestTiming(long decodeNanos, long detectNanos, long queueNanos, long computeNanos, long totalNanos) {}
