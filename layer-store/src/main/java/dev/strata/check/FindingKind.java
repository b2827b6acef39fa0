package dev.strata.check;

/** What {@link StoreCheck} can find wrong; each kind says whether {@code --repair} can fix it. */
public enum FindingKind {
  /** A driver layer that no layer record and no container names. Repair deletes it. */
  ORPHAN_DRIVER_LAYER(true),
  /** A layer or write layer whose driver data is gone. Not repairable: load or pull again. */
  MISSING_LAYER_DATA(false),
  /** A layer record that cannot be read. Not repairable. */
  DAMAGED_LAYER_RECORD(false),
  /** A layer whose content no longer hashes to its DiffID. Never repaired: the bytes are evidence. */
  MODIFIED_LAYER(false),
  /** A layer whose parent ChainID is not in the store. Not repairable. */
  BROKEN_PARENT(false),
  /** A reference count other than the number of images whose top layer it is. Repair rewrites it. */
  BAD_REFERENCE_COUNT(true),
  /** An image whose top layer is not registered. Not repairable: remove the image, load it again. */
  DANGLING_IMAGE_LAYER(false),
  /** A tag naming an image that is not in the store. Repair drops the tag. */
  DANGLING_TAG(true),
  /** A container record without a write layer. Repair drops the record and its volume references. */
  CONTAINER_WITHOUT_WRITE_LAYER(true),
  /** A write layer without a container record. Not repaired: it holds the container's writes. */
  WRITE_LAYER_WITHOUT_RECORD(false),
  /** A mount under the root that no container or volume counts. Repair unmounts it. */
  LEAKED_MOUNT(true),
  /** A mount count with nothing mounted, or a volume mount by a container not mounted. Repair drops it. */
  STALE_MOUNT_COUNT(true),
  /** A volume referenced by a container that does not exist. Repair drops the reference. */
  VOLUME_REFERENCE_TO_MISSING_CONTAINER(true),
  /** What an interrupted operation left in a staging or trash directory. Repair deletes it. */
  LEFTOVER_STAGING(true);

  private final boolean repairable;

  FindingKind(boolean repairable) {
    this.repairable = repairable;
  }

  /** Whether {@code --repair} fixes this kind without losing data. */
  public boolean repairable() {
    return repairable;
  }

  /** True for kinds that mean content is gone or changed (the CLI exits with its "corrupt" code). */
  public boolean dataLoss() {
    return this == MISSING_LAYER_DATA || this == MODIFIED_LAYER || this == DAMAGED_LAYER_RECORD
        || this == BROKEN_PARENT || this == DANGLING_IMAGE_LAYER;
  }
}
