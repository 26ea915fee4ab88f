package io.prosface.training.curate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;

/**
 * An in-memory Lucene HNSW index of embeddings under cosine similarity: the approximate-nearest-neighbour retrieval of
 * the curation step. Each vector carries an integer id (its position in the caller's list).
 */
public final class VectorIndex implements AutoCloseable {

    private static final String VECTOR = "embedding";
    private static final String ID = "id";

    /** One retrieved neighbour: the caller's id and its cosine similarity in [-1, 1]. */
    public record Neighbour(int id, double cosine) {}

    private final Directory directory = new ByteBuffersDirectory();
    private final DirectoryReader reader;
    private final IndexSearcher searcher;

    /** Indexes {@code vectors} (all of one dimension, non-zero); id i is {@code vectors.get(i)}. */
    public VectorIndex(List<float[]> vectors) {
        try {
            // single segment (no merge pass), so search touches one HNSW graph
            IndexWriterConfig config = new IndexWriterConfig().setRAMBufferSizeMB(256);
            try (IndexWriter writer = new IndexWriter(directory, config)) {
                for (int i = 0; i < vectors.size(); i++) {
                    Document document = new Document();
                    document.add(new KnnFloatVectorField(VECTOR, vectors.get(i), VectorSimilarityFunction.COSINE));
                    document.add(new StoredField(ID, i));
                    writer.addDocument(document);
                }
                writer.forceMerge(1);
            }
            reader = DirectoryReader.open(directory);
            searcher = new IndexSearcher(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the vector index", e);
        }
    }

    public int size() {
        return reader.numDocs();
    }

    /** The k nearest neighbours of {@code query} by cosine similarity, nearest first. */
    public List<Neighbour> nearest(float[] query, int k) {
        List<Neighbour> neighbours = new ArrayList<>();
        if (size() == 0) {
            return neighbours;
        }
        try {
            TopDocs top = searcher.search(new KnnFloatVectorQuery(VECTOR, query, Math.min(k, size())), k);
            for (ScoreDoc hit : top.scoreDocs) {
                int id = searcher.storedFields()
                        .document(hit.doc)
                        .getField(ID)
                        .numericValue()
                        .intValue();
                // Lucene scores cosine as (1 + cos) / 2 so that scores are positive; undo it
                neighbours.add(new Neighbour(id, 2.0 * hit.score - 1.0));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("vector search failed", e);
        }
        return neighbours;
    }

    @Override
    public void close() {
        try {
            reader.close();
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
