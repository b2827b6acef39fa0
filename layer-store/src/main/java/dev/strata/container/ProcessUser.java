package dev.strata.container;

import dev.strata.driver.error.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ids a container's process runs as, resolved from an image's {@code User} the way runc and
 * Docker resolve it: {@code user[:group]}, each a name looked up in the rootfs's {@code
 * /etc/passwd} and {@code /etc/group} or a number. A number no entry names is taken as it is (gid 0
 * when only a uid is given); a name no entry names is an error. Without a group, the user's primary
 * group applies and the groups listing the user as a member become additional groups.
 *
 * @param uid the user id
 * @param gid the primary group id
 * @param additionalGids further group ids, in {@code /etc/group} order
 */
record ProcessUser(long uid, long gid, List<Long> additionalGids) {

  static final ProcessUser ROOT = new ProcessUser(0, 0, List.of());

  ProcessUser {
    checkId("uid", uid);
    checkId("gid", gid);
    additionalGids = List.copyOf(additionalGids);
    additionalGids.forEach(g -> checkId("additional gid", g));
  }

  /**
   * Resolves {@code user} inside {@code rootfs}.
   *
   * @throws InvalidArgumentException if a name is not in the container's account files, a number
   *     is out of range, or an account file cannot be read safely
   */
  static ProcessUser resolve(Path rootfs, String user) throws IOException {
    if (user.isEmpty()) {
      return ROOT;
    }
    int colon = user.indexOf(':');
    String userPart = colon < 0 ? user : user.substring(0, colon);
    Optional<String> groupPart = colon < 0 ? Optional.empty() : Optional.of(user.substring(colon + 1));
    if (userPart.isEmpty() || groupPart.filter(String::isEmpty).isPresent()) {
      throw new InvalidArgumentException(user, "user '" + user + "' is not user[:group]");
    }

    Optional<Long> uidNumber = number(userPart, "uid", user);
    Optional<AccountFiles.User> entry = AccountFiles.users(rootfs).stream()
        .filter(u -> u.name().equals(userPart) || uidNumber.filter(n -> n == u.uid()).isPresent())
        .findFirst();
    if (entry.isEmpty() && uidNumber.isEmpty()) {
      throw new InvalidArgumentException(user, "unable to find user " + userPart
          + ": no matching entries in the container's /etc/passwd");
    }
    long uid = entry.map(AccountFiles.User::uid).orElseGet(uidNumber::get);
    long gid = entry.map(AccountFiles.User::gid).orElse(0L);

    List<AccountFiles.Group> groups = entry.isPresent() || groupPart.isPresent()
        ? AccountFiles.groups(rootfs) : List.of();
    if (groupPart.isPresent()) {
      String group = groupPart.get();
      Optional<Long> gidNumber = number(group, "gid", user);
      Optional<AccountFiles.Group> named = groups.stream()
          .filter(g -> g.name().equals(group) || gidNumber.filter(n -> n == g.gid()).isPresent())
          .findFirst();
      if (named.isEmpty() && gidNumber.isEmpty()) {
        throw new InvalidArgumentException(user, "unable to find group " + group
            + ": no matching entries in the container's /etc/group");
      }
      return new ProcessUser(uid, named.map(AccountFiles.Group::gid).orElseGet(gidNumber::get), List.of());
    }
    List<Long> additional = new ArrayList<>();
    if (entry.isPresent()) {
      for (AccountFiles.Group g : groups) {
        if (g.members().contains(entry.get().name()) && g.gid() != gid && !additional.contains(g.gid())) {
          additional.add(g.gid());
        }
      }
    }
    return new ProcessUser(uid, gid, additional);
  }

  /** The number {@code part} is, empty for a name; a number out of range is an error, not a name. */
  private static Optional<Long> number(String part, String what, String user) throws InvalidArgumentException {
    if (!part.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Optional.empty();
    }
    Optional<Long> id = AccountFiles.parseId(part);
    if (id.isEmpty()) {
      throw new InvalidArgumentException(user, "user '" + user + "': " + what + " " + part
          + " is out of range (0 to " + AccountFiles.MAX_ID + ")");
    }
    return id;
  }

  private static void checkId(String what, long id) {
    if (id < 0 || id > AccountFiles.MAX_ID) {
      throw new IllegalArgumentException(what + " " + id + " is out of range (0 to " + AccountFiles.MAX_ID + ")");
    }
  }
}
