package dev.strata.posix;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * The loaded libc binding, shared by the classes of this package. Loaded once per JVM: the binding
 * is immutable, so sharing it is not shared mutable state.
 */
final class Native {

  static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
  static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

  private Native() {}
}
