package dev.imgsearch.store.lucene;

import dev.imgsearch.core.filter.And;
import dev.imgsearch.core.filter.Comparison;
import dev.imgsearch.core.filter.Comparison.Operator;
import dev.imgsearch.core.filter.Filter;
import dev.imgsearch.core.filter.In;
import dev.imgsearch.core.filter.Like;
import dev.imgsearch.core.filter.Not;
import dev.imgsearch.core.filter.Or;
import dev.imgsearch.store.lucene.Documents.Kind;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.DoubleField;
import org.apache.lucene.document.FloatField;
import org.apache.lucene.document.KeywordField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.SortedSetDocValuesField;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldExistsQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.WildcardQuery;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.automaton.TooComplexToDeterminizeException;

/**
 * Translates core's filter tree into a Lucene query that matches exactly the rows {@link Filter#matches} accepts,
 * so it can serve as the pre-filter of a vector search. Each comparison becomes a query on the fields of the kinds
 * the value may have ({@link Documents.Kind}); numeric bounds are computed so that integer, float and double values
 * compare with integer and floating-point literals exactly as {@link Comparison} compares them (integers exactly,
 * FLOAT values at float precision against fractional literals). {@code in} becomes a set query, {@code like} a
 * term, prefix or wildcard query, {@code and}/{@code or}/{@code not} boolean queries ({@code not} subtracts from
 * all documents). Where no query expresses a node exactly, the node is evaluated on the stored row
 * ({@link RowPredicateQuery}).
 */
final class FilterQueries {
  private final Documents documents;

  FilterQueries(Documents documents) {
    this.documents = documents;
  }

  /** The query for a filter; all documents for null. */
  Query toQuery(Filter filter) {
    if (filter == null) {
      return new MatchAllDocsQuery();
    }
    return translate(filter);
  }

  private Query translate(Filter f) {
    if (f instanceof And and) {
      BooleanQuery.Builder b = new BooleanQuery.Builder();
      and.operands().forEach(o -> b.add(translate(o), Occur.FILTER));
      return b.build();
    }
    if (f instanceof Or or) {
      BooleanQuery.Builder b = new BooleanQuery.Builder();
      or.operands().forEach(o -> b.add(translate(o), Occur.SHOULD));
      return b.build();
    }
    if (f instanceof Not not) {
      return minus(new MatchAllDocsQuery(), translate(not.operand()));
    }
    if (f instanceof Comparison c) {
      return comparison(c);
    }
    if (f instanceof In in) {
      return in(in);
    }
    if (f instanceof Like like) {
      return like(like);
    }
    // A filter of another class: evaluate it row by row.
    return new RowPredicateQuery(null, f, documents);
  }

  // ---- comparisons ------------------------------------------------------------------------------------------

  private Query comparison(Comparison c) {
    String field = c.field();
    Object value = c.value();
    List<Kind> kinds = documents.kinds(field);
    if (value instanceof String s) {
      if (!kinds.contains(Kind.STRING)) {
        return new MatchNoDocsQuery();
      }
      String sf = Kind.STRING.field(field);
      BytesRef term = new BytesRef(s);
      Query indexed = switch (c.operator()) {
        case EQ -> KeywordField.newExactQuery(sf, term);
        case NE -> minus(new FieldExistsQuery(sf), KeywordField.newExactQuery(sf, term));
        case LT -> stringRange(sf, null, term, true, false);
        case LE -> stringRange(sf, null, term, true, true);
        case GT -> stringRange(sf, term, null, false, true);
        case GE -> stringRange(sf, term, null, true, true);
      };
      return withLongStrings(indexed, field, c);
    }
    if (value instanceof Boolean b) {
      if (!kinds.contains(Kind.BOOL)) {
        return new MatchNoDocsQuery();
      }
      boolean wanted = c.operator() == Operator.EQ ? b : !b;
      return new TermQuery(new Term(Kind.BOOL.field(field), Boolean.toString(wanted)));
    }
    List<Query> parts = new ArrayList<>();
    for (Kind kind : kinds) {
      if (kind == Kind.LONG || kind == Kind.FLOAT || kind == Kind.DOUBLE) {
        parts.add(numeric(kind, field, c.operator(), value));
      }
    }
    return union(parts);
  }

  private static Query numeric(Kind kind, String field, Operator op, Object literal) {
    String kf = kind.field(field);
    if (op == Operator.NE) {
      return minus(new FieldExistsQuery(kf), numeric(kind, field, Operator.EQ, literal));
    }
    return switch (kind) {
      case LONG -> {
        long[] r = NumericBounds.longRange(op, literal);
        yield r == null ? new MatchNoDocsQuery() : LongField.newRangeQuery(kf, r[0], r[1]);
      }
      case DOUBLE -> {
        double[] r = NumericBounds.doubleRange(op, literal);
        yield r == null ? new MatchNoDocsQuery() : DoubleField.newRangeQuery(kf, r[0], r[1]);
      }
      case FLOAT -> {
        float[] r = NumericBounds.floatRange(op, literal);
        yield r == null ? new MatchNoDocsQuery() : FloatField.newRangeQuery(kf, r[0], r[1]);
      }
      default -> throw new AssertionError(kind);
    };
  }

  // ---- in ---------------------------------------------------------------------------------------------------

  private Query in(In in) {
    String field = in.field();
    List<Object> values = in.values();
    List<Kind> kinds = documents.kinds(field);
    if (values.isEmpty()) {
      if (!in.negated()) {
        return new MatchNoDocsQuery();
      }
      // Any value of a kind a list can hold is not in the empty list.
      List<Query> exists = new ArrayList<>();
      kinds.forEach(k -> exists.add(new FieldExistsQuery(k.field(field))));
      Query q = union(exists);
      return kinds.contains(Kind.STRING) ? withLongStrings(q, field, in) : q;
    }
    Object sample = values.get(0);
    List<Query> parts = new ArrayList<>();
    if (sample instanceof String) {
      if (!kinds.contains(Kind.STRING)) {
        return new MatchNoDocsQuery();
      }
      String sf = Kind.STRING.field(field);
      List<BytesRef> terms = values.stream().map(v -> new BytesRef((String) v)).toList();
      Query set = KeywordField.newSetQuery(sf, terms);
      return withLongStrings(in.negated() ? minus(new FieldExistsQuery(sf), set) : set, field, in);
    }
    if (sample instanceof Boolean) {
      if (!kinds.contains(Kind.BOOL)) {
        return new MatchNoDocsQuery();
      }
      String bf = Kind.BOOL.field(field);
      List<BytesRef> terms = values.stream().map(v -> new BytesRef(v.toString())).distinct().toList();
      Query set = KeywordField.newSetQuery(bf, terms);
      return in.negated() ? minus(new FieldExistsQuery(bf), set) : set;
    }
    for (Kind kind : kinds) {
      String kf = kind.field(field);
      Query set = switch (kind) {
        case LONG -> LongField.newSetQuery(kf, NumericBounds.longSet(values));
        case DOUBLE -> DoubleField.newSetQuery(kf, NumericBounds.doubleSet(values));
        case FLOAT -> FloatField.newSetQuery(kf, NumericBounds.floatSet(values));
        default -> null;
      };
      if (set != null) {
        parts.add(in.negated() ? minus(new FieldExistsQuery(kf), set) : set);
      }
    }
    return union(parts);
  }

  // ---- like -------------------------------------------------------------------------------------------------

  private Query like(Like like) {
    String field = like.field();
    if (!documents.kinds(field).contains(Kind.STRING)) {
      return new MatchNoDocsQuery();
    }
    String sf = Kind.STRING.field(field);
    LikePattern p = LikePattern.parse(like.pattern());
    Query indexed;
    if (p.isExact()) {
      indexed = KeywordField.newExactQuery(sf, new BytesRef(p.literal()));
    } else {
      try {
        indexed = p.isPrefix()
            ? (p.literal().isEmpty() ? new FieldExistsQuery(sf) : new PrefixQuery(new Term(sf, p.literal())))
            : new WildcardQuery(new Term(sf, p.toWildcard()));
      } catch (TooComplexToDeterminizeException | IllegalArgumentException e) {
        // Lucene cannot compile an automaton for this pattern (too complex, or over ~1000 bytes long).
        indexed = new RowPredicateQuery(new FieldExistsQuery(sf), like, documents);
      }
    }
    return withLongStrings(indexed, field, like);
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  /**
   * A range of strings in code point order (the order of UTF-8 bytes); over doc values when a bound is too long
   * for Lucene's term automaton (about 1000 bytes).
   */
  private static Query stringRange(String field, BytesRef lower, BytesRef upper, boolean includeLower,
      boolean includeUpper) {
    try {
      return new TermRangeQuery(field, lower, upper, includeLower, includeUpper);
    } catch (IllegalArgumentException | TooComplexToDeterminizeException e) {
      return SortedSetDocValuesField.newSlowRangeQuery(field, lower, upper, includeLower, includeUpper);
    }
  }

  /** Adds the rows whose string value was too long to index, tested on the stored value. */
  private Query withLongStrings(Query indexed, String field, Filter node) {
    Query longOnes = new RowPredicateQuery(
        new TermQuery(new Term(Documents.LONG_STRINGS, Kind.STRING.field(field))), node, documents);
    return new BooleanQuery.Builder().add(indexed, Occur.SHOULD).add(longOnes, Occur.SHOULD).build();
  }

  private static Query minus(Query from, Query excluded) {
    return new BooleanQuery.Builder().add(from, Occur.FILTER).add(excluded, Occur.MUST_NOT).build();
  }

  private static Query union(List<Query> parts) {
    if (parts.isEmpty()) {
      return new MatchNoDocsQuery();
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    parts.forEach(p -> b.add(p, Occur.SHOULD));
    return b.build();
  }

  /** A {@code like} pattern in Milvus's syntax: {@code %} any sequence, {@code _} one code point, {@code \} escapes. */
  record LikePattern(List<Object> tokens) {
    private static final Object ANY = "%";
    private static final Object ONE = "_";

    static LikePattern parse(String pattern) {
      List<Object> tokens = new ArrayList<>();
      for (int i = 0; i < pattern.length(); ) {
        int c = pattern.codePointAt(i);
        i += Character.charCount(c);
        if (c == '\\' && i < pattern.length()) {
          c = pattern.codePointAt(i);
          i += Character.charCount(c);
          tokens.add(c);
        } else if (c == '%') {
          tokens.add(ANY);
        } else if (c == '_') {
          tokens.add(ONE);
        } else {
          tokens.add(c);
        }
      }
      return new LikePattern(tokens);
    }

    boolean isExact() {
      return tokens.stream().allMatch(t -> t instanceof Integer);
    }

    /** Literal code points followed by one or more {@code %} only. */
    boolean isPrefix() {
      int i = 0;
      while (i < tokens.size() && tokens.get(i) instanceof Integer) {
        i++;
      }
      if (i == tokens.size()) {
        return false;
      }
      for (int j = i; j < tokens.size(); j++) {
        if (tokens.get(j) != ANY) {
          return false;
        }
      }
      return true;
    }

    /** The leading literal code points. */
    String literal() {
      StringBuilder sb = new StringBuilder();
      for (Object t : tokens) {
        if (!(t instanceof Integer c)) {
          break;
        }
        sb.appendCodePoint(c);
      }
      return sb.toString();
    }

    /** The pattern in Lucene's wildcard syntax: {@code *}, {@code ?}, with {@code * ? \} escaped. */
    String toWildcard() {
      StringBuilder sb = new StringBuilder();
      for (Object t : tokens) {
        if (t == ANY) {
          sb.append('*');
        } else if (t == ONE) {
          sb.append('?');
        } else {
          int c = (Integer) t;
          if (c == '*' || c == '?' || c == '\\') {
            sb.append('\\');
          }
          sb.appendCodePoint(c);
        }
      }
      return sb.toString();
    }
  }
}
