package dev.imgsearch.core;

/** The named collection does not exist in the store. */
public class CollectionNotFoundException extends SchemaException {
  private static final long serialVersionUID = 1L;
  private final String collection;

  public CollectionNotFoundException(String collection) {
    super("Collection '" + collection + "' does not exist. Create it first with createCollection(spec), "
        + "or check the name against listCollections().");
    this.collection = collection;
  }

  /** The name that was not found. */
  public String collection() {
    return collection;
  }
}
