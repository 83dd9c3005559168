/**
 * Pictures of search results: {@link dev.imgsearch.pipeline.render.ResultGrid} draws a query and its hits as a PNG grid
 * with file names and scores, and {@link dev.imgsearch.pipeline.render.CaptionFonts} picks fonts that have the glyphs
 * of every caption, falling back to a Chinese font shipped in the jar (Droid Sans Fallback, subset to GB2312,
 * Apache License 2.0; made by {@code tools/caption-font/make_caption_font.sh}).
 */
package dev.imgsearch.pipeline.render;
