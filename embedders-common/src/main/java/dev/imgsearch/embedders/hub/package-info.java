/**
 * Where model files come from: {@link dev.imgsearch.embedders.hub.HubClient} downloads files of a Hugging Face Hub
 * repository (or a mirror) once into the Hugging Face cache layout, verified and resumable, and works offline from
 * that cache. Embedder modules use it for their {@code fromHub(repoId, revision)} builders.
 */
package dev.imgsearch.embedders.hub;
