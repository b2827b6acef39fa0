package dev.strata.interop;

import java.util.stream.IntStream;

/**
 * The images the tests build, all {@code FROM scratch} around a static busybox so that nothing is
 * pulled. Each RUN is one layer; the comments say which layer-format case it produces.
 */
final class Dockerfiles {

  private Dockerfiles() {}

  private static final String BASE = """
      FROM scratch
      COPY busybox /bin/busybox
      RUN ["/bin/busybox","--install","-s","/bin"]
      """;

  /** Every case of the layer format busybox can make (it has no setfattr, so no xattrs). */
  static final String FEATURES = BASE + """
      # /etc exists in every Docker container (its init layer), so the image makes it its own
      RUN mkdir -p /etc /tmp /data/keep /data/gone /data/replaced/sub /links && echo features > /etc/interop \\
       && echo keep > /data/keep/file && echo gone > /data/gone/file \\
       && echo old > /data/replaced/sub/old && echo top > /data/deleted-file \\
       && echo shared > /links/lower-target && echo lower > /data/mtime-file && echo mode > /data/mode-file
      # whiteouts of a file and a directory; an opaque directory (removed, then made again)
      RUN rm -rf /data/gone /data/deleted-file /data/replaced \\
       && mkdir -p /data/replaced/new && echo new > /data/replaced/new/file
      # hardlinks across layers and within one; absolute, relative and dangling symlinks
      RUN ln /links/lower-target /links/cross-layer-hardlink \\
       && echo same > /links/a && ln /links/a /links/b && ln /links/b /links/c \\
       && ln -s /links/a /links/absolute && ln -s ../data/keep/file /links/relative \\
       && ln -s /nowhere/at/all /links/dangling
      # a FIFO, setuid, setgid and sticky bits, a non-root owner
      RUN mkfifo /data/fifo && echo x > /data/setuid && chmod 4755 /data/setuid \\
       && echo y > /data/setgid && chmod 2711 /data/setgid && mkdir /data/sticky && chmod 1777 /data/sticky \\
       && mkdir -p /home/user/dir && echo u > /home/user/file && chown -R 1000:1000 /home/user \\
       && ln -s file /home/user/link && chown -h 1000:1000 /home/user/link
      # a 255-byte name and non-ASCII names
      RUN echo long > /data/$(printf 'n%.0s' $(seq 255)) && echo utf8 > '/data/naïve-日本語-ü' \\
       && mkdir '/data/répertoire' && echo x > '/data/répertoire/ßtraße'
      # a 40-deep tree
      RUN d=/deep; for i in $(seq 40); do d=$d/d$i; done; mkdir -p $d && echo bottom > $d/file
      # a change of mtime and mode only, to files of a lower layer
      RUN touch -d '2020-01-02 03:04:05' /data/mtime-file && chmod 600 /data/mode-file
      # the two big layers last: vfs copies every layer below a new one, so this keeps its load quick
      # a sparse 64 MiB file with a few bytes in its middle
      RUN truncate -s 64M /data/sparse && printf middle | dd of=/data/sparse bs=1 seek=33554432 conv=notrunc
      # 20,000 files in one layer
      RUN mkdir /many && cd /many && i=0 && while [ $i -lt 20000 ]; do echo $i > f$i; i=$((i+1)); done
      """;

  /**
   * Names that are not UTF-8, made by busybox's {@code printf} from octal escapes: {@code \xff\xfe},
   * a lone continuation byte, Latin-1 {@code caf\xe9}, an overlong {@code /} (C0 AF), and one
   * word in NFC and in NFD. Each becomes a file, a directory with a child, a symlink target, a
   * hardlink, a file to be whited out and a directory to be made opaque, under {@code /data/bytes}.
   */
  static final String BYTE_NAMES_MAKE = "mkdir -p /data/bytes && cd /data/bytes"
      + " && for n in \"$(printf 'invalid-utf8-\\377\\376')\" \"$(printf 'lone-\\200')\" \"$(printf 'caf\\351')\""
      + " \"$(printf 'overlong-\\300\\257')\" \"$(printf '\\303\\251t\\303\\251')\""
      + " \"$(printf 'e\\314\\201te\\314\\201')\"; do"
      + " echo \"$n\" > \"f-$n\" && mkdir \"d-$n\" && echo c > \"d-$n/$n\" && ln -s \"d-$n/$n\" \"s-$n\""
      + " && ln \"f-$n\" \"h-$n\" && echo w > \"w-$n\" && mkdir \"o-$n\" && echo o > \"o-$n/$n\"; done";

  /** In a later layer: each {@code w-NAME} deleted (a whiteout), each {@code o-NAME} replaced (opaque). */
  static final String BYTE_NAMES_CHANGE = "cd /data/bytes && for d in o-*; do"
      + " rm -rf \"$d\" && mkdir \"$d\" && echo new > \"$d/new-${d#o-}\"; done && rm -f w-*";

  /** {@link #BYTE_NAMES_MAKE} and {@link #BYTE_NAMES_CHANGE} as two layers. */
  static final String BYTE_NAMES = BASE + "RUN " + BYTE_NAMES_MAKE + "\nRUN " + BYTE_NAMES_CHANGE + "\n";

  /** 60 layers above the base, each touching a shared file and adding its own. */
  static final String TALL = BASE + "RUN mkdir -p /etc /layers && echo tall > /etc/interop\n"
      + IntStream.rangeClosed(1, 60)
          .mapToObj(i -> "RUN touch /layers/common && echo " + i + " > /layers/f" + i + "\n")
          .reduce("", String::concat);

  /**
   * A small image that goes through a registry. Its first layer is a file {@code stamp} of the build
   * context, unique per build, so that no layer is one the engine already has from another image:
   * a pull must then download and unpack every layer ("Pull complete"), none "Already exists".
   */
  static final String REGISTRY = """
      FROM scratch
      COPY stamp /etc/interop-stamp
      COPY busybox /bin/busybox
      RUN ["/bin/busybox","--install","-s","/bin"]
      RUN mkdir -p /data/sub && echo one > /data/one && echo gone > /data/gone && chmod 640 /data/one \\
       && ln /data/one /data/hardlink && ln -s one /data/symlink \\
       && dd if=/dev/urandom of=/data/sub/random bs=1k count=256 2>/dev/null
      # a whiteout, and a file added next to it
      RUN rm /data/gone && echo two > /data/sub/two
      """;

  /** A small image for changes made on top of it, by Docker and by Strata. */
  static final String CHANGES_BASE = BASE + """
      RUN mkdir -p /etc /data/keep /data/remove-dir/sub /data/replace-dir && echo changes > /etc/interop \\
       && echo keep > /data/keep/file && echo bye > /data/remove-me && echo x > /data/remove-dir/sub/x \\
       && echo old > /data/replace-dir/old && echo mode > /data/chmod-me && echo t > /data/touch-me \\
       && echo l > /data/link-target
      """;

  /**
   * The same changes, run by Docker in a container and by Strata in a mounted container through
   * {@code chroot}: add, modify, delete, chmod, touch, replace a directory, hardlink, symlink, FIFO.
   */
  static final String CHANGES = String.join(" && ",
      "echo added > /added-file",
      "mkdir -p /new-dir/sub && echo n > /new-dir/sub/file",
      "echo more >> /data/keep/file",
      "rm /data/remove-me",
      "rm -rf /data/remove-dir",
      "rm -rf /data/replace-dir && mkdir /data/replace-dir && echo new > /data/replace-dir/new",
      "chmod 700 /data/chmod-me",
      "touch -d '2021-03-04 05:06:07' /data/touch-me",
      "ln /data/link-target /data/hardlink",
      "ln -s /added-file /new-symlink",
      "mkfifo /new-fifo",
      "chown 1000:1000 /added-file");
}
