package dev.strata.container;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.json.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An OCI runtime spec ({@code config.json}) as runc 1.1 reads it (spec 1.0.2): what differs
 * between containers is held here; the rest is {@code runc spec}'s default, with Docker's default
 * capabilities so that a process behaves as it would under {@code docker run}: namespaces for
 * pid, network (loopback only), ipc, uts and mount; the usual masked and read-only paths under
 * {@code /proc} and {@code /sys}; every device denied but those runc itself creates.
 *
 * @param args the process's argv, not empty
 * @param env {@code KEY=value} each
 * @param cwd the absolute working directory inside the container
 * @param user the ids the process runs as
 * @param terminal whether runc gives the process a pseudo-terminal
 * @param rootfs the absolute host path of the container's root filesystem
 * @param hostname the container's host name
 * @param mounts in mount order
 * @param mountLabel the SELinux label of the container's mounts, when it has one
 * @param rootfsPropagation the propagation of the root mount, when not the runtime's default
 */
record RuntimeSpec(List<String> args, List<String> env, String cwd, ProcessUser user, boolean terminal,
    Path rootfs, String hostname, List<OciMount> mounts, Optional<String> mountLabel,
    Optional<String> rootfsPropagation) {

  /** The spec version runc 1.1.5 writes and reads. */
  static final String OCI_VERSION = "1.0.2-dev";

  /** Docker's default capabilities (moby's {@code caps.DefaultCapabilities}). */
  static final List<String> CAPABILITIES = List.of(
      "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
      "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
      "CAP_AUDIT_WRITE");

  private static final List<String> NAMESPACES = List.of("pid", "network", "ipc", "uts", "mount");
  private static final List<String> MASKED = List.of(
      "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
      "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi");
  private static final List<String> READ_ONLY = List.of(
      "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

  RuntimeSpec {
    args = List.copyOf(args);
    env = List.copyOf(env);
    mounts = List.copyOf(mounts);
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(mountLabel, "mountLabel");
    Objects.requireNonNull(rootfsPropagation, "rootfsPropagation");
    if (args.isEmpty()) {
      throw new IllegalArgumentException("a process needs at least one argument");
    }
    if (!cwd.startsWith("/")) {
      throw new IllegalArgumentException("working directory '" + cwd + "' is not absolute");
    }
    if (!rootfs.isAbsolute()) {
      throw new IllegalArgumentException("rootfs " + rootfs + " is not absolute");
    }
  }

  /** The {@code config.json} document. */
  ObjectNode json() {
    ObjectNode spec = Json.object();
    spec.put("ociVersion", OCI_VERSION);
    spec.set("process", process());
    ObjectNode root = spec.putObject("root");
    root.put("path", rootfs.toString());
    root.put("readonly", false);
    spec.put("hostname", hostname);
    ArrayNode list = spec.putArray("mounts");
    for (OciMount m : mounts) {
      ObjectNode node = list.addObject();
      node.put("destination", m.destination());
      node.put("type", m.type());
      node.put("source", m.source());
      strings(node.putArray("options"), m.options());
    }
    spec.set("linux", linux());
    return spec;
  }

  private ObjectNode process() {
    ObjectNode process = Json.object();
    process.put("terminal", terminal);
    ObjectNode ids = process.putObject("user");
    ids.put("uid", user.uid());
    ids.put("gid", user.gid());
    if (!user.additionalGids().isEmpty()) {
      ArrayNode gids = ids.putArray("additionalGids");
      user.additionalGids().forEach(gids::add);
    }
    strings(process.putArray("args"), args);
    strings(process.putArray("env"), env);
    process.put("cwd", cwd);
    ObjectNode caps = process.putObject("capabilities");
    for (String set : List.of("bounding", "effective", "permitted")) {
      strings(caps.putArray(set), CAPABILITIES);
    }
    ObjectNode nofile = process.putArray("rlimits").addObject();
    nofile.put("type", "RLIMIT_NOFILE");
    nofile.put("hard", 1024);
    nofile.put("soft", 1024);
    process.put("noNewPrivileges", true);
    return process;
  }

  private ObjectNode linux() {
    ObjectNode linux = Json.object();
    ObjectNode deny = linux.putObject("resources").putArray("devices").addObject();
    deny.put("allow", false);
    deny.put("access", "rwm");
    ArrayNode namespaces = linux.putArray("namespaces");
    NAMESPACES.forEach(n -> namespaces.addObject().put("type", n));
    strings(linux.putArray("maskedPaths"), MASKED);
    strings(linux.putArray("readonlyPaths"), READ_ONLY);
    mountLabel.ifPresent(l -> linux.put("mountLabel", l));
    rootfsPropagation.ifPresent(p -> linux.put("rootfsPropagation", p));
    return linux;
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}
