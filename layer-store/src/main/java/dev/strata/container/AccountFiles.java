package dev.strata.container;

import dev.strata.driver.error.InvalidArgumentException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The {@code /etc/passwd} and {@code /etc/group} of a container's root filesystem, read as the
 * image wrote them: resolved inside the rootfs (a symlink cannot point the read at the host),
 * refused unless a regular file (a FIFO would block the read), bounded in size, and lines that do
 * not parse skipped, as glibc and runc skip them.
 */
final class AccountFiles {

  /** Far above any real account database; a bigger one is refused, not read into memory. */
  static final int MAX_BYTES = 4 * 1024 * 1024;
  /** The largest id runc accepts (it keeps them as signed 32-bit). */
  static final long MAX_ID = Integer.MAX_VALUE;

  /** A line of {@code /etc/passwd}: {@code name:password:uid:gid:...}. */
  record User(String name, long uid, long gid) {}

  /** A line of {@code /etc/group}: {@code name:password:gid:member,member}. */
  record Group(String name, long gid, List<String> members) {
    Group {
      members = List.copyOf(members);
    }
  }

  private AccountFiles() {}

  static List<User> users(Path rootfs) throws IOException {
    List<User> users = new ArrayList<>();
    for (String[] f : lines(rootfs, "/etc/passwd")) {
      Optional<Long> uid = id(f, 2);
      Optional<Long> gid = id(f, 3);
      if (!f[0].isEmpty() && uid.isPresent() && gid.isPresent()) {
        users.add(new User(f[0], uid.get(), gid.get()));
      }
    }
    return users;
  }

  static List<Group> groups(Path rootfs) throws IOException {
    List<Group> groups = new ArrayList<>();
    for (String[] f : lines(rootfs, "/etc/group")) {
      Optional<Long> gid = id(f, 2);
      if (!f[0].isEmpty() && gid.isPresent()) {
        List<String> members = f.length > 3 && !f[3].isEmpty() ? Arrays.asList(f[3].split(",")) : List.of();
        groups.add(new Group(f[0], gid.get(), members));
      }
    }
    return groups;
  }

  /** A non-negative id runc accepts, or empty when {@code text} is not one. */
  static Optional<Long> parseId(String text) {
    if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Optional.empty();
    }
    long value = Long.parseLong(text);
    return value <= MAX_ID ? Optional.of(value) : Optional.empty();
  }

  private static Optional<Long> id(String[] fields, int index) {
    return fields.length > index ? parseId(fields[index].trim()) : Optional.empty();
  }

  /** The colon-separated fields of each line that is not blank or a comment; none when the file is missing. */
  private static List<String[]> lines(Path rootfs, String containerPath) throws IOException {
    Path file = RootfsPaths.resolve(rootfs, containerPath);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attrs.isRegularFile()) {
      throw new InvalidArgumentException(containerPath, containerPath + " in the container is not a regular file;"
          + " cannot look the user up in it (give a numeric uid:gid)");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    }
    if (bytes.length > MAX_BYTES) {
      throw new InvalidArgumentException(containerPath, containerPath + " in the container is larger than "
          + MAX_BYTES + " bytes; refusing to read it (give a numeric uid:gid)");
    }
    List<String[]> lines = new ArrayList<>();
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        lines.add(line.split(":", -1));
      }
    }
    return lines;
  }
}
