package dev.strata.cli;

import dev.strata.driver.error.NotFoundException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;

/** The group named by {@code --socket-group}: a name from the group database, or a number. */
final class SocketGroups {

  private SocketGroups() {}

  static GroupPrincipal lookup(String group) throws IOException {
    try {
      // The JDK looks the name up and, failing that, takes an all-digit name as the gid itself.
      return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
    } catch (UserPrincipalNotFoundException e) {
      throw new NotFoundException(group, "--socket-group " + group + ": no such group; give a group name or number");
    }
  }
}
