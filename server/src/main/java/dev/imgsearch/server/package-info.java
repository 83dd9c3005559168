/**
 * An embeddable web server over an {@link dev.imgsearch.pipeline.ImageIndex}: a JSON API described by an OpenAPI
 * document, and a search page (English and Chinese) served from the jar. Start one with
 * {@link dev.imgsearch.server.ImageSearchServer#builder()}.
 */
package dev.imgsearch.server;
