package dev.imgsearch.store.lucene;

import dev.imgsearch.core.filter.Filter;
import java.io.IOException;
import java.util.Objects;
import java.util.Set;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.ConstantScoreScorer;
import org.apache.lucene.search.ConstantScoreWeight;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.ScorerSupplier;
import org.apache.lucene.search.TwoPhaseIterator;
import org.apache.lucene.search.Weight;

/**
 * The documents among {@code candidates} (or all documents) whose stored row matches a filter, evaluated with
 * {@link Filter#matches} on the stored values: the exact answer where a filter, or part of one, has no Lucene
 * query (values too long to index as terms, wildcard patterns too complex for an automaton). Slow on many
 * candidates, never wrong.
 */
final class RowPredicateQuery extends Query {
  private final Query candidates;
  private final Filter predicate;
  private final Documents documents;

  /**
   * @param candidates the documents to test, or null for all
   * @param predicate the filter the stored row must match
   */
  RowPredicateQuery(Query candidates, Filter predicate, Documents documents) {
    this.candidates = candidates;
    this.predicate = Objects.requireNonNull(predicate, "predicate");
    this.documents = Objects.requireNonNull(documents, "documents");
  }

  @Override
  public Query rewrite(IndexSearcher searcher) throws IOException {
    if (candidates != null) {
      Query rewritten = candidates.rewrite(searcher);
      if (rewritten != candidates) {
        return new RowPredicateQuery(rewritten, predicate, documents);
      }
    }
    return this;
  }

  @Override
  public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) throws IOException {
    Weight inner = candidates == null ? null
        : searcher.createWeight(candidates, ScoreMode.COMPLETE_NO_SCORES, 1f);
    Set<String> load = documents.storedFieldsFor(predicate.fields());
    return new ConstantScoreWeight(this, boost) {
      @Override
      public ScorerSupplier scorerSupplier(LeafReaderContext context) throws IOException {
        Scorer scorer = scorerOf(context);
        return scorer == null ? null : new DefaultScorerSupplier(scorer);
      }

      private Scorer scorerOf(LeafReaderContext context) throws IOException {
        DocIdSetIterator approximation;
        if (inner == null) {
          approximation = DocIdSetIterator.all(context.reader().maxDoc());
        } else {
          Scorer s = inner.scorer(context);
          if (s == null) {
            return null;
          }
          approximation = s.iterator();
        }
        StoredFields stored = context.reader().storedFields();
        TwoPhaseIterator twoPhase = new TwoPhaseIterator(approximation) {
          @Override
          public boolean matches() throws IOException {
            return predicate.matches(documents.toRow(stored.document(approximation.docID(), load)));
          }

          @Override
          public float matchCost() {
            return 1_000f; // a stored-fields read and decode
          }
        };
        return new ConstantScoreScorer(score(), scoreMode, twoPhase);
      }

      @Override
      public boolean isCacheable(LeafReaderContext ctx) {
        return false;
      }
    };
  }

  @Override
  public void visit(QueryVisitor visitor) {
    visitor.visitLeaf(this);
  }

  @Override
  public String toString(String field) {
    return "RowPredicate(" + predicate.toExpression() + (candidates == null ? "" : " among " + candidates) + ")";
  }

  @Override
  public boolean equals(Object o) {
    return sameClassAs(o) && predicate.equals(((RowPredicateQuery) o).predicate)
        && Objects.equals(candidates, ((RowPredicateQuery) o).candidates)
        && documents == ((RowPredicateQuery) o).documents;
  }

  @Override
  public int hashCode() {
    return Objects.hash(classHash(), predicate, candidates);
  }
}
