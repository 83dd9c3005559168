/** Tokenisation as the reference CLIP implementations do it, on Hugging Face tokenizer.json files via DJL. */
package dev.imgsearch.onnx.text;
