package dev.imgsearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.imgsearch.embedders.text.ClipTextCleaner;
import dev.imgsearch.embedders.text.TextTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Java token ids equal the reference tokenizers' (open_clip's SimpleTokenizer, cn_clip.clip.tokenize) for every
 * text of src/test/python/token_texts.py: English, Chinese, mixed, emoji, empty, whitespace, punctuation, accents,
 * HTML entities, fullwidth forms and texts longer than the context.
 */
class TokenizerParityTest {
  private static final JsonObject REFERENCE = TestModels.json("reference/tokens.json");

  @Test
  void clipIdsEqualOpenClipTokenize() {
    try (TextTokenizer t = TextTokenizer.load(TestModels.model("clip").resolve("tokenizer.json"), 77, 0,
        ClipTextCleaner::clean)) {
      assertAllEqual(t, "clip");
    }
  }

  @Test
  void chineseClipIdsEqualCnClipTokenize() {
    try (TextTokenizer t = TextTokenizer.load(TestModels.model("chinese-clip").resolve("tokenizer.json"), 52, 0,
        UnaryOperator.identity())) {
      assertAllEqual(t, "chinese_clip");
    }
  }

  @Test
  void theEmbeddersUseTheseTokenizers() {
    try (OnnxContrastiveEmbedder clip = TestModels.clip(); OnnxContrastiveEmbedder cn = TestModels.chineseClip()) {
      JsonObject row = REFERENCE.getAsJsonArray("texts").get(0).getAsJsonObject();
      assertThat(clip.tokenizer().ids(row.get("text").getAsString())).containsExactly(ids(row, "clip"));
      assertThat(cn.tokenizer().ids(row.get("text").getAsString())).containsExactly(ids(row, "chinese_clip"));
    }
  }

  private static void assertAllEqual(TextTokenizer tokenizer, String key) {
    JsonArray rows = REFERENCE.getAsJsonArray("texts");
    assertThat(rows.size()).isGreaterThanOrEqualTo(50);
    List<String> texts = new ArrayList<>();
    for (JsonElement e : rows) {
      texts.add(e.getAsJsonObject().get("text").getAsString());
    }
    long[][] batch = tokenizer.encode(texts).ids(); // one batch call ...
    List<String> mismatches = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      JsonObject row = rows.get(i).getAsJsonObject();
      long[] expected = ids(row, key);
      long[] single = tokenizer.ids(texts.get(i)); // ... and one call per text give the reference ids
      if (!java.util.Arrays.equals(expected, batch[i]) || !java.util.Arrays.equals(expected, single)) {
        mismatches.add(texts.get(i) + "\n  expected " + java.util.Arrays.toString(expected) + "\n  got      "
            + java.util.Arrays.toString(batch[i]));
      }
    }
    assertThat(mismatches).as("texts whose ids differ from the reference").isEmpty();
  }

  private static long[] ids(JsonObject row, String key) {
    JsonArray a = row.getAsJsonArray(key);
    long[] ids = new long[a.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = a.get(i).getAsLong();
    }
    return ids;
  }
}
