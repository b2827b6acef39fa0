package dev.strata.driver;

/** Optional abilities a driver declares; the conformance suite and the layer store check them. */
public enum Capability {
  /** Layers are real mounts (overlay, bind); {@link GraphDriver#mount} changes the mount table. */
  REAL_MOUNTS,
  /** The mounted view of a read-only layer rejects writes ({@code EROFS}). */
  READ_ONLY_VIEWS,
  /** Files are cloned by reflink or snapshot rather than copied when a child is created. */
  COPY_ON_WRITE,
  /** {@link GraphDriver#diff} and {@link GraphDriver#changes} read the layer alone, without walking the parent. */
  NATIVE_DIFF,
  /** Writable layers accept a {@code size=} storage option. */
  QUOTA,
  /** Character and block device nodes can be stored in layers. */
  DEVICE_NODES,
  /**
   * A read-only layer's tar is applied without reading its parent's content (overlay2: each layer is
   * its own directory), so {@link GraphDriver#createReadOnly} may name a parent whose own create is
   * still running in this process. The child's tar is applied meanwhile; the child is put in place
   * only after its parent, and fails with {@code NotFoundException}, leaving nothing, when the
   * parent's create fails. Without it, a parent must exist before a child's create starts.
   */
  INDEPENDENT_LAYERS
}
