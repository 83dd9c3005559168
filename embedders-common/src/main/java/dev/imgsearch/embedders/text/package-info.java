/**
 * Tokenisation as the reference CLIP implementations do it, on Hugging Face {@code tokenizer.json} files via DJL's
 * tokenizers binding; shared by every embedder module so they all produce the same token ids.
 */
package dev.imgsearch.embedders.text;
