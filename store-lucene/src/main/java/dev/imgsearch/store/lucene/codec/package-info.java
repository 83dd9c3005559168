/**
 * Vector formats of the Lucene store, registered with Lucene's service loader so that Lucene can read the
 * indexes the store writes. Internal: applications do not use these classes.
 */
package dev.imgsearch.store.lucene.codec;
