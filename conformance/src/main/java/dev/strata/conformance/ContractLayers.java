package dev.strata.conformance;

import dev.strata.testing.LayerTarBuilder;

/** Layers more than one contract builds on. */
final class ContractLayers {

  private ContractLayers() {}

  /** A small tree with a little of everything, owned by 1:2 in places when run as root. */
  static LayerTarBuilder richBase() {
    return new LayerTarBuilder()
        .dir("etc", 0755)
        .file("etc/hosts", "127.0.0.1 localhost\n", 0644)
        .file("etc/shadow", "root:*:19000::::::\n", 0640).owner(0, 42)
        .dir("home", 0755)
        .dir("home/user", 0750).owner(1000, 1000)
        .file("home/user/notes", "keep me", 0600).owner(1000, 1000).xattr("user.tag", "blue")
        .symlink("home/user/hosts", "../../etc/hosts")
        .dir("bin", 0755)
        .file("bin/tool", "#!/bin/sh\necho tool\n", 0755)
        .hardlink("bin/tool-alias", "bin/tool")
        .dir("tmp", 01777);
  }
}
