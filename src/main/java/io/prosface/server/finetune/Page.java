package io.prosface.server.finetune;

import java.util.List;

/** One page of a listing and the token of the next one (empty on the last page). */
public record Page<T>(List<T> items, String nextPageToken) {}
