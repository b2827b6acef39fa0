package dev.strata.volumeplugin;

import java.util.Arrays;
import java.util.Optional;

/**
 * The calls of Docker's volume plugin protocol, each a {@code POST} to its own path, and what its
 * JSON body must carry.
 */
enum Endpoint {
  ACTIVATE("/Plugin.Activate", false, false),
  CAPABILITIES("/VolumeDriver.Capabilities", false, false),
  LIST("/VolumeDriver.List", false, false),
  CREATE("/VolumeDriver.Create", true, false),
  REMOVE("/VolumeDriver.Remove", true, false),
  GET("/VolumeDriver.Get", true, false),
  PATH("/VolumeDriver.Path", true, false),
  MOUNT("/VolumeDriver.Mount", true, true),
  UNMOUNT("/VolumeDriver.Unmount", true, true);

  private final String path;
  private final boolean needsName;
  private final boolean needsId;

  Endpoint(String path, boolean needsName, boolean needsId) {
    this.path = path;
    this.needsName = needsName;
    this.needsId = needsId;
  }

  /** The endpoint served at {@code path}, if any. */
  static Optional<Endpoint> at(String path) {
    return Arrays.stream(values()).filter(e -> e.path.equals(path)).findFirst();
  }

  /** {@code VolumeDriver.Create}: the name Docker gives the call, and the one its errors quote. */
  String method() {
    return path.substring(1);
  }

  /** Whether the body must name a volume ({@code Name}). */
  boolean needsName() {
    return needsName;
  }

  /** Whether the body must carry Docker's mount id ({@code ID}). */
  boolean needsId() {
    return needsId;
  }
}
