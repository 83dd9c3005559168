/** ONNX Runtime sessions with plain-array inputs and outputs, and their options (reusable by other modules). */
package dev.imgsearch.onnx.session;
