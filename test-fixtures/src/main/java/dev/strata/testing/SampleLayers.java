package dev.strata.testing;

/**
 * The layer tars the image tests share: a base layer and a second one that changes it the ways a
 * union must get right (a whiteout, an opaque directory, an added file), and one-file layers made
 * distinct by a seed. Built with {@link LayerTarBuilder}, so each call gives the same bytes.
 */
public final class SampleLayers {

  private SampleLayers() {}

  /** {@code /bin/sh}, {@code /etc/hostname}, {@code /x} and {@code /opt/old}. */
  public static byte[] base() {
    return new LayerTarBuilder()
        .dir("bin", 0755)
        .file("bin/sh", "#!/bin/true\n", 0755)
        .dir("etc", 0755)
        .file("etc/hostname", "base\n", 0644)
        .file("x", "to be whited out\n", 0644)
        .dir("opt", 0755)
        .file("opt/old", "hidden by the opaque dir\n", 0644)
        .build();
  }

  /** Whites out {@code /x}, makes {@code /opt} opaque with {@code /opt/new}, adds {@code /etc/motd}. */
  public static byte[] second() {
    return new LayerTarBuilder()
        .whiteout("x")
        .dir("opt", 0755)
        .opaque("opt")
        .file("opt/new", "only this in /opt\n", 0644)
        .dir("etc", 0755)
        .file("etc/motd", "hello from layer two\n", 0644)
        .build();
  }

  /** A layer of one file, {@code /seed}, whose content is {@code seed}: distinct seeds, distinct layers. */
  public static byte[] single(String seed) {
    return new LayerTarBuilder().file("seed", seed + "\n", 0644).build();
  }
}
