package dev.imgsearch.embedders.text;

import java.text.Normalizer;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text cleaning OpenAI CLIP and open_clip run before their BPE ({@code basic_clean}:
 * {@code ftfy.fix_text(text)}, then {@code html.unescape} twice, then {@code strip}), which Hugging Face's
 * {@code tokenizer.json} for CLIP does not contain. Without it, fullwidth punctuation ("，", "！", common in Chinese
 * text), curly quotes, ligatures and HTML entities give token ids that differ from the reference.
 *
 * <p>What is reproduced: ftfy's character fixes (HTML entities, control characters removed, Latin ligatures
 * split, fullwidth/halfwidth forms to their standard form, U+3000 to a space, curly quotes straightened, line
 * breaks) and {@code html.unescape} of numeric references and of the named entities that matter in queries
 * ({@code &amp; &lt; &gt; &quot; &apos; &nbsp;}, with and without the semicolon where HTML allows it). What is
 * not: ftfy's mojibake repair (re-decoding text that was decoded with the wrong charset, a heuristic) and rare named
 * entities; such texts are tokenised as they are.
 */
public final class ClipTextCleaner {
  private static final Pattern NUMERIC = Pattern.compile("&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?");
  private static final Pattern NAMED = Pattern.compile("&(amp|lt|gt|quot|nbsp)(;?)|&apos;");
  private static final Map<String, String> NAMES = Map.of(
      "amp", "&", "lt", "<", "gt", ">", "quot", "\"", "nbsp", "\u00a0");
  private static final Map<Character, String> LIGATURES = Map.ofEntries(
      Map.entry('\u0132', "IJ"), Map.entry('\u0133', "ij"), Map.entry('\u0149', "\u02bcn"),
      Map.entry('\u01f1', "DZ"), Map.entry('\u01f2', "Dz"), Map.entry('\u01f3', "dz"),
      Map.entry('\u01c4', "D\u017d"), Map.entry('\u01c5', "D\u017e"), Map.entry('\u01c6', "d\u017e"),
      Map.entry('\u01c7', "LJ"), Map.entry('\u01c8', "Lj"), Map.entry('\u01c9', "lj"),
      Map.entry('\u01ca', "NJ"), Map.entry('\u01cb', "Nj"), Map.entry('\u01cc', "nj"),
      Map.entry('\ufb00', "ff"), Map.entry('\ufb01', "fi"), Map.entry('\ufb02', "fl"),
      Map.entry('\ufb03', "ffi"), Map.entry('\ufb04', "ffl"), Map.entry('\ufb05', "\u017ft"),
      Map.entry('\ufb06', "st"));

  private ClipTextCleaner() {}

  /** Cleans a text as CLIP's {@code basic_clean} does (see the class comment for what is covered). */
  public static String clean(String text) {
    String s = unescapeHtml(text);
    s = fixCharacters(s);
    s = Normalizer.normalize(s, Normalizer.Form.NFC);
    s = unescapeHtml(unescapeHtml(s));
    return s.strip();
  }

  /** ftfy's remove_control_chars, fix_latin_ligatures, fix_character_width, uncurl_quotes, fix_line_breaks. */
  static String fixCharacters(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r') {
        out.append('\n');
        if (i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
      } else if (c == '\u2028' || c == '\u2029' || c == '\u0085') {
        out.append('\n');
      } else if (isRemovedControl(c)) {
        continue;
      } else if (LIGATURES.containsKey(c)) {
        out.append(LIGATURES.get(c));
      } else if (c == '\u3000') {
        out.append(' ');
      } else if (c >= '\uff01' && c < '\ufff0') {
        String alternate = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFKC);
        out.append(alternate);
      } else if (c == '\u02bc' || (c >= '\u2018' && c <= '\u201b')) {
        out.append('\'');
      } else if (c >= '\u201c' && c <= '\u201f') {
        out.append('"');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isRemovedControl(char c) {
    return c <= 0x08 || c == 0x0b || (c >= 0x0e && c <= 0x1f) || c == 0x7f || (c >= 0x206a && c <= 0x206f)
        || c == 0xfeff || (c >= 0xfff9 && c <= 0xfffc);
  }

  /** Python's html.unescape for numeric references and the common named entities. */
  static String unescapeHtml(String text) {
    if (text.indexOf('&') < 0) {
      return text;
    }
    Matcher numeric = NUMERIC.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (numeric.find()) {
      int cp;
      try {
        cp = numeric.group(1) != null ? Integer.parseInt(numeric.group(1), 16) : Integer.parseInt(numeric.group(2));
      } catch (NumberFormatException e) {
        cp = 0x110000;
      }
      String replacement;
      if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        replacement = "\ufffd";
      } else if (cp >= 0x80 && cp <= 0x9f) {
        replacement = windows1252(cp);
      } else {
        replacement = new String(Character.toChars(cp));
      }
      numeric.appendReplacement(sb, Matcher.quoteReplacement(replacement));
    }
    numeric.appendTail(sb);
    Matcher named = NAMED.matcher(sb.toString());
    StringBuilder out = new StringBuilder();
    while (named.find()) {
      String replacement = named.group(1) == null ? "'" : NAMES.get(named.group(1));
      named.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    named.appendTail(out);
    return out.toString();
  }

  private static String windows1252(int cp) {
    byte[] b = {(byte) cp};
    String s = new String(b, java.nio.charset.Charset.forName("windows-1252"));
    return s.equals("\ufffd") ? new String(Character.toChars(cp)) : s;
  }
}
