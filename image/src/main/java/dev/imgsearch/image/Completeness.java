package dev.imgsearch.image;

/** What a structural walk over encoded bytes found: the file is whole, ends early, or is damaged. */
enum Completeness {
  /** The end marker (JPEG EOI, PNG IEND) was reached over a valid structure. */
  COMPLETE,
  /** The structure is valid as far as it goes but the data ends before the end marker. */
  TRUNCATED,
  /** Something that must be a marker, chunk or checksum is not one. */
  CORRUPT
}
