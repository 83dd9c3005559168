/**
 * imgsearch core: the SDK's public API and its exception hierarchy.
 *
 * <ul>
 *   <li>{@link dev.imgsearch.core.embed}: embedders of images, text, or both in one space.
 *   <li>{@link dev.imgsearch.core.image}: image input, guarded decoding, model preprocessing recipes.
 *   <li>{@link dev.imgsearch.core.store}: the {@code VectorStore} API and its values.
 *   <li>{@link dev.imgsearch.core.filter}: the filter language shared by every store.
 * </ul>
 *
 * <p>Every failure is an unchecked {@link dev.imgsearch.core.ImageSearchException} whose message says what was
 * wrong and what to do.
 */
package dev.imgsearch.core;
